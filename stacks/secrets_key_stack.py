"""The stack that owns the Secrets key, apart from the cluster so that it outlives it."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam

from constructs import Construct
from eks_envelope_secrets import SecretsEncryptionKey
from stacks.config import AppConfig


class SecretsKeyStack(Stack):
    """Holds only the key, with termination protection, so deleting the cluster spares it."""

    def __init__(self, scope: Construct, id: str, *, config: AppConfig, **kwargs: Any) -> None:
        super().__init__(scope, id, termination_protection=True, **kwargs)
        self.encryption_key = SecretsEncryptionKey(
            self,
            "SecretsEncryptionKey",
            cluster_name=config.cluster_name,
            rotation_period=Duration.days(config.key_rotation_days),
            # ArnPrincipal puts administrators in the key policy; an imported immutable role
            # would silently drop the grant.
            administrators=[iam.ArnPrincipal(arn) for arn in config.key_admin_role_arns],
        )
        CfnOutput(self, "SecretsKeyArn", value=self.encryption_key.key.key_arn)
        CfnOutput(self, "SecretsKeyAlias", value=self.encryption_key.alias_name)
