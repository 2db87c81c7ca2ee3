"""The stack that runs the envelope-encrypted EKS cluster in a VPC of its own."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

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
            subnet_configuration=[
                # The NAT gateway has its own Elastic IP; nothing else gets a public address.
                ec2.SubnetConfiguration(
                    name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
                ),
                ec2.SubnetConfiguration(
                    name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                ),
            ],
        )
        # Flow logs get a key of their own: the Secrets key stays reserved for Kubernetes Secrets.
        flow_log_key = kms.Key(
            self,
            "FlowLogKey",
            description="Encrypts the VPC flow logs of the envelope-encrypted EKS cluster",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
        )
        flow_log_key.grant_encrypt_decrypt(
            iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")
        )
        flow_log_group = logs.LogGroup(
            self,
            "FlowLogGroup",
            encryption_key=flow_log_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.RETAIN,
        )
        flow_log = vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group)
        )
        delivery_policy = flow_log.node.find_child("IAMRole").node.find_child("DefaultPolicy")
        Validations.of(delivery_policy).acknowledge(
            Acknowledgment(
                id="NIST.800.53.R5-IAMNoInlinePolicy",
                reason=(
                    "CDK's FlowLog gives its delivery role an inline policy limited to writing "
                    "this one log group; it exists only for flow-log delivery."
                ),
            )
        )
        for public_subnet in vpc.public_subnets:
            Validations.of(public_subnet.node.find_child("DefaultRoute")).acknowledge(
                Acknowledgment(
                    id="NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
                    reason=(
                        "The public subnets hold only the NAT gateway, whose route to the internet "
                        "gateway is how Auto Mode nodes in the private subnets pull images and reach "
                        "AWS APIs; no workload runs in these subnets."
                    ),
                )
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
            deployer_role=(
                iam.Role.from_role_arn(
                    self, "DeployerRole", config.deployer_role_arn, mutable=False
                )
                if config.deployer_role_arn
                else None
            ),
            deployer_namespaces=[config.namespace],
            cluster_admin_roles=[
                iam.Role.from_role_arn(self, f"ClusterAdminRole{index}", arn, mutable=False)
                for index, arn in enumerate(config.cluster_admin_role_arns)
            ],
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
