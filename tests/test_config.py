"""Configuration: every bad value fails synth with the field's name and the fix, before any deploy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stacks.config import AppConfig, ConfigError
from tests.conftest import REPO_ROOT, offline_environment

ROLE = "arn:aws:iam::123456789012:role/deployer"


def problems_for(settings: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        AppConfig.from_context(settings)
    return str(caught.value)


def test_shipped_configuration_is_valid() -> None:
    config = AppConfig.from_cdk_json(REPO_ROOT / "cdk.json")
    assert config.cluster_name == "gen-ai"
    assert config.secret_keys == ["GEN_AI_KEY"]


def test_missing_context_means_the_defaults() -> None:
    assert AppConfig.from_context(None) == AppConfig()


def test_defaults_are_secure() -> None:
    config = AppConfig()
    assert config.public_access_cidrs == []
    assert config.allow_public_access_from_anywhere is False
    assert config.namespace != "default"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"clusterName": "-gen-ai"},
            "clusterName: clusterName '-gen-ai' is not a valid EKS cluster name",
        ),
        (
            {"kubernetesVersion": "1.20"},
            "kubernetesVersion: '1.20' is not a Kubernetes version EKS supports",
        ),
        ({"account": "1234", "region": "eu-west-1"}, "account: String should match pattern"),
        ({"account": "123456789012", "region": "Europe"}, "region: String should match pattern"),
        ({"account": "123456789012"}, "account and region: set both"),
        (
            {"account": "123456789012", "region": "eu-west-1"},
            "availabilityZones: with a region set, list two",
        ),
        (
            {
                "account": "123456789012",
                "region": "eu-west-1",
                "availabilityZones": ["eu-west-1a", "us-east-1b"],
            },
            "availabilityZones: us-east-1b not in region eu-west-1",
        ),
        (
            {"publicAccessCidrs": ["10.0.0.1/8"]},
            "publicAccessCidrs has '10.0.0.1/8', which is not a CIDR block",
        ),
        (
            {"publicAccessCidrs": ["0.0.0.0/0"]},
            'set "allowPublicAccessFromAnywhere": true if that is really intended',
        ),
        ({"deployerRoleArn": "deployer"}, "deployerRoleArn: String should match pattern"),
        (
            {"clusterAdminRoleArns": ["admin"]},
            "clusterAdminRoleArns[0]: String should match pattern",
        ),
        ({"keyAdminRoleArns": ["admin"]}, "keyAdminRoleArns[0]: String should match pattern"),
        ({"keyRotationDays": 30}, "keyRotationDays: Input should be greater than or equal to 90"),
        ({"keyRotationDays": 3000}, "keyRotationDays: Input should be less than or equal to 2560"),
        ({"namespace": "default"}, "namespace: namespace 'default' is shared with the cluster"),
        ({"namespace": "Gen_AI"}, "namespace: namespace 'Gen_AI' is not a DNS-1123 label"),
        ({"secretName": "gen_ai"}, "secretName: secretName 'gen_ai' is not a DNS-1123 subdomain"),
        ({"secretKeys": []}, "secretKeys: secretKeys is empty: name at least one Secret key"),
        (
            {"secretKeys": ["GEN-AI"]},
            "secretKeys: secretKeys 'GEN-AI' is not an environment-variable name",
        ),
        ({"secretKeys": ["A", "A"]}, "secretKeys: secretKeys lists A more than once"),
        ({"demoImage": "busybox"}, "demoImage: String should match pattern"),
        (
            {"demoImage": "public.ecr.aws/docker/library/busybox:latest"},
            "demoImage: pin the image by a tag",
        ),
        (
            {"demoImage": "public.ecr.aws/docker/library/busybox"},
            "demoImage: pin the image by a tag",
        ),
        (
            {"deployerRoleArn": ROLE, "clusterAdminRoleArns": [ROLE]},
            "deployerRoleArn is also in clusterAdminRoleArns: EKS allows one access entry per role",
        ),
        ({"clusterNmae": "x"}, "clusterNmae: unknown setting; remove it or use one of"),
    ],
)
def test_bad_value_is_reported_with_its_field_and_fix(
    settings: dict[str, Any], expected: str
) -> None:
    message = problems_for(settings)
    assert expected in message
    assert "Fix these values in cdk.json and synthesize again." in message


def test_field_errors_say_what_is_expected() -> None:
    assert "Expected a 12-digit AWS account id" in problems_for(
        {"account": "1", "region": "eu-west-1"}
    )


def test_every_problem_is_reported_at_once() -> None:
    message = problems_for({"clusterName": "-x", "namespace": "default"})
    assert "clusterName:" in message
    assert "namespace:" in message


def test_context_that_is_not_an_object_is_rejected() -> None:
    assert '"eksEnvelopeSecrets" must be a JSON object' in problems_for("gen-ai")  # type: ignore[arg-type]


def test_public_endpoint_from_anywhere_needs_the_explicit_opt_in() -> None:
    config = AppConfig.from_context(
        {"publicAccessCidrs": ["0.0.0.0/0"], "allowPublicAccessFromAnywhere": True}
    )
    assert config.public_access_cidrs == ["0.0.0.0/0"]


def test_environment_specific_configuration_with_zones_is_valid() -> None:
    config = AppConfig.from_context(
        {
            "account": "123456789012",
            "region": "eu-west-1",
            "availabilityZones": ["eu-west-1a", "eu-west-1b"],
            "deployerRoleArn": ROLE,
        }
    )
    assert config.region == "eu-west-1"


def test_synth_fails_before_writing_anything_on_bad_configuration(tmp_path: Path) -> None:
    environment = offline_environment(tmp_path)
    environment["CDK_OUTDIR"] = str(tmp_path / "cdk.out")
    environment["CDK_CONTEXT_JSON"] = json.dumps({"eksEnvelopeSecrets": {"keyRotationDays": 7}})
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "keyRotationDays: Input should be greater than or equal to 90" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "cdk.out").glob("*.template.json"))
