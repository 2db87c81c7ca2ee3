"""The apply command: values go to kubectl's standard input and nowhere else; errors apply nothing."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stacks.config import AppConfig
from stacks.workload_charts import WORKLOAD_DIR, synth_manifests
from tests.conftest import REPO_ROOT
from tests.fake_kubectl import FakeKubectl, environment_with, install_fake_kubectl

CANARY = "canary-apply-5f1e2d3c4b5a-not-a-real-key"
APPLY = Path(sys.executable).with_name("eks-envelope-secrets-apply")


@pytest.fixture(scope="module")
def workload_manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    synth_manifests(AppConfig.from_cdk_json(REPO_ROOT / "cdk.json"), outdir)
    return outdir / WORKLOAD_DIR


@pytest.fixture
def kubectl(tmp_path: Path) -> FakeKubectl:
    return install_fake_kubectl(tmp_path, sys.executable)


def run_apply(
    manifests: Path, environment: dict[str, str], *arguments: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(APPLY), "--manifests", str(manifests), *arguments],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def applied_secret(kubectl: FakeKubectl) -> dict:
    (secret,) = [
        doc for doc in yaml.safe_load_all(kubectl.stdin) if doc and doc["kind"] == "Secret"
    ]
    return secret


def decoded(secret: dict, key: str = "GEN_AI_KEY") -> str:
    return base64.b64decode(secret["data"][key]).decode("utf-8")


def test_value_reaches_kubectl_through_standard_input_only(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    result = run_apply(workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY))
    assert result.returncode == 0, result.stderr
    assert decoded(applied_secret(kubectl)) == CANARY
    assert kubectl.argv == [
        "apply",
        "--server-side",
        "--field-manager=eks-envelope-secrets",
        "-f",
        "-",
    ]
    assert CANARY not in result.stdout + result.stderr


def test_demo_pod_is_applied_after_its_secret(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    run_apply(workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY))
    kinds = [doc["kind"] for doc in yaml.safe_load_all(kubectl.stdin) if doc]
    assert kinds == ["Secret", "Pod", "NetworkPolicy"]


def test_dry_run_prints_the_manifests_redacted_and_applies_nothing(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    result = run_apply(
        workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY), "--dry-run"
    )
    assert result.returncode == 0
    secret = next(
        doc for doc in yaml.safe_load_all(result.stdout) if doc and doc["kind"] == "Secret"
    )
    assert secret["data"] == {"GEN_AI_KEY": "<redacted>"}
    assert CANARY not in result.stdout
    assert not kubectl.called


@pytest.mark.parametrize("value", [None, "", "\n"], ids=["unset", "empty", "only-a-newline"])
def test_missing_value_names_the_variable_and_applies_nothing(
    workload_manifests: Path, kubectl: FakeKubectl, value: str | None
) -> None:
    environment = (
        environment_with(kubectl) if value is None else environment_with(kubectl, GEN_AI_KEY=value)
    )
    result = run_apply(workload_manifests, environment)
    assert result.returncode == 1
    assert (
        "missing or empty Secret value for GEN_AI_KEY (from environment variable GEN_AI_KEY)"
        in result.stderr
    )
    assert "nothing was applied" in result.stderr
    assert not kubectl.called


def test_variable_for_a_key_is_configurable(workload_manifests: Path, kubectl: FakeKubectl) -> None:
    environment = environment_with(kubectl, CI_GEN_AI_KEY=CANARY)
    result = run_apply(workload_manifests, environment, "--value-from", "GEN_AI_KEY=CI_GEN_AI_KEY")
    assert result.returncode == 0, result.stderr
    assert decoded(applied_secret(kubectl)) == CANARY


def test_remapping_an_undeclared_key_is_rejected(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    result = run_apply(workload_manifests, environment_with(kubectl), "--value-from", "OTHER=X")
    assert result.returncode == 1
    assert (
        "no Secret in the manifests declares the key(s) OTHER; declared keys: GEN_AI_KEY"
        in result.stderr
    )
    assert not kubectl.called


def test_value_can_come_from_standard_input(workload_manifests: Path, kubectl: FakeKubectl) -> None:
    result = run_apply(
        workload_manifests, environment_with(kubectl), "--stdin", "GEN_AI_KEY", stdin=CANARY
    )
    assert result.returncode == 0, result.stderr
    assert decoded(applied_secret(kubectl)) == CANARY


def test_one_trailing_newline_is_dropped(workload_manifests: Path, kubectl: FakeKubectl) -> None:
    # `echo "$GEN_AI_KEY" | make apply APPLY_ARGS="--stdin GEN_AI_KEY"`: echo's newline is no part of the key.
    run_apply(
        workload_manifests, environment_with(kubectl), "--stdin", "GEN_AI_KEY", stdin=CANARY + "\n"
    )
    assert decoded(applied_secret(kubectl)) == CANARY


def test_rotation_is_a_reapply_with_the_new_value(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    run_apply(workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY))
    rotated = CANARY + "-rotated"
    result = run_apply(workload_manifests, environment_with(kubectl, GEN_AI_KEY=rotated))
    assert result.returncode == 0
    secret = applied_secret(kubectl)
    assert decoded(secret) == rotated
    assert secret.get("immutable") is False


def test_kube_context_is_passed_to_kubectl(workload_manifests: Path, kubectl: FakeKubectl) -> None:
    run_apply(workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY), "--context", "prod")
    assert kubectl.argv[-2:] == ["--context", "prod"]


def test_kubectl_environment_variable_overrides_path(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    environment = environment_with(kubectl, GEN_AI_KEY=CANARY, KUBECTL=str(kubectl.path))
    environment["PATH"] = os.defpath
    assert run_apply(workload_manifests, environment).returncode == 0
    assert kubectl.called


def test_missing_kubectl_is_a_clear_error(workload_manifests: Path, tmp_path: Path) -> None:
    environment = {"PATH": str(tmp_path), "GEN_AI_KEY": CANARY}
    result = run_apply(workload_manifests, environment)
    assert result.returncode == 1
    assert "kubectl not found: install it on PATH, or set KUBECTL to its path." in result.stderr
    assert CANARY not in result.stderr


def test_failing_kubectl_passes_its_error_on_and_fails(
    workload_manifests: Path, kubectl: FakeKubectl
) -> None:
    result = run_apply(
        workload_manifests, environment_with(kubectl, GEN_AI_KEY=CANARY, FAKE_KUBECTL_EXIT="1")
    )
    assert result.returncode == 1
    assert "the server has asked for the client to provide credentials" in result.stderr
    assert "kubectl apply failed with exit code 1" in result.stderr
    assert CANARY not in result.stderr


def test_missing_manifests_say_to_synthesize_first(tmp_path: Path, kubectl: FakeKubectl) -> None:
    result = run_apply(tmp_path / "nowhere", environment_with(kubectl, GEN_AI_KEY=CANARY))
    assert result.returncode == 1
    assert "run `make synth` first" in result.stderr
    assert not kubectl.called
