"""GitHub Actions: linted offline (actionlint with shellcheck, zizmor), least privilege, pinned."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def all_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, name, job)
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for name, job in workflow(path.name)["jobs"].items()
    ]


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is installed by requirements-dev.txt"
    return found


def test_workflow_set_is_complete() -> None:
    assert sorted(path.name for path in WORKFLOWS.glob("*.yml")) == [
        "ci.yml",
        "deploy.yml",
        "pr-diff.yml",
        "release.yml",
    ]


def test_actionlint_with_shellcheck_finds_nothing() -> None:
    tool("shellcheck")
    result = subprocess.run(
        [tool("actionlint"), "-shellcheck", tool("shellcheck")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", persona, str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_every_workflow_grants_nothing_by_default() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        assert workflow(path.name)["permissions"] == {}, path.name


def test_oidc_token_only_where_aws_or_pypi_is_reached() -> None:
    with_token = {
        (file, name) for file, name, job in all_jobs() if job.get("permissions", {}).get("id-token")
    }
    assert with_token == {
        ("pr-diff.yml", "diff"),
        ("deploy.yml", "deploy"),
        ("release.yml", "publish"),
    }


def test_every_action_is_pinned_by_commit() -> None:
    for file, name, job in all_jobs():
        for step in steps(job):
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"{file}:{name} uses {step['uses']}"


def test_checkouts_keep_no_credentials() -> None:
    for file, name, job in all_jobs():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{file}:{name}"


def test_ci_runs_the_same_command_as_the_ci_script() -> None:
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(ci[True] if True in ci else ci["on"])
    assert [step["run"] for step in steps(ci["jobs"]["test"]) if "run" in step] == ["make test"]


def test_pr_diff_runs_the_gate_and_keeps_one_sticky_comment() -> None:
    job = workflow("pr-diff.yml")["jobs"]["diff"]
    scripts = "\n".join(step.get("run", "") for step in steps(job))
    assert "cdk diff --all" in scripts
    assert 'make diff BASE="origin/${BASE_REF}"' in scripts
    sticky = next(step for step in steps(job) if "github-script" in step.get("uses", ""))
    assert "updateComment" in sticky["with"]["script"]
    assert "slice(0, limit)" in sticky["with"]["script"]


def test_pr_diff_falls_back_offline_without_the_role() -> None:
    job = workflow("pr-diff.yml")["jobs"]["diff"]
    assert "vars.CDK_DIFF_ROLE_ARN != ''" in job["env"]["USE_AWS"]
    assert "head.repo.full_name == github.repository" in job["env"]["USE_AWS"]
    aws_steps = [step for step in steps(job) if step.get("if") == "env.USE_AWS == 'true'"]
    assert len(aws_steps) == 2
    gate = next(step for step in steps(job) if step.get("id") == "gate")
    assert "if" not in gate


def test_deploy_is_protected_serialized_and_never_echoes_the_key() -> None:
    deploy = workflow("deploy.yml")
    job = deploy["jobs"]["deploy"]
    assert job["environment"] == "production"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    scripts = [step.get("run", "") for step in steps(job)]
    assert any("cdk deploy --all --require-approval never" in script for script in scripts)
    assert any("aws eks update-kubeconfig" in script for script in scripts)
    apply = next(step for step in steps(job) if step.get("run") == "make apply")
    assert apply["env"] == {"GEN_AI_KEY": "${{ secrets.GEN_AI_KEY }}"}
    assert not any("GEN_AI_KEY" in script for script in scripts)


def test_deploy_runs_the_destructive_change_gate_before_credentials() -> None:
    names = [
        step.get("name", step.get("uses", ""))
        for step in steps(workflow("deploy.yml")["jobs"]["deploy"])
    ]
    gate = names.index("Destructive-change gate against the previous main")
    credentials = next(i for i, name in enumerate(names) if "configure-aws-credentials" in name)
    assert gate < credentials


def test_release_checks_the_tag_against_the_version() -> None:
    build = workflow("release.yml")["jobs"]["build"]
    check = next(
        step for step in steps(build) if step.get("name") == "The tag is the library's version"
    )
    assert "__version__" in check["run"]


def test_release_builds_checks_and_publishes_with_trusted_publishing() -> None:
    release = workflow("release.yml")
    assert release[True]["push"]["tags"] == ["v*"]
    build_script = "\n".join(step.get("run", "") for step in steps(release["jobs"]["build"]))
    assert "python -m build" in build_script
    assert "twine check --strict" in build_script
    publish = release["jobs"]["publish"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert any("pypa/gh-action-pypi-publish@" in step.get("uses", "") for step in steps(publish))
