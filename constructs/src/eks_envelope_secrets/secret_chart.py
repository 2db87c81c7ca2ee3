"""The shape of an Opaque Secret: its name, type and key names, never a value."""

from __future__ import annotations

from collections.abc import Sequence

import cdk8s
import cdk8s_plus_35 as kplus

from constructs import Construct
from eks_envelope_secrets.kubernetes_names import (
    validate_dns1123_subdomain,
    validate_secret_keys,
    validate_workload_namespace,
)
from eks_envelope_secrets.secret_contract import KEYS_ANNOTATION


class SecretChart(cdk8s.Chart):
    """An ``Opaque`` Secret without data, so that no value is ever synthesized.

    Values are supplied at apply time (kubectl reading standard input), so they never reach a
    template, ``cdk.out``, ``dist/`` or git. The Secret is not immutable: rotating a value is a
    re-apply, and the kubelet refreshes mounted files without restarting the Pod.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namespace: str,
        secret_name: str,
        keys: Sequence[str],
    ) -> None:
        """:param namespace: the namespace the Secret lives in.
        :param secret_name: the Secret's name (DNS-1123 subdomain).
        :param keys: the data keys, each also the name of the environment variable that feeds it.
        """
        validate_workload_namespace("namespace", namespace)
        validate_dns1123_subdomain("secret_name", secret_name)
        validate_secret_keys("keys", keys)
        super().__init__(scope, id, namespace=namespace, disable_resource_name_hashes=True)
        self.secret_name = secret_name
        """The Secret's name."""
        self.keys: tuple[str, ...] = tuple(keys)
        """The keys the Secret must carry, in order."""
        self.secret = kplus.Secret(
            self,
            "Secret",
            metadata=cdk8s.ApiObjectMetadata(
                name=secret_name,
                labels={
                    "app.kubernetes.io/name": secret_name,
                    "app.kubernetes.io/managed-by": "eks-envelope-secrets",
                },
                annotations={KEYS_ANNOTATION: ",".join(self.keys)},
            ),
            type="Opaque",
            immutable=False,
        )
        """The Secret object, without data."""
        # cdk8s-plus renders an empty ``stringData``; the shape carries no data field at all.
        cdk8s.ApiObject.of(self.secret).add_json_patch(cdk8s.JsonPatch.remove("/stringData"))
