"""The cluster: Secrets envelope-encrypted with the key, audited, private, least-privileged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from eks_envelope_secrets import EnvelopeEncryptedCluster
from stacks.app_stacks import AppStacks

ClusterTemplateFor = Callable[..., Template]
DEPLOYER = "arn:aws:iam::123456789012:role/deployer"


def the_cluster(template: Template) -> dict[str, Any]:
    (cluster,) = template.find_resources("AWS::EKS::Cluster").values()
    return cluster["Properties"]


def key_export_name(app_stacks: AppStacks) -> str:
    """The export through which the key stack hands the key's ARN to the cluster stack."""
    key_template = Template.from_stack(app_stacks.key).to_json()
    (key_id,) = Template.from_stack(app_stacks.key).find_resources("AWS::KMS::Key")
    (export,) = [
        output["Export"]["Name"]
        for output in key_template["Outputs"].values()
        if "Export" in output and output["Value"] == {"Fn::GetAtt": [key_id, "Arn"]}
    ]
    return str(export)


def deployer(stack: cdk.Stack, arn: str = DEPLOYER, id: str = "Deployer") -> iam.IRole:
    return iam.Role.from_role_arn(stack, id, arn, mutable=False)


def test_the_same_role_twice_is_rejected_at_synth() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    with pytest.raises(ValueError, match=r"is given more than one access entry"):
        standalone_cluster(
            stack,
            kms.Key(stack, "Key"),
            deployer_role=deployer(stack),
            deployer_namespaces=["gen-ai"],
            cluster_admin_roles=[deployer(stack, id="Admin")],
        )


def test_a_cluster_role_of_your_own_gets_the_key_permissions() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    own_role = iam.Role.from_role_arn(
        stack, "Own", "arn:aws:iam::123456789012:role/eks-cluster", mutable=False
    )
    template = standalone_cluster(stack, kms.Key(stack, "Key"), role=own_role)
    assert the_cluster(template)["RoleArn"] == "arn:aws:iam::123456789012:role/eks-cluster"
    (policy,) = template.find_resources("AWS::IAM::ManagedPolicy").values()
    assert policy["Properties"]["Roles"] == ["eks-cluster"]


def access_entry(template: Template, principal_arn: str) -> dict[str, Any]:
    (entry,) = [
        resource["Properties"]
        for resource in template.find_resources("AWS::EKS::AccessEntry").values()
        if resource["Properties"]["PrincipalArn"] == principal_arn
    ]
    return entry


def standalone_cluster(stack: cdk.Stack, key: kms.IKey, **props: Any) -> Template:
    EnvelopeEncryptedCluster(
        stack, "Cluster", cluster_name="demo", secrets_encryption_key=key, **props
    )
    return Template.from_stack(stack)


def test_secrets_are_encrypted_with_the_key_of_the_key_stack(
    cluster_template: Template, app_stacks: AppStacks
) -> None:
    assert the_cluster(cluster_template)["EncryptionConfig"] == [
        {
            "Provider": {"KeyArn": {"Fn::ImportValue": key_export_name(app_stacks)}},
            "Resources": ["secrets"],
        }
    ]


def test_cluster_role_may_use_the_key_as_eks_needs(
    cluster_template: Template, app_stacks: AppStacks
) -> None:
    cluster_role = the_cluster(cluster_template)["RoleArn"]["Fn::GetAtt"][0]
    key_arn = {"Fn::ImportValue": key_export_name(app_stacks)}
    granted = {
        action
        for policy in cluster_template.find_resources("AWS::IAM::ManagedPolicy").values()
        if {"Ref": cluster_role} in policy["Properties"].get("Roles", [])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow" and statement["Resource"] == key_arn
        for action in statement["Action"]
    }
    assert granted == {"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"}


def test_cluster_role_has_no_inline_policy(cluster_template: Template) -> None:
    cluster_role = the_cluster(cluster_template)["RoleArn"]["Fn::GetAtt"][0]
    for policy in cluster_template.find_resources("AWS::IAM::Policy").values():
        assert {"Ref": cluster_role} not in policy["Properties"]["Roles"]


