"""The customer-managed KMS key that envelope-encrypts one EKS cluster's Secrets."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from constructs import Construct
from eks_envelope_secrets.kubernetes_names import validate_eks_cluster_name

MIN_ROTATION_DAYS = 90
MAX_ROTATION_DAYS = 2560
DEFAULT_ROTATION_DAYS = 365
PENDING_WINDOW_DAYS = 30


class SecretsEncryptionKey(Construct):
    """A symmetric KMS key, rotating and retained, for one cluster's Kubernetes Secrets.

    A deleted key makes every Secret in etcd unreadable and the cluster unrecoverable, so the
    key is retained on stack deletion and on replacement, and a scheduled deletion still waits
    the longest pending window (30 days). The key policy is CDK's default: the account-root
    statement that delegates to IAM (without it a key can become unmanageable), with no
    wildcard principal. Optional administrators may manage but not use the key.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        rotation_period: Duration | None = None,
        administrators: Sequence[iam.IPrincipal] = (),
    ) -> None:
        """Create the key and its alias ``alias/eks/<cluster_name>/secrets``.

        :param cluster_name: the EKS cluster whose Secrets this key encrypts; names the alias.
        :param rotation_period: automatic rotation period, 90 to 2560 days (default 365).
        :param administrators: principals granted key administration (not encrypt/decrypt).
        """
        super().__init__(scope, id)
        validate_eks_cluster_name("cluster_name", cluster_name)
        rotation = rotation_period or Duration.days(DEFAULT_ROTATION_DAYS)
        rotation_days = rotation.to_days()
        if not MIN_ROTATION_DAYS <= rotation_days <= MAX_ROTATION_DAYS:
            raise ValueError(
                f"rotation_period is {rotation_days:g} days: KMS rotates keys every "
                f"{MIN_ROTATION_DAYS} to {MAX_ROTATION_DAYS} days; pass e.g. Duration.days(365)."
            )
        self.alias_name = f"alias/eks/{cluster_name}/secrets"
        """The key's alias, derived from the cluster name."""
        self.rotation_period = rotation
        """How often KMS rotates the key material."""
        self.key: kms.IKey = kms.Key(
            self,
            "Key",
            description=(
                f"Envelope encryption of Kubernetes Secrets in etcd for EKS cluster {cluster_name}"
            ),
            key_spec=kms.KeySpec.SYMMETRIC_DEFAULT,
            key_usage=kms.KeyUsage.ENCRYPT_DECRYPT,
            enable_key_rotation=True,
            rotation_period=rotation,
            pending_window=Duration.days(PENDING_WINDOW_DAYS),
            removal_policy=RemovalPolicy.RETAIN,
            alias=self.alias_name,
        )
        """The key; pass it to ``EnvelopeEncryptedCluster(secrets_encryption_key=...)``."""
        for administrator in administrators:
            self.key.grant_admin(administrator)
