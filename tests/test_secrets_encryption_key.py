"""The Secrets key: symmetric, rotating, retained, with a policy nobody can lock themselves out of."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from eks_envelope_secrets import SecretsEncryptionKey


def key_stack_template(**props: object) -> Template:
    stack = cdk.Stack(cdk.App(), "KeyStack")
    SecretsEncryptionKey(stack, "Key", **{"cluster_name": "demo", **props})  # type: ignore[arg-type]
    return Template.from_stack(stack)


def the_key(template: Template) -> dict:
    (key,) = template.find_resources("AWS::KMS::Key").values()
    return key


def test_key_is_a_symmetric_encrypt_decrypt_key(key_template: Template) -> None:
    key_template.has_resource_properties(
        "AWS::KMS::Key", {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"}
    )


def test_key_has_a_description_naming_the_cluster(key_template: Template) -> None:
    assert "gen-ai" in the_key(key_template)["Properties"]["Description"]


def test_rotation_is_on_every_365_days_by_default(key_template: Template) -> None:
    key_template.has_resource_properties(
        "AWS::KMS::Key", {"EnableKeyRotation": True, "RotationPeriodInDays": 365}
    )


def test_rotation_period_is_configurable() -> None:
    template = key_stack_template(rotation_period=cdk.Duration.days(90))
    template.has_resource_properties(
        "AWS::KMS::Key", {"EnableKeyRotation": True, "RotationPeriodInDays": 90}
    )


@pytest.mark.parametrize("days", [89, 2561])
def test_rotation_period_outside_kms_limits_is_rejected(days: int) -> None:
    with pytest.raises(ValueError, match=rf"rotation_period is {days} days: .* 90 to 2560 days"):
        key_stack_template(rotation_period=cdk.Duration.days(days))


def test_key_is_retained_on_stack_deletion_and_on_replacement(key_template: Template) -> None:
    key = the_key(key_template)
    assert key["DeletionPolicy"] == "Retain"
    assert key["UpdateReplacePolicy"] == "Retain"


def test_scheduled_deletion_waits_the_longest_pending_window(key_template: Template) -> None:
    key_template.has_resource_properties("AWS::KMS::Key", {"PendingWindowInDays": 30})


def test_alias_is_derived_from_the_cluster_name(key_template: Template) -> None:
    key_template.has_resource_properties(
        "AWS::KMS::Alias",
        {"AliasName": "alias/eks/gen-ai/secrets", "TargetKeyId": Match.any_value()},
    )


def test_key_policy_keeps_the_account_root_statement(key_template: Template) -> None:
    statements = the_key(key_template)["Properties"]["KeyPolicy"]["Statement"]
    root = [
        statement
        for statement in statements
        if ":root" in json.dumps(statement.get("Principal", {}))
        and statement["Action"] == "kms:*"
        and statement["Effect"] == "Allow"
    ]
    assert len(root) == 1


def test_key_policy_has_no_wildcard_principal(key_template: Template) -> None:
    for statement in the_key(key_template)["Properties"]["KeyPolicy"]["Statement"]:
        principal = statement.get("Principal")
        assert principal != "*"
        assert "*" not in json.dumps(principal.get("AWS", "")).strip('"')


def test_administrators_may_manage_but_not_use_the_key() -> None:
    stack = cdk.Stack(cdk.App(), "KeyStack")
    admin = iam.Role.from_role_arn(stack, "Admin", "arn:aws:iam::123456789012:role/key-admin")
    SecretsEncryptionKey(stack, "Key", cluster_name="demo", administrators=[admin])
    (key,) = Template.from_stack(stack).find_resources("AWS::KMS::Key").values()
    admin_statements = [
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if "key-admin" in json.dumps(statement.get("Principal"))
    ]
    assert len(admin_statements) == 1
    actions = admin_statements[0]["Action"]
    assert "kms:ScheduleKeyDeletion" in actions
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} & set(actions)


def test_cluster_name_that_eks_rejects_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"cluster_name '-demo' is not a valid EKS cluster name"):
        key_stack_template(cluster_name="-demo")
