"""The workload namespace, where Pod Security Admission enforces the ``restricted`` profile."""

from __future__ import annotations

import cdk8s
import cdk8s_plus_35 as kplus

from constructs import Construct
from eks_envelope_secrets.kubernetes_names import validate_workload_namespace

POD_SECURITY_LEVEL = "restricted"


class NamespaceChart(cdk8s.Chart):
    """A namespace of its own for the Secret and its consumers, never ``default``.

    Pod Security Admission enforces, audits and warns on the ``restricted`` profile, so the
    API server itself rejects a Pod that could escalate privileges or read the node.
    """

    def __init__(self, scope: Construct, id: str, *, namespace: str) -> None:
        """:param namespace: the namespace's name, a DNS-1123 label other than ``default``."""
        validate_workload_namespace("namespace", namespace)
        super().__init__(scope, id, disable_resource_name_hashes=True)
        self.namespace_name = namespace
        """The namespace's name."""
        kplus.Namespace(
            self,
            "Namespace",
            metadata=cdk8s.ApiObjectMetadata(
                name=namespace,
                labels={
                    f"pod-security.kubernetes.io/{mode}": POD_SECURITY_LEVEL
                    for mode in ("enforce", "audit", "warn")
                },
            ),
        )
