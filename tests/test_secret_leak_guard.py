"""The synth-time guard: a Secret's value can never ride along in a CloudFormation template."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms

from eks_envelope_secrets import EnvelopeEncryptedCluster, SecretLeakGuard

CANARY = "canary-0123456789abcdef-not-a-real-key"
KUBERNETES_RESOURCE = "Custom::AWSCDK-EKS-KubernetesResource"
SECRET_WITH_DATA = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "gen-ai", "namespace": "gen-ai"},
    "data": {"GEN_AI_KEY": "c2VjcmV0"},
}


def guarded_app(tmp_path: Path, environ: dict[str, str] | None = None) -> tuple[cdk.App, cdk.Stack]:
    """An app whose cluster registers the guard, as every user of the library gets it."""
    app = cdk.App(outdir=str(tmp_path / "cdk.out"), context={"aws:cdk:enable-path-metadata": True})
    stack = cdk.Stack(app, "Workload")
    EnvelopeEncryptedCluster(
        stack,
        "Cluster",
        cluster_name="demo",
        secrets_encryption_key=kms.Key(stack, "Key"),
        guarded_secret_variables=["GEN_AI_KEY"],
    )
    if environ is not None:
        cdk.Validations.of(app).add_plugins(SecretLeakGuard(["GEN_AI_KEY"], environ=environ))
    return app, stack


def synth_report(app: cdk.App, tmp_path: Path) -> str:
    """Synthesize, expecting the guard to stop it; return the validation report's text."""
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    return (tmp_path / "cdk.out" / "validation-report.json").read_text(encoding="utf-8")


def ssm_parameter(stack: cdk.Stack, value: str) -> None:
    cdk.CfnResource(
        stack,
        "Parameter",
        type="AWS::SSM::Parameter",
        properties={"Type": "String", "Value": value},
    )


def kubernetes_resource(stack: cdk.Stack, properties: dict[str, Any]) -> None:
    cdk.CfnResource(stack, "Manifest", type=KUBERNETES_RESOURCE, properties=properties)


def test_secret_with_data_in_a_kubernetes_manifest_fails_synthesis(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path)
    kubernetes_resource(stack, {"Manifest": json.dumps([SECRET_WITH_DATA])})
    report = synth_report(app, tmp_path)
    assert "KubernetesSecretDataInTemplate" in report
    assert "Workload/Manifest" in report
    assert "apply its values at deploy time with eks-envelope-secrets-apply" in report


def test_secret_with_string_data_fails_synthesis(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path)
    secret = {**SECRET_WITH_DATA, "stringData": {"GEN_AI_KEY": "x"}}
    del secret["data"]
    kubernetes_resource(stack, {"Manifest": json.dumps([secret])})
    assert "KubernetesSecretDataInTemplate" in synth_report(app, tmp_path)


def test_secret_in_a_manifest_built_from_tokens_fails_synthesis(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path)
    manifest = json.dumps([{**SECRET_WITH_DATA, "metadata": {"name": "${Token}"}}])
    before, after = manifest.split("${Token}")
    kubernetes_resource(stack, {"Manifest": cdk.Fn.join("", [before, stack.stack_name, after])})
    assert "KubernetesSecretDataInTemplate" in synth_report(app, tmp_path)


def test_secret_in_helm_values_fails_synthesis(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path)
    values = "extraObjects:\n  - kind: Secret\n    apiVersion: v1\n    stringData:\n      KEY: x\n"
    cdk.CfnResource(
        stack, "Chart", type="Custom::AWSCDK-EKS-HelmChart", properties={"Values": values}
    )
    assert "KubernetesSecretDataInTemplate" in synth_report(app, tmp_path)


def test_secret_shape_without_values_passes(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path)
    shape = {key: value for key, value in SECRET_WITH_DATA.items() if key != "data"}
    kubernetes_resource(stack, {"Manifest": json.dumps([shape])})
    app.synth()


@pytest.mark.parametrize(
    "leaked",
    [
        pytest.param(CANARY, id="raw"),
        pytest.param(base64.b64encode(CANARY.encode()).decode(), id="base64"),
        pytest.param(
            base64.b64encode(b"prefix:" + CANARY.encode()).decode(), id="base64-inside-text"
        ),
        pytest.param(CANARY.encode().hex(), id="hex"),
    ],
)
def test_value_of_a_guarded_variable_in_a_template_fails_synthesis(
    tmp_path: Path, leaked: str
) -> None:
    app, stack = guarded_app(tmp_path, environ={"GEN_AI_KEY": CANARY})
    cdk.CfnOutput(stack, "Leak", value=leaked)
    ssm_parameter(stack, leaked)
    report = synth_report(app, tmp_path)
    assert "SecretValueInTemplate" in report
    assert "environment variable GEN_AI_KEY" in report


def test_report_never_contains_the_value(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path, environ={"GEN_AI_KEY": CANARY})
    ssm_parameter(stack, CANARY)
    report = synth_report(app, tmp_path)
    assert CANARY not in report
    assert base64.b64encode(CANARY.encode()).decode() not in report


def test_unset_or_short_variables_are_not_matched(tmp_path: Path) -> None:
    app, stack = guarded_app(tmp_path, environ={"GEN_AI_KEY": "abc"})
    ssm_parameter(stack, "abcabc")
    app.synth()


def test_the_app_guards_its_secret_keys(
    shipped_config: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stacks.app_stacks import add_app_stacks
    from tests.conftest import cdk_json_context

    monkeypatch.setenv("GEN_AI_KEY", CANARY)
    app = cdk.App(outdir=str(tmp_path / "cdk.out"), context=cdk_json_context())
    stacks = add_app_stacks(app, shipped_config)
    cdk.CfnOutput(stacks.cluster, "Leak", value=CANARY)
    report = synth_report(app, tmp_path)
    assert "SecretValueInTemplate" in report
    assert "environment variable GEN_AI_KEY" in report
