"""The summary `make synth` prints is read back from what was synthesized."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk

from stacks.app_stacks import add_app_stacks
from stacks.config import AppConfig
from stacks.workload_charts import synth_manifests
from tests.conftest import REPO_ROOT, cdk_json_context


def test_summary_reports_stacks_key_wiring_and_manifests(
    shipped_config: AppConfig, tmp_path: Path
) -> None:
    context = {**cdk_json_context(), "aws:cdk:enable-path-metadata": True}  # as the CLI sets it
    app = cdk.App(outdir=str(tmp_path / "cdk.out"), context=context)
    add_app_stacks(app, shipped_config)
    app.synth()
    synth_manifests(shipped_config, tmp_path / "dist")
    result = subprocess.run(
        [
            sys.executable,
            "tools/synth_summary.py",
            "--assembly",
            str(tmp_path / "cdk.out"),
            "--manifests",
            str(tmp_path / "dist"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stdout
    assert "EksSecretsKey: 2 resources, termination protection on" in summary
    assert "alias alias/eks/gen-ai/secrets" in summary
    assert (
        "rotation on, every 365 days; DeletionPolicy Retain, UpdateReplacePolicy Retain; pending window 30 days"
        in summary
    )
    assert (
        "encrypts ['secrets'] with EksSecretsKey/SecretsEncryptionKey/Key/Resource (alias/eks/gen-ai/secrets) via cross-stack export"
        in summary
    )
    assert "endpoint private only; control-plane logs api, audit, authenticator" in summary
    assert (
        "workload/0000-secret.k8s.yaml: Secret gen-ai/gen-ai (keys GEN_AI_KEY; no values" in summary
    )
