"""An EKS cluster whose Kubernetes Secrets are envelope-encrypted with a customer-managed key."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aws_cdk import Acknowledgment, Stack, Token, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from constructs import Construct
from eks_envelope_secrets.kubernetes_names import (
    validate_eks_cluster_name,
    validate_workload_namespace,
)
from eks_envelope_secrets.secret_leak_guard import SecretLeakGuard

DEFAULT_KUBERNETES_VERSION = eks.KubernetesVersion.V1_35

REQUIRED_LOG_TYPES: tuple[eks.ClusterLoggingTypes, ...] = (
    eks.ClusterLoggingTypes.API,
    eks.ClusterLoggingTypes.AUDIT,
    eks.ClusterLoggingTypes.AUTHENTICATOR,
)
"""Always on: the audit log is the record of who read which Secret."""

CLUSTER_ROLE_KEY_ACTIONS: tuple[str, ...] = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ListGrants",
    "kms:DescribeKey",
)
"""What the cluster role needs on the key; without it, cluster upgrades fail misleadingly."""

DEPLOYER_ACCESS_POLICY = "AmazonEKSEditPolicy"
CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy"
AUTO_MODE_NODE_POOLS: tuple[str, ...] = ("system", "general-purpose")


class EnvelopeEncryptedCluster(Construct):
    """An ``aws_eks_v2`` cluster with Secrets encryption wired to ``secrets_encryption_key``.

    Secure by default: the API endpoint is private unless public CIDRs are given (and never
    ``0.0.0.0/0`` unless ``allow_public_access_from_anywhere``), control-plane logging covers
    api, audit and authenticator, the creator gets no implicit admin rights, and the deployer
    role is limited to the workload namespaces. Compute is EKS Auto Mode.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        secrets_encryption_key: kms.IKey,
        vpc: ec2.IVpc | None = None,
        version: eks.KubernetesVersion = DEFAULT_KUBERNETES_VERSION,
        public_access_cidrs: Sequence[str] = (),
        allow_public_access_from_anywhere: bool = False,
        role: iam.IRole | None = None,
        deployer_role: iam.IRole | None = None,
        deployer_namespaces: Sequence[str] = (),
        cluster_admin_roles: Sequence[iam.IRole] = (),
        additional_log_types: Sequence[eks.ClusterLoggingTypes] = (),
        guarded_secret_variables: Sequence[str] = (),
    ) -> None:
        """Create the cluster.

        :param cluster_name: the EKS cluster name.
        :param secrets_encryption_key: the key for Secrets; same account and region as the stack.
        :param vpc: the cluster's VPC (``aws_eks_v2`` creates one when omitted); the control
            plane's interfaces and Auto Mode nodes go in its private subnets with egress.
        :param version: the Kubernetes version (default 1.35).
        :param public_access_cidrs: CIDRs allowed to reach a public endpoint; empty means private.
        :param allow_public_access_from_anywhere: the explicit opt-in ``0.0.0.0/0`` requires.
        :param role: your own cluster role (default: one ``aws_eks_v2`` creates with the EKS
            Auto Mode managed policies); it is given access to the key either way.
        :param deployer_role: IAM role that applies manifests with kubectl (CI).
        :param deployer_namespaces: namespaces the deployer may edit; required with the role.
        :param cluster_admin_roles: IAM roles given cluster-admin access.
        :param additional_log_types: control-plane logs beyond api, audit and authenticator.
        :param guarded_secret_variables: environment variables holding Secret values; synthesis
            fails if any of their values reaches a template (``SecretLeakGuard``, which also
            rejects any Kubernetes Secret with data in a template, is always registered).
        """
        super().__init__(scope, id)
        validate_eks_cluster_name("cluster_name", cluster_name)
        SecretLeakGuard.protect(self, guarded_secret_variables)
        _require_same_environment(Stack.of(self), secrets_encryption_key)
        endpoint_access = _endpoint_access(
            validate_public_access_cidrs(
                "public_access_cidrs",
                public_access_cidrs,
                allow_anywhere=allow_public_access_from_anywhere,
            )
        )

        self.cluster = eks.Cluster(
            self,
            "Cluster",
            cluster_name=cluster_name,
            version=version,
            vpc=vpc,
            vpc_subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)],
            secrets_encryption_key=secrets_encryption_key,
            endpoint_access=endpoint_access,
            cluster_logging=_log_types(additional_log_types),
            role=role,
            bootstrap_cluster_creator_admin_permissions=False,
            default_capacity_type=eks.DefaultCapacityType.AUTOMODE,
            compute=eks.ComputeConfig(node_pools=list(AUTO_MODE_NODE_POOLS)),
        )
        """The ``aws_eks_v2`` cluster, for access entries, add-ons and connections."""
        # A customer-managed policy (not an inline one) the cluster waits for: EKS checks the
        # role's access to the key when it creates the cluster.
        key_access = iam.ManagedPolicy(
            self,
            "SecretsKeyAccess",
            description=f"Lets EKS cluster {cluster_name} use its Secrets encryption key",
            statements=[
                iam.PolicyStatement(
                    actions=list(CLUSTER_ROLE_KEY_ACTIONS),
                    resources=[secrets_encryption_key.key_arn],
                )
            ],
            roles=[self.cluster.role],
        )
        if self.cluster.node.default_child is not None:
            self.cluster.node.default_child.node.add_dependency(key_access)
        _acknowledge_eks_managed_policies(self.cluster)

        _require_one_access_entry_per_role(deployer_role, cluster_admin_roles)
        if deployer_role is not None:
            if not deployer_namespaces:
                raise ValueError(
                    "deployer_namespaces is empty: name the namespaces the deployer role may "
                    "edit (e.g. ['gen-ai']); it gets no cluster-wide rights."
                )
            self.cluster.grant_access(
                "Deployer",
                deployer_role.role_arn,
                [
                    eks.AccessPolicy.from_access_policy_name(
                        DEPLOYER_ACCESS_POLICY,
                        access_scope_type=eks.AccessScopeType.NAMESPACE,
                        namespaces=[
                            validate_workload_namespace("deployer_namespaces", namespace)
                            for namespace in deployer_namespaces
                        ],
                    )
                ],
            )
        for index, admin_role in enumerate(cluster_admin_roles):
            self.cluster.grant_access(
                f"ClusterAdmin{index}",
                admin_role.role_arn,
                [
                    eks.AccessPolicy.from_access_policy_name(
                        CLUSTER_ADMIN_ACCESS_POLICY,
                        access_scope_type=eks.AccessScopeType.CLUSTER,
                    )
                ],
            )


