"""Shared fixtures: the app synthesized from cdk.json's configuration, and its manifests."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk.assertions import Template

from stacks.app_stacks import AppStacks, add_app_stacks
from stacks.config import AppConfig
from stacks.workload_charts import synth_manifests

REPO_ROOT = Path(__file__).resolve().parent.parent
AWS_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)


def offline_environment(home: Path) -> dict[str, str]:
    """The environment with every AWS credential source removed and the metadata service off."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in AWS_CREDENTIAL_VARIABLES and not name.startswith("CDK_")
    }
    environment.update(
        HOME=str(home),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        CDK_DISABLE_VERSION_CHECK="1",
    )
    return environment


def run_make(
    cwd: Path, arguments: list[str], environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`make` as a person runs it, not as a child of the `make test` that runs pytest."""
    clean = {k: v for k, v in environment.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="session")
def shipped_config() -> AppConfig:
    return AppConfig.from_cdk_json(REPO_ROOT / "cdk.json")


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context, feature flags included, so tests synthesize what `cdk synth` does."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))[
        "context"
    ]
    return context


def synth_app(config: AppConfig) -> AppStacks:
    return add_app_stacks(cdk.App(context=cdk_json_context()), config)


@pytest.fixture(scope="session")
def app_stacks(shipped_config: AppConfig) -> AppStacks:
    return synth_app(shipped_config)


@pytest.fixture(scope="session")
def key_template(app_stacks: AppStacks) -> Template:
    return Template.from_stack(app_stacks.key)


@pytest.fixture(scope="session")
def cluster_template(app_stacks: AppStacks) -> Template:
    return Template.from_stack(app_stacks.cluster)


@pytest.fixture
def cluster_template_for() -> Callable[..., Template]:
    """The cluster stack's template for the shipped configuration with some settings changed."""

    def build(**changes: Any) -> Template:
        shipped = AppConfig.from_cdk_json(REPO_ROOT / "cdk.json")
        config = AppConfig.model_validate({**shipped.model_dump(), **changes})
        return Template.from_stack(synth_app(config).cluster)

    return build


def load_manifests(outdir: Path) -> dict[str, list[dict[str, Any]]]:
    """Each written file's documents, keyed by its path under ``outdir``, in apply order."""
    return {
        path.relative_to(outdir).as_posix(): [
            doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
        ]
        for path in sorted(outdir.rglob("*.yaml"))
    }


@pytest.fixture(scope="session")
def manifests(
    shipped_config: AppConfig, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[dict[str, Any]]]:
    outdir = tmp_path_factory.mktemp("dist")
    synth_manifests(shipped_config, outdir)
    return load_manifests(outdir)


def only(documents: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    matches = [document for document in documents if document["kind"] == kind]
    assert len(matches) == 1, f"expected one {kind}, found {len(matches)}"
    return matches[0]


@pytest.fixture(scope="session")
def all_documents(manifests: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [document for documents in manifests.values() for document in documents]


@pytest.fixture(scope="session")
def demo_pod(all_documents: list[dict[str, Any]]) -> dict[str, Any]:
    return only(all_documents, "Pod")


@pytest.fixture(scope="session")
def demo_container(demo_pod: dict[str, Any]) -> dict[str, Any]:
    (container,) = demo_pod["spec"]["containers"]
    return container


_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalized_template(template: dict[str, Any]) -> dict[str, Any]:
    """Drop what changes with the CDK version or the machine, keep everything else."""
    normalized = dict(template)
    normalized["Resources"] = {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"] != "AWS::CDK::Metadata"
    }
    for section, name in (
        ("Conditions", "CDKMetadataAvailable"),
        ("Parameters", "BootstrapVersion"),
        ("Rules", "CheckBootstrapVersion"),
    ):
        remaining = {k: v for k, v in template.get(section, {}).items() if k != name}
        if remaining:
            normalized[section] = remaining
        else:
            normalized.pop(section, None)
    text = _ASSET_HASH.sub("<asset-hash>", yaml.safe_dump(normalized, sort_keys=True))
    result: dict[str, Any] = yaml.safe_load(text)
    return result