def test_control_plane_logs_api_audit_and_authenticator(cluster_template: Template) -> None:
    enabled = the_cluster(cluster_template)["Logging"]["ClusterLogging"]["EnabledTypes"]
    assert [entry["Type"] for entry in enabled] == ["api", "audit", "authenticator"]


def test_additional_log_types_keep_the_required_ones() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    template = standalone_cluster(
        stack,
        kms.Key(stack, "Key"),
        additional_log_types=[eks.ClusterLoggingTypes.SCHEDULER, eks.ClusterLoggingTypes.AUDIT],
    )
    enabled = the_cluster(template)["Logging"]["ClusterLogging"]["EnabledTypes"]
    assert [entry["Type"] for entry in enabled] == ["api", "audit", "authenticator", "scheduler"]


def test_endpoint_is_private_by_default(cluster_template: Template) -> None:
    vpc_config = the_cluster(cluster_template)["ResourcesVpcConfig"]
    assert vpc_config["EndpointPrivateAccess"] is True
    assert vpc_config["EndpointPublicAccess"] is False
    assert "PublicAccessCidrs" not in vpc_config


def test_endpoint_is_public_only_for_the_configured_cidrs(
    cluster_template_for: ClusterTemplateFor,
) -> None:
    template = cluster_template_for(public_access_cidrs=["203.0.113.0/24"])
    vpc_config = the_cluster(template)["ResourcesVpcConfig"]
    assert vpc_config["EndpointPublicAccess"] is True
    assert vpc_config["EndpointPrivateAccess"] is True
    assert vpc_config["PublicAccessCidrs"] == ["203.0.113.0/24"]


def test_endpoint_open_to_the_internet_is_rejected_without_the_explicit_opt_in() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    with pytest.raises(
        ValueError,
        match=r"public_access_cidrs has '0.0.0.0/0', which opens the Kubernetes API endpoint to "
        r"the whole internet: .*allow_public_access_from_anywhere=True",
    ):
        standalone_cluster(stack, kms.Key(stack, "Key"), public_access_cidrs=["0.0.0.0/0"])


def test_endpoint_open_to_the_internet_is_allowed_with_the_explicit_opt_in() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    template = standalone_cluster(
        stack,
        kms.Key(stack, "Key"),
        public_access_cidrs=["0.0.0.0/0"],
        allow_public_access_from_anywhere=True,
    )
    assert the_cluster(template)["ResourcesVpcConfig"]["PublicAccessCidrs"] == ["0.0.0.0/0"]


def test_endpoint_cidr_that_is_not_a_network_is_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    with pytest.raises(
        ValueError, match=r"public_access_cidrs has '10.0.0.1/8', which is not a CIDR"
    ):
        standalone_cluster(stack, kms.Key(stack, "Key"), public_access_cidrs=["10.0.0.1/8"])


def test_kubernetes_version_defaults_to_1_35(cluster_template: Template) -> None:
    assert the_cluster(cluster_template)["Version"] == "1.35"


def test_kubernetes_version_is_configurable(cluster_template_for: ClusterTemplateFor) -> None:
    assert the_cluster(cluster_template_for(kubernetes_version="1.36"))["Version"] == "1.36"


def test_cluster_creator_gets_no_implicit_admin_rights(cluster_template: Template) -> None:
    access = the_cluster(cluster_template)["AccessConfig"]
    assert access == {"AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": False}


def test_deployer_role_may_edit_only_the_workload_namespace(
    cluster_template_for: ClusterTemplateFor,
) -> None:
    entry = access_entry(cluster_template_for(deployer_role_arn=DEPLOYER), DEPLOYER)
    (policy,) = entry["AccessPolicies"]
    assert policy["AccessScope"] == {"Type": "namespace", "Namespaces": ["gen-ai"]}
    assert (
        policy["PolicyArn"]["Fn::Join"][1][-1]
        == ":eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
    )


def test_no_access_entry_without_a_configured_role(cluster_template: Template) -> None:
    cluster_template.resource_count_is("AWS::EKS::AccessEntry", 0)


