"""The stack that runs the envelope-encrypted EKS cluster in a VPC of its own."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_kms as kms
from constructs import Construct
from eks_envelope_secrets import EnvelopeEncryptedCluster

from stacks.config import AppConfig

MAX_AZS_WHEN_ENVIRONMENT_AGNOSTIC = 2


class EncryptedClusterStack(Stack):
    """Takes the key from the key stack through a cross-stack reference."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: AppConfig,
        secrets_encryption_key: kms.IKey,
        **kwargs: Any,
    ) -> None:
        self._configured_zones = list(config.availability_zones)
        super().__init__(scope, id, **kwargs)
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=len(self._configured_zones) or MAX_AZS_WHEN_ENVIRONMENT_AGNOSTIC,
            nat_gateways=1,
        )
        self.encrypted_cluster = EnvelopeEncryptedCluster(
            self,
            "EnvelopeEncryptedCluster",
            cluster_name=config.cluster_name,
            secrets_encryption_key=secrets_encryption_key,
            vpc=vpc,
            version=eks.KubernetesVersion.of(config.kubernetes_version),
            public_access_cidrs=config.public_access_cidrs,
            allow_public_access_from_anywhere=config.allow_public_access_from_anywhere,
            deployer_role_arn=config.deployer_role_arn,
            deployer_namespaces=[config.namespace],
            cluster_admin_role_arns=config.cluster_admin_role_arns,
            guarded_secret_variables=config.secret_keys,
        )
        cluster = self.encrypted_cluster.cluster
        CfnOutput(self, "ClusterName", value=cluster.cluster_name)
        CfnOutput(
            self,
            "UpdateKubeconfigCommand",
            value=f"aws eks update-kubeconfig --name {cluster.cluster_name} --region {self.region}",
        )

    @property
    def availability_zones(self) -> list[str]:
        """The configured zones, when given, so an environment-specific synth makes no lookup."""
        return self._configured_zones or list(super().availability_zones)
