"""The app: two stacks, a strong cross-stack reference for the key, and a lookup-free synth."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk.assertions import Template

from stacks.app_stacks import AppStacks, add_app_stacks
from stacks.config import AppConfig
from tests.conftest import REPO_ROOT, cdk_json_context

ENVIRONMENT_SPECIFIC = {
    "account": "123456789012",
    "region": "eu-west-1",
    "availabilityZones": ["eu-west-1a", "eu-west-1b"],
}


def test_key_stack_has_termination_protection(app_stacks: AppStacks) -> None:
    assert app_stacks.key.termination_protection is True


def test_key_lives_in_its_own_stack(key_template: Template) -> None:
    types = {resource["Type"] for resource in key_template.to_json()["Resources"].values()}
    assert types - {"AWS::CDK::Metadata"} == {"AWS::KMS::Key", "AWS::KMS::Alias"}


def test_cluster_stack_depends_on_the_key_stack(app_stacks: AppStacks) -> None:
    assert app_stacks.key in app_stacks.cluster.dependencies


def test_cross_stack_references_are_set_to_strong_explicitly() -> None:
    context = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    # A strong reference (an export) makes CloudFormation refuse to replace the key in use.
    assert context["@aws-cdk/core:defaultCrossStackReferences"] == "strong"


def test_environment_specific_synth_needs_no_context_lookup() -> None:
    app = cdk.App(context=cdk_json_context())
    add_app_stacks(app, AppConfig.from_context(ENVIRONMENT_SPECIFIC))
    manifest = json.loads(
        (Path(app.synth().directory) / "manifest.json").read_text(encoding="utf-8")
    )
    assert "missing" not in manifest


def test_vpc_spans_the_configured_zones() -> None:
    stacks = add_app_stacks(
        cdk.App(context=cdk_json_context()), AppConfig.from_context(ENVIRONMENT_SPECIFIC)
    )
    zones = {
        subnet["Properties"]["AvailabilityZone"]
        for subnet in Template.from_stack(stacks.cluster)
        .find_resources("AWS::EC2::Subnet")
        .values()
    }
    assert zones == {"eu-west-1a", "eu-west-1b"}


def test_both_stacks_share_the_configured_environment() -> None:
    stacks = add_app_stacks(
        cdk.App(context=cdk_json_context()), AppConfig.from_context(ENVIRONMENT_SPECIFIC)
    )
    for stack in (stacks.key, stacks.cluster):
        assert (stack.account, stack.region) == ("123456789012", "eu-west-1")


def test_key_administrators_are_in_the_key_policy_of_an_environment_specific_app() -> None:
    admin = "arn:aws:iam::123456789012:role/key-admin"
    config = AppConfig.from_context({**ENVIRONMENT_SPECIFIC, "keyAdminRoleArns": [admin]})
    stacks = add_app_stacks(cdk.App(context=cdk_json_context()), config)
    (key,) = Template.from_stack(stacks.key).find_resources("AWS::KMS::Key").values()
    principals = [
        statement["Principal"] for statement in key["Properties"]["KeyPolicy"]["Statement"]
    ]
    assert {"AWS": admin} in principals


def test_key_rotation_days_reach_the_template() -> None:
    config = AppConfig.from_context({"keyRotationDays": 180})
    stacks = add_app_stacks(cdk.App(context=cdk_json_context()), config)
    Template.from_stack(stacks.key).has_resource_properties(
        "AWS::KMS::Key", {"RotationPeriodInDays": 180}
    )
