"""The cdk8s charts: a namespace of its own, a Secret's shape without values, a restricted demo Pod."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import cdk8s
import pytest

from eks_envelope_secrets import NamespaceChart, SecretChart, SecretMountDemoChart
from tests.conftest import only

Documents = dict[str, list[dict[str, Any]]]
MOUNT_PATH = "/var/run/secrets/gen-ai"


def secret_volume(pod: dict[str, Any]) -> dict[str, Any]:
    (volume,) = pod["spec"]["volumes"]
    return volume


def test_cluster_admin_applies_the_namespace_and_the_deployer_the_rest(
    manifests: Documents,
) -> None:
    kinds = {
        path: [document["kind"] for document in documents] for path, documents in manifests.items()
    }
    assert kinds == {
        "cluster-admin/namespace.k8s.yaml": ["Namespace"],
        "workload/0000-secret.k8s.yaml": ["Secret"],
        "workload/0001-secret-mount-demo.k8s.yaml": ["Pod", "NetworkPolicy"],
    }


def test_every_namespaced_object_is_in_the_app_namespace(
    all_documents: list[dict[str, Any]],
) -> None:
    namespaced = [document for document in all_documents if document["kind"] != "Namespace"]
    assert namespaced
    assert {document["metadata"]["namespace"] for document in namespaced} == {"gen-ai"}


def test_namespace_enforces_the_restricted_pod_security_standard(
    all_documents: list[dict[str, Any]],
) -> None:
    labels = only(all_documents, "Namespace")["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


@pytest.mark.parametrize("namespace", ["default", "kube-system"])
def test_namespace_shared_with_the_cluster_is_rejected(namespace: str) -> None:
    with pytest.raises(ValueError, match=rf"namespace '{namespace}' is shared with the cluster"):
        NamespaceChart(cdk8s.App(), "namespace", namespace=namespace)


def test_secret_is_opaque_and_not_immutable(all_documents: list[dict[str, Any]]) -> None:
    secret = only(all_documents, "Secret")
    assert secret["type"] == "Opaque"
    assert secret["immutable"] is False
    assert secret["metadata"]["name"] == "gen-ai"


def test_secret_manifest_carries_no_value(all_documents: list[dict[str, Any]]) -> None:
    secret = only(all_documents, "Secret")
    assert "data" not in secret
    assert "stringData" not in secret


def test_secret_manifest_names_its_keys(all_documents: list[dict[str, Any]]) -> None:
    annotations = only(all_documents, "Secret")["metadata"]["annotations"]
    assert annotations["eks-envelope-secrets.io/keys"] == "GEN_AI_KEY"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"secret_name": "Gen_AI"}, r"secret_name 'Gen_AI' is not a DNS-1123 subdomain"),
        ({"keys": ["GEN-AI-KEY"]}, r"keys 'GEN-AI-KEY' is not an environment-variable name"),
        ({"keys": ["1KEY"]}, r"keys '1KEY' is not an environment-variable name"),
        ({"keys": []}, r"keys is empty: name at least one Secret key"),
        ({"keys": ["A", "A"]}, r"keys lists A more than once"),
        ({"namespace": "Gen-AI"}, r"namespace 'Gen-AI' is not a DNS-1123 label"),
    ],
)
def test_secret_chart_rejects_bad_names(props: dict[str, Any], message: str) -> None:
    arguments = {"namespace": "gen-ai", "secret_name": "gen-ai", "keys": ["GEN_AI_KEY"], **props}
    with pytest.raises(ValueError, match=message):
        SecretChart(cdk8s.App(), "secret", **arguments)


def test_pod_mounts_the_secret_read_only_at_a_fixed_path(demo_container: dict[str, Any]) -> None:
    assert demo_container["volumeMounts"] == [
        {"mountPath": MOUNT_PATH, "name": "secret", "readOnly": True}
    ]


def test_mounted_volume_is_the_secret_and_only_its_key(demo_pod: dict[str, Any]) -> None:
    volume = secret_volume(demo_pod)
    assert volume["name"] == "secret"
    assert volume["secret"]["secretName"] == "gen-ai"
    assert volume["secret"]["optional"] is False
    assert [item["key"] for item in volume["secret"]["items"]] == ["GEN_AI_KEY"]


def test_secret_file_mode_is_0440(demo_pod: dict[str, Any]) -> None:
    volume = secret_volume(demo_pod)["secret"]
    assert volume["defaultMode"] == 0o440
    assert volume["items"] == [{"key": "GEN_AI_KEY", "path": "GEN_AI_KEY", "mode": 0o440}]


def test_secret_never_reaches_the_environment(demo_pod: dict[str, Any]) -> None:
    for container in demo_pod["spec"]["containers"] + demo_pod["spec"].get("initContainers", []):
        assert "env" not in container
        assert "envFrom" not in container
    assert "secretKeyRef" not in json.dumps(demo_pod)


def test_pod_runs_as_a_non_root_user_and_group_of_at_least_10000(demo_pod: dict[str, Any]) -> None:
    for context in (
        demo_pod["spec"]["securityContext"],
        demo_pod["spec"]["containers"][0]["securityContext"],
    ):
        assert context["runAsNonRoot"] is True
        assert context["runAsUser"] >= 10000
        assert context["runAsGroup"] >= 10000


def test_fs_group_lets_the_non_root_user_read_the_secret(demo_pod: dict[str, Any]) -> None:
    context = demo_pod["spec"]["securityContext"]
    assert context["fsGroup"] == context["runAsGroup"]


def test_seccomp_profile_is_runtime_default(demo_container: dict[str, Any]) -> None:
    assert demo_container["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}


def test_all_capabilities_are_dropped(demo_container: dict[str, Any]) -> None:
    assert demo_container["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_no_privilege_escalation(demo_container: dict[str, Any]) -> None:
    assert demo_container["securityContext"]["allowPrivilegeEscalation"] is False
    assert demo_container["securityContext"]["privileged"] is False


def test_root_filesystem_is_read_only(demo_container: dict[str, Any]) -> None:
    assert demo_container["securityContext"]["readOnlyRootFilesystem"] is True


def test_no_service_account_token_is_mounted(demo_pod: dict[str, Any]) -> None:
    assert demo_pod["spec"]["automountServiceAccountToken"] is False


def test_cpu_and_memory_have_requests_and_limits(demo_container: dict[str, Any]) -> None:
    resources = demo_container["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe"])
def test_probes_check_that_the_secret_file_exists_and_is_not_empty(
    demo_container: dict[str, Any], probe: str
) -> None:
    assert demo_container[probe]["exec"]["command"] == ["test", "-s", f"{MOUNT_PATH}/GEN_AI_KEY"]


def test_image_comes_from_a_registry_that_needs_no_login_and_is_pinned(
    demo_container: dict[str, Any],
) -> None:
    image = demo_container["image"]
    assert image.startswith("public.ecr.aws/")
    name, _, tag = image.rpartition(":")
    assert name
    assert tag
    assert tag != "latest"


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("sh", "wc", "sha256sum", "cut", "timeout")),
    reason="needs a POSIX shell with wc, sha256sum, cut and timeout",
)
def test_container_prints_the_key_length_and_fingerprint_never_the_key(
    demo_container: dict[str, Any], tmp_path: Path
) -> None:
    canary = "canary-not-a-real-key-7f3a9c"
    (tmp_path / "GEN_AI_KEY").write_text(canary, encoding="utf-8")
    shell, flag, script = demo_container["command"]
    script = script.replace(MOUNT_PATH, str(tmp_path))
    # `timeout` sends SIGTERM, which the script traps to exit 0 after printing.
    result = subprocess.run(
        ["timeout", "2", "sh", flag, script], capture_output=True, text=True, check=False
    )
    fingerprint = hashlib.sha256(canary.encode()).hexdigest()[:12]
    assert f"{len(canary)} bytes, sha256 prefix {fingerprint}" in result.stdout
    assert canary not in result.stdout + result.stderr
    assert shell == "/bin/sh"


def test_run_as_id_below_10000_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"run_as_id is 1000: use 10000 or more"):
        SecretMountDemoChart(
            cdk8s.App(),
            "demo",
            namespace="gen-ai",
            secret_name="gen-ai",
            secret_key="GEN_AI_KEY",
            run_as_id=1000,
        )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"secret_name": "Gen_AI"}, r"secret_name 'Gen_AI' is not a DNS-1123 subdomain"),
        ({"secret_key": "GEN-AI"}, r"secret_key 'GEN-AI' is not an environment-variable name"),
        ({"namespace": "default"}, r"namespace 'default' is shared with the cluster"),
        ({"image": ""}, r"image is empty"),
    ],
)
def test_demo_chart_rejects_bad_props(props: dict[str, Any], message: str) -> None:
    arguments = {
        "namespace": "gen-ai",
        "secret_name": "gen-ai",
        "secret_key": "GEN_AI_KEY",
        **props,
    }
    with pytest.raises(ValueError, match=message):
        SecretMountDemoChart(cdk8s.App(), "demo", **arguments)


def test_secret_carries_recommended_labels(all_documents: list[dict[str, Any]]) -> None:
    labels = only(all_documents, "Secret")["metadata"]["labels"]
    assert labels == {
        "app.kubernetes.io/name": "gen-ai",
        "app.kubernetes.io/managed-by": "eks-envelope-secrets",
    }


def test_demo_pod_is_isolated_by_a_deny_all_network_policy(
    all_documents: list[dict[str, Any]], demo_pod: dict[str, Any]
) -> None:
    policy = only(all_documents, "NetworkPolicy")["spec"]
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    assert policy.get("ingress", []) == []
    assert policy.get("egress", []) == []
    selected = policy["podSelector"]["matchLabels"]
    assert selected.items() <= demo_pod["metadata"]["labels"].items()


def test_image_is_pulled_on_every_start(demo_container: dict[str, Any]) -> None:
    assert demo_container["imagePullPolicy"] == "Always"
