"""AWS CDK constructs and cdk8s charts for KMS envelope-encrypted Kubernetes Secrets on EKS.

Names load on first use, so the apply command runs without starting the CDK's JavaScript runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eks_envelope_secrets.envelope_encrypted_cluster import (
        DEFAULT_KUBERNETES_VERSION,
        EnvelopeEncryptedCluster,
    )
    from eks_envelope_secrets.namespace_chart import NamespaceChart
    from eks_envelope_secrets.secret_chart import SecretChart
    from eks_envelope_secrets.secret_contract import KEYS_ANNOTATION
    from eks_envelope_secrets.secret_leak_guard import SecretLeakGuard
    from eks_envelope_secrets.secret_mount_demo_chart import SecretMountDemoChart
    from eks_envelope_secrets.secrets_encryption_key import SecretsEncryptionKey

__version__ = "0.1.0"

_MODULE_OF = {
    "DEFAULT_KUBERNETES_VERSION": "envelope_encrypted_cluster",
    "EnvelopeEncryptedCluster": "envelope_encrypted_cluster",
    "KEYS_ANNOTATION": "secret_contract",
    "NamespaceChart": "namespace_chart",
    "SecretChart": "secret_chart",
    "SecretLeakGuard": "secret_leak_guard",
    "SecretMountDemoChart": "secret_mount_demo_chart",
    "SecretsEncryptionKey": "secrets_encryption_key",
}

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "KEYS_ANNOTATION",
    "EnvelopeEncryptedCluster",
    "NamespaceChart",
    "SecretChart",
    "SecretLeakGuard",
    "SecretMountDemoChart",
    "SecretsEncryptionKey",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