def _require_one_access_entry_per_role(
    deployer_role: iam.IRole | None, cluster_admin_roles: Sequence[iam.IRole]
) -> None:
    """EKS accepts one access entry per principal; a duplicate would fail only at deploy time."""
    arns = [role.role_arn for role in [deployer_role, *cluster_admin_roles] if role is not None]
    known = [arn for arn in arns if not Token.is_unresolved(arn)]
    duplicates = sorted({arn for arn in known if known.count(arn) > 1})
    if duplicates:
        raise ValueError(
            f"{', '.join(duplicates)} is given more than one access entry (deployer_role and "
            "cluster_admin_roles): EKS allows one per role; pass each role once."
        )


EKS_MANAGED_POLICIES: dict[str, tuple[str, ...]] = {
    "Role": (
        "AmazonEKSClusterPolicy",
        "AmazonEKSComputePolicy",
        "AmazonEKSBlockStoragePolicy",
        "AmazonEKSLoadBalancingPolicy",
        "AmazonEKSNetworkingPolicy",
    ),
    "ClusternodePoolRole": ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"),
}
"""The AWS managed policies EKS Auto Mode requires on the roles ``aws_eks_v2`` creates."""


def _acknowledge_eks_managed_policies(cluster: eks.Cluster) -> None:
    """cdk-nag's AwsSolutions-IAM4 flags AWS managed policies; these are the ones EKS documents."""
    for role_id, policies in EKS_MANAGED_POLICIES.items():
        role = cluster.node.try_find_child(role_id)
        if role is None:
            continue
        Validations.of(role).acknowledge(
            *(
                Acknowledgment(
                    id=f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{policy}]",
                    reason=(
                        f"EKS Auto Mode requires the AWS managed policy {policy} on this role; AWS "
                        "updates it as EKS adds capabilities, which a copied customer policy would miss."
                    ),
                )
                for policy in policies
            )
        )


def _require_same_environment(stack: Stack, key: kms.IKey) -> None:
    """EKS only accepts a key from the cluster's own account and region."""
    for attribute, key_value in (("account", key.env.account), ("region", key.env.region)):
        stack_value = getattr(stack, attribute)
        key_known = not Token.is_unresolved(key_value)
        stack_known = not Token.is_unresolved(stack_value)
        if key_known and stack_known and key_value != stack_value:
            raise ValueError(
                f"secrets_encryption_key is in {attribute} {key_value} but the cluster's stack "
                f"{stack.stack_name} is in {attribute} {stack_value}: EKS requires the key in the "
                "cluster's own account and region; create the key there."
            )
        if key_known != stack_known:
            raise ValueError(
                f"secrets_encryption_key and the cluster's stack {stack.stack_name} do not both "
                f"pin the {attribute}, so they cannot be proven to be the same: give both stacks "
                "the same env (or leave both environment-agnostic)."
            )


def validate_public_access_cidrs(
    field: str,
    public_access_cidrs: Sequence[str],
    *,
    allow_anywhere: bool,
    opt_in: str = "allow_public_access_from_anywhere=True",
) -> list[str]:
    """Return the CIDRs if each is a network and none is the whole internet, unless opted in.

    :param field: the name the caller knows the CIDRs by, for the error message.
    :param opt_in: how the caller says "allow the whole internet", for the error message.
    """
    for cidr in public_access_cidrs:
        try:
            network = ipaddress.ip_network(cidr, strict=True)
        except ValueError as error:
            raise ValueError(
                f"{field} has {cidr!r}, which is not a CIDR block ({error}); "
                "use a network such as '203.0.113.0/24'."
            ) from None
        if network.prefixlen == 0 and not allow_anywhere:
            raise ValueError(
                f"{field} has {cidr!r}, which opens the Kubernetes API endpoint to the whole "
                f"internet: list your own CIDRs, or set {opt_in} if that is really intended."
            )
    return list(public_access_cidrs)


def _endpoint_access(public_access_cidrs: Sequence[str]) -> eks.EndpointAccess:
    """Private unless CIDRs are given; then public for those CIDRs only, and private too."""
    if not public_access_cidrs:
        return eks.EndpointAccess.PRIVATE
    return eks.EndpointAccess.PUBLIC_AND_PRIVATE.only_from(*public_access_cidrs)


def _log_types(
    additional_log_types: Sequence[eks.ClusterLoggingTypes],
) -> list[eks.ClusterLoggingTypes]:
    extra = [log_type for log_type in additional_log_types if log_type not in REQUIRED_LOG_TYPES]
    return [*REQUIRED_LOG_TYPES, *dict.fromkeys(extra)]
