"""AWS CDK constructs and cdk8s charts for KMS envelope-encrypted Kubernetes Secrets on EKS."""

from eks_envelope_secrets.envelope_encrypted_cluster import (
    DEFAULT_KUBERNETES_VERSION,
    EnvelopeEncryptedCluster,
)
from eks_envelope_secrets.namespace_chart import NamespaceChart
from eks_envelope_secrets.secret_chart import KEYS_ANNOTATION, SecretChart
from eks_envelope_secrets.secret_leak_guard import SecretLeakGuard
from eks_envelope_secrets.secret_mount_demo_chart import SecretMountDemoChart
from eks_envelope_secrets.secrets_encryption_key import SecretsEncryptionKey

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "KEYS_ANNOTATION",
    "EnvelopeEncryptedCluster",
    "NamespaceChart",
    "SecretChart",
    "SecretLeakGuard",
    "SecretMountDemoChart",
    "SecretsEncryptionKey",
]
