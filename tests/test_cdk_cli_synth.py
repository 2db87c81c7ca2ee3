"""`cdk synth` through the pinned CLI works offline, with every AWS credential source removed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, offline_environment

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"


@pytest.fixture(scope="module")
def cli_synth(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    if not CDK.exists():
        pytest.fail("the pinned CDK CLI is not installed: run `make test`, which runs `npm ci`")
    home = tmp_path_factory.mktemp("home")
    outdir = tmp_path_factory.mktemp("cdk") / "cdk.out"
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(outdir)],
        cwd=REPO_ROOT,
        env=offline_environment(home),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return result, outdir


def test_pinned_cli_is_the_version_in_package_json() -> None:
    pinned = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))[
        "devDependencies"
    ]["aws-cdk"]
    locked = json.loads((REPO_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert locked["packages"]["node_modules/aws-cdk"]["version"] == pinned
    assert pinned.startswith("2.")


def test_synth_succeeds_without_credentials(
    cli_synth: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = cli_synth
    assert result.returncode == 0, result.stderr


def test_synth_writes_both_stacks(cli_synth: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, outdir = cli_synth
    assert {path.name for path in outdir.glob("*.template.json")} == {
        "EksSecretsKey.template.json",
        "EksEncryptedCluster.template.json",
    }


def test_synth_needs_no_context_lookup(
    cli_synth: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, outdir = cli_synth
    assert "missing" not in json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def test_synth_prints_no_warning(cli_synth: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = cli_synth
    assert "warning" not in (result.stdout + result.stderr).lower()


def test_synth_bundles_no_kubectl_layer(
    cli_synth: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, outdir = cli_synth
    total = sum(path.stat().st_size for path in outdir.rglob("*") if path.is_file())
    assert total < 5 * 1024 * 1024, f"cdk.out is {total} bytes: did a kubectl layer sneak in?"