def test_deployer_role_without_namespaces_is_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    with pytest.raises(ValueError, match=r"deployer_namespaces is empty: name the namespaces"):
        standalone_cluster(stack, kms.Key(stack, "Key"), deployer_role=deployer(stack))


def test_cluster_admin_roles_get_cluster_scoped_admin(
    cluster_template_for: ClusterTemplateFor,
) -> None:
    admin = "arn:aws:iam::123456789012:role/platform-admin"
    entry = access_entry(cluster_template_for(cluster_admin_role_arns=[admin]), admin)
    (policy,) = entry["AccessPolicies"]
    assert policy["AccessScope"] == {"Type": "cluster"}
    assert (
        policy["PolicyArn"]["Fn::Join"][1][-1]
        == ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )


def test_compute_is_eks_auto_mode(cluster_template: Template) -> None:
    compute = the_cluster(cluster_template)["ComputeConfig"]
    assert compute["Enabled"] is True
    assert compute["NodePools"] == ["system", "general-purpose"]


def test_control_plane_uses_only_private_subnets(cluster_template: Template) -> None:
    subnets = the_cluster(cluster_template)["ResourcesVpcConfig"]["SubnetIds"]
    assert subnets
    assert all("Private" in subnet["Ref"] for subnet in subnets)


def test_no_kubectl_lambda_or_custom_resource_applies_manifests(cluster_template: Template) -> None:
    types = {resource["Type"] for resource in cluster_template.to_json()["Resources"].values()}
    assert not {"Custom::AWSCDK-EKS-KubernetesResource", "Custom::AWSCDK-EKS-HelmChart"} & types
    for function in cluster_template.find_resources("AWS::Lambda::Function").values():
        assert "kubectl" not in str(function).lower()


def test_key_from_another_region_is_rejected() -> None:
    app = cdk.App()
    key_stack = cdk.Stack(
        app, "Keys", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    key = kms.Key(key_stack, "Key")
    cluster_stack = cdk.Stack(
        app, "Cluster", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    with pytest.raises(
        ValueError,
        match=r"secrets_encryption_key is in region us-east-1 but the cluster's stack Cluster is "
        r"in region eu-west-1: EKS requires the key in the cluster's own account and region",
    ):
        standalone_cluster(cluster_stack, key)


def test_key_from_another_account_is_rejected() -> None:
    stack = cdk.Stack(
        cdk.App(), "Cluster", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    with pytest.raises(ValueError, match=r"secrets_encryption_key is in account 210987654321"):
        standalone_cluster(stack, key)


def test_region_pinned_key_with_environment_agnostic_cluster_is_rejected() -> None:
    stack = cdk.Stack(cdk.App(), "Cluster")
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    with pytest.raises(ValueError, match=r"do not both pin the account"):
        standalone_cluster(stack, key)


def test_cluster_waits_for_its_role_to_be_allowed_to_use_the_key(
    cluster_template: Template,
) -> None:
    (cluster,) = cluster_template.find_resources("AWS::EKS::Cluster").values()
    (policy_id,) = [
        logical_id
        for logical_id, policy in cluster_template.find_resources("AWS::IAM::ManagedPolicy").items()
        if "kms:Decrypt" in str(policy)
    ]
    assert policy_id in cluster["DependsOn"]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"cluster_name": "bad name"}, r"cluster_name 'bad name' is not a valid EKS cluster name"),
        (
            {"deployer_role": DEPLOYER, "deployer_namespaces": ["default"]},
            r"deployer_namespaces 'default' is shared with the cluster",
        ),
    ],
)
def test_cluster_rejects_bad_props(props: dict[str, Any], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "Stack")
    arguments = {"cluster_name": "demo", **props}
    if arguments.get("deployer_role") == DEPLOYER:
        arguments["deployer_role"] = deployer(stack)
    with pytest.raises(ValueError, match=message):
        EnvelopeEncryptedCluster(
            stack, "Cluster", secrets_encryption_key=kms.Key(stack, "Key"), **arguments
        )
