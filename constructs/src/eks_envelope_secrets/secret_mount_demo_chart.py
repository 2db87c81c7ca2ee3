"""A demo Pod that proves the Secret arrives as a read-only tmpfs file, never in its environment."""

from __future__ import annotations

import shlex

import cdk8s
import cdk8s_plus_35 as kplus

from constructs import Construct
from eks_envelope_secrets.kubernetes_names import (
    validate_dns1123_subdomain,
    validate_env_var_name,
    validate_workload_namespace,
)

DEFAULT_IMAGE = "public.ecr.aws/docker/library/busybox:1.37.0"
"""Public ECR needs no login; pin a digest too (``image@sha256:...``) once you have verified it."""

MOUNT_ROOT = "/var/run/secrets"
SECRET_FILE_MODE = 0o440
MIN_NON_ROOT_ID = 10000
DEFAULT_RUN_AS_ID = 10001


class SecretMountDemoChart(cdk8s.Chart):
    """A Pod that mounts one Secret key and prints its length and a short SHA-256 fingerprint.

    The key is a file on a read-only Secret volume (tmpfs, mode 0440, group ``fs_group``), not
    an environment variable: environment variables leak into ``/proc``, crash dumps and child
    processes. The Pod meets the Pod Security Standards ``restricted`` profile and mounts no
    service-account token, so a compromise of it reaches nothing in the API server.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str,
        secret_name: str,
        secret_key: str,
        image: str = DEFAULT_IMAGE,
        run_as_id: int = DEFAULT_RUN_AS_ID,
    ) -> None:
        """:param namespace: the namespace the Pod runs in (the Secret's).
        :param secret_name: the Secret to mount.
        :param secret_key: the key to mount as a file of the same name.
        :param image: a shell image with ``wc``, ``sha256sum`` and ``cut`` (BusyBox has them).
        :param run_as_id: user, group and fsGroup id, at least 10000 (no clash with host ids).
        """
        validate_workload_namespace("namespace", namespace)
        validate_dns1123_subdomain("secret_name", secret_name)
        validate_env_var_name("secret_key", secret_key)
        if run_as_id < MIN_NON_ROOT_ID:
            raise ValueError(
                f"run_as_id is {run_as_id}: use {MIN_NON_ROOT_ID} or more, so the Pod's user "
                "matches no user of the node (e.g. 10001)."
            )
        if not image:
            raise ValueError("image is empty: name a pinned image (e.g. the default BusyBox).")
        super().__init__(scope, id, namespace=namespace, disable_resource_name_hashes=True)

        self.mount_path = f"{MOUNT_ROOT}/{secret_name}"
        """Where the Secret volume is mounted, read-only."""
        self.secret_file = f"{self.mount_path}/{secret_key}"
        """The file that holds the key's value."""
        secret_volume = kplus.Volume.from_secret(
            self,
            "SecretVolume",
            kplus.Secret.from_secret_name(self, "Secret", secret_name),
            name="secret",
            items={secret_key: kplus.PathMapping(path=secret_key, mode=SECRET_FILE_MODE)},
            default_mode=SECRET_FILE_MODE,
            optional=False,
        )
        file_is_not_empty = kplus.Probe.from_command(["test", "-s", self.secret_file])

        self.pod = kplus.Pod(
            self,
            "Pod",
            metadata=cdk8s.ApiObjectMetadata(name=f"{secret_name}-mount-demo"),
            automount_service_account_token=False,
            # A deny-all NetworkPolicy: the demo needs no network, in or out.
            isolate=True,
            security_context=kplus.PodSecurityContextProps(
                ensure_non_root=True,
                user=run_as_id,
                group=run_as_id,
                fs_group=run_as_id,
            ),
            volumes=[secret_volume],
        )
        """The demo Pod."""
        container = self.pod.add_container(
            name="secret-mount-demo",
            image=image,
            # Re-resolve the tag on every start, so a re-pushed tag cannot linger in a node cache.
            image_pull_policy=kplus.ImagePullPolicy.ALWAYS,
            command=["/bin/sh", "-c", _fingerprint_script(self.secret_file)],
            security_context=kplus.ContainerSecurityContextProps(
                ensure_non_root=True,
                user=run_as_id,
                group=run_as_id,
                privileged=False,
                allow_privilege_escalation=False,
                read_only_root_filesystem=True,
                capabilities=kplus.ContainerSecutiryContextCapabilities(
                    drop=[kplus.Capability.ALL]
                ),
                seccomp_profile=kplus.SeccompProfile(type=kplus.SeccompProfileType.RUNTIME_DEFAULT),
            ),
            resources=kplus.ContainerResources(
                cpu=kplus.CpuResources(request=kplus.Cpu.millis(10), limit=kplus.Cpu.millis(100)),
                memory=kplus.MemoryResources(
                    request=cdk8s.Size.mebibytes(16), limit=cdk8s.Size.mebibytes(32)
                ),
            ),
            readiness=file_is_not_empty,
            liveness=file_is_not_empty,
        )
        container.mount(self.mount_path, secret_volume, read_only=True)


def _fingerprint_script(secret_file: str) -> str:
    """Print the key's length and the first 12 hex digits of its SHA-256, never the key."""
    path = shlex.quote(secret_file)
    return (
        "trap 'kill $! 2>/dev/null; exit 0' TERM; "
        f'echo "secret mounted at {secret_file}: $(wc -c < {path}) bytes, '
        f'sha256 prefix $(sha256sum {path} | cut -c1-12)"; '
        "while true; do sleep 3600 & wait $!; done"
    )
