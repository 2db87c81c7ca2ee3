"""The destructive-change gate: what it blocks, what it lets through, and how to acknowledge."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from eks_envelope_secrets.change_gate import create_only_properties, dangers, load_assembly, main
from stacks.app_stacks import add_app_stacks
from stacks.config import AppConfig
from tests.conftest import REPO_ROOT, cdk_json_context, run_make

Assembly = dict[str, dict[str, Any]]
KEY_STACK, CLUSTER_STACK = "EksSecretsKey", "EksEncryptedCluster"


@pytest.fixture(scope="module")
def assembly_dir(shipped_config: AppConfig, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("base") / "cdk.out"
    app = cdk.App(
        outdir=str(outdir), context={**cdk_json_context(), "aws:cdk:enable-path-metadata": True}
    )
    add_app_stacks(app, shipped_config)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def base(assembly_dir: Path) -> Assembly:
    return load_assembly(assembly_dir)


def logical_id(assembly: Assembly, stack: str, kind: str) -> str:
    (found,) = [k for k, r in assembly[stack]["Resources"].items() if r["Type"] == kind]
    return found


def changed(base: Assembly, edit: Callable[[Assembly], None]) -> list[str]:
    head = copy.deepcopy(base)
    edit(head)
    return [str(danger) for danger in dangers(base, head)]


def key(assembly: Assembly) -> dict[str, Any]:
    return assembly[KEY_STACK]["Resources"][logical_id(assembly, KEY_STACK, "AWS::KMS::Key")]


def alias(assembly: Assembly) -> dict[str, Any]:
    return assembly[KEY_STACK]["Resources"][logical_id(assembly, KEY_STACK, "AWS::KMS::Alias")]


def cluster(assembly: Assembly) -> dict[str, Any]:
    return assembly[CLUSTER_STACK]["Resources"][
        logical_id(assembly, CLUSTER_STACK, "AWS::EKS::Cluster")
    ]


def cluster_role(assembly: Assembly) -> dict[str, Any]:
    role_id = cluster(assembly)["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    return assembly[CLUSTER_STACK]["Resources"][role_id]


def rename(assembly: Assembly, stack: str, kind: str) -> None:
    resources = assembly[stack]["Resources"]
    old = logical_id(assembly, stack, kind)
    resources[f"Renamed{old}"] = resources.pop(old)


BLOCKED: dict[str, tuple[Callable[[Assembly], None], str]] = {
    "key deleted": (
        lambda a: a[KEY_STACK]["Resources"].pop(logical_id(a, KEY_STACK, "AWS::KMS::Key")),
        "AWS::KMS::Key is removed from the template",
    ),
    "key replaced by a new logical id": (
        lambda a: rename(a, KEY_STACK, "AWS::KMS::Key"),
        "AWS::KMS::Key is removed from the template",
    ),
    "key rotation turned off": (
        lambda a: key(a)["Properties"].update(EnableKeyRotation=False),
        "automatic key rotation is turned off",
    ),
    "key disabled": (lambda a: key(a)["Properties"].update(Enabled=False), "the key is disabled"),
    "pending window shortened": (
        lambda a: key(a)["Properties"].update(PendingWindowInDays=7),
        "the pending deletion window shortens from 30 to 7 days",
    ),
    "deletion policy no longer retain": (
        lambda a: key(a).update(DeletionPolicy="Delete"),
        "DeletionPolicy moves from Retain to Delete",
    ),
    "replace policy removed": (
        lambda a: key(a).pop("UpdateReplacePolicy"),
        "UpdateReplacePolicy moves from Retain to Delete",
    ),
    "alias replaced": (
        lambda a: alias(a)["Properties"].update(AliasName="alias/other"),
        "AliasName changes, which CloudFormation can only do by replacing the AWS::KMS::Alias",
    ),
    "alias deleted": (
        lambda a: a[KEY_STACK]["Resources"].pop(logical_id(a, KEY_STACK, "AWS::KMS::Alias")),
        "AWS::KMS::Alias is removed from the template",
    ),
    "cluster replaced by a new name": (
        lambda a: cluster(a)["Properties"].update(Name="other"),
        "Name changes, which CloudFormation can only do by replacing the AWS::EKS::Cluster",
    ),
    "cluster replaced by a new role": (
        lambda a: cluster(a)["Properties"].update(RoleArn="arn:aws:iam::1:role/x"),
        "RoleArn changes, which CloudFormation can only do by replacing",
    ),
    "cluster deleted": (
        lambda a: a[CLUSTER_STACK]["Resources"].pop(
            logical_id(a, CLUSTER_STACK, "AWS::EKS::Cluster")
        ),
        "AWS::EKS::Cluster is removed from the template",
    ),
    "encryption key changed": (
        lambda a: cluster(a)["Properties"]["EncryptionConfig"][0]["Provider"].update(
            KeyArn="arn:aws:kms:eu-west-1:1:key/x"
        ),
        "its encryption configuration changes or is removed",
    ),
    "encryption removed": (
        lambda a: cluster(a)["Properties"].pop("EncryptionConfig"),
        "its encryption configuration changes or is removed",
    ),
    "pending window set by an intrinsic": (
        lambda a: key(a)["Properties"].update(PendingWindowInDays={"Ref": "Window"}),
        "the pending deletion window changes to a value the gate cannot compare",
    ),
    "cluster replaced because its role is replaced": (
        lambda a: cluster_role(a)["Properties"].update(RoleName="renamed-cluster-role"),
        "RoleArn refers to",
    ),
    "key stack renamed": (
        lambda a: a.update(RenamedKeyStack=a.pop(KEY_STACK)),
        "its stack is removed, so CloudFormation deletes the AWS::KMS::Key",
    ),
    "key stack removed": (
        lambda a: a.pop(KEY_STACK),
        "its stack is removed, so CloudFormation deletes the AWS::KMS::Key",
    ),
    "cluster stack removed": (
        lambda a: a.pop(CLUSTER_STACK),
        "its stack is removed, so CloudFormation deletes the AWS::EKS::Cluster",
    ),
}


@pytest.mark.parametrize("case", sorted(BLOCKED))
def test_destructive_change_is_blocked(base: Assembly, case: str) -> None:
    edit, expected = BLOCKED[case]
    found = changed(base, edit)
    assert any(expected in danger for danger in found), found
    assert all("Dangerous because" in danger for danger in found)


HARMLESS: dict[str, Callable[[Assembly], None]] = {
    "tags on the cluster": lambda a: cluster(a)["Properties"].update(
        Tags=[{"Key": "team", "Value": "platform"}]
    ),
    "more control-plane log types": lambda a: cluster(a)["Properties"]["Logging"]["ClusterLogging"][
        "EnabledTypes"
    ].append({"Type": "scheduler"}),
    "a new output": lambda a: a[CLUSTER_STACK].setdefault("Outputs", {}).update(New={"Value": "x"}),
    "a new key description": lambda a: key(a)["Properties"].update(Description="Secrets key"),
    "retain except on create": lambda a: key(a).update(UpdateReplacePolicy="RetainExceptOnCreate"),
    "a new stack": lambda a: a.update(Extra={"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}),
}


@pytest.mark.parametrize("case", sorted(HARMLESS))
def test_harmless_change_passes(base: Assembly, case: str) -> None:
    assert changed(base, HARMLESS[case]) == []


def test_stacks_inside_a_stage_are_read_by_their_deployed_name(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path / "cdk.out"))
    stage = cdk.Stage(app, "Prod")
    stack = cdk.Stack(stage, "Keys", stack_name="prod-keys")
    cdk.CfnResource(stack, "Key", type="AWS::KMS::Key", properties={"EnableKeyRotation": True})
    app.synth()
    assembly = load_assembly(tmp_path / "cdk.out")
    assert list(assembly) == ["prod-keys"]
    assert changed(assembly, lambda a: a["prod-keys"]["Resources"].clear())


def test_an_empty_base_assembly_is_an_error(tmp_path: Path, assembly_dir: Path) -> None:
    empty = write_assembly({}, tmp_path / "empty")
    assert main(["--base", str(empty), "--head", str(assembly_dir)], environ={}) == 2


def test_replacement_rules_come_from_the_resource_schemas() -> None:
    cluster_rules = create_only_properties("AWS::EKS::Cluster")
    assert "/properties/Name" in cluster_rules
    assert "/properties/EncryptionConfig" in cluster_rules
    assert create_only_properties("AWS::KMS::Alias") == ["/properties/AliasName"]


def write_assembly(assembly: Assembly, directory: Path) -> Path:
    directory.mkdir(parents=True)
    artifacts = {}
    for name, template in assembly.items():
        (directory / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    (directory / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return directory


@pytest.fixture
def renamed_cluster(base: Assembly, assembly_dir: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    head = copy.deepcopy(base)
    cluster(head)["Properties"]["Name"] = "renamed"
    resource = f"{CLUSTER_STACK}/{logical_id(base, CLUSTER_STACK, 'AWS::EKS::Cluster')}"
    return assembly_dir, write_assembly(head, tmp_path / "head"), resource


def test_command_fails_naming_the_resource_and_the_way_to_acknowledge(
    renamed_cluster: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base_dir, head_dir, resource = renamed_cluster
    assert main(["--base", str(base_dir), "--head", str(head_dir)], environ={}) == 1
    err = capsys.readouterr().err
    assert f"BLOCKED destructive change: {resource}" in err
    assert f'ALLOW_DESTRUCTIVE_CHANGES="{resource}"' in err


def test_acknowledgement_by_environment_variable_passes_and_is_echoed(
    renamed_cluster: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base_dir, head_dir, resource = renamed_cluster
    assert (
        main(
            ["--base", str(base_dir), "--head", str(head_dir)],
            environ={"ALLOW_DESTRUCTIVE_CHANGES": resource},
        )
        == 0
    )
    assert f"ACKNOWLEDGED destructive change: {resource}" in capsys.readouterr().out


def test_acknowledgement_must_name_the_resource(
    renamed_cluster: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base_dir, head_dir, _ = renamed_cluster
    assert (
        main(
            [
                "--base",
                str(base_dir),
                "--head",
                str(head_dir),
                "--allow",
                "EksEncryptedCluster/Other",
            ],
            environ={},
        )
        == 1
    )


def git(cwd: Path, *arguments: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    return subprocess.run(
        ["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True, check=True
    ).stdout


def make_diff(worktree: Path) -> subprocess.CompletedProcess[str]:
    return run_make(worktree, ["-o", ".venv/.installed", "diff"], {**os.environ, "BASE": "HEAD~1"})


def commit_setting(worktree: Path, name: str, value: object, message: str) -> None:
    cdk_json = json.loads((worktree / "cdk.json").read_text())
    cdk_json["context"]["eksEnvelopeSecrets"][name] = value
    (worktree / "cdk.json").write_text(json.dumps(cdk_json, indent=2) + "\n")
    git(worktree, "commit", "--quiet", "--all", "--message", message)


def test_make_diff_passes_a_harmless_change_and_blocks_a_cluster_rename(tmp_path: Path) -> None:
    worktree = tmp_path / "worktree"
    git(REPO_ROOT, "worktree", "add", "--detach", str(worktree), "HEAD")
    try:
        for installed in (".venv", "node_modules"):
            (worktree / installed).symlink_to(REPO_ROOT / installed)
        commit_setting(worktree, "keyRotationDays", 180, "Rotate the key twice a year")
        harmless = make_diff(worktree)
        commit_setting(worktree, "clusterName", "gen-ai-renamed", "Rename the cluster")
        rename = make_diff(worktree)
    finally:
        git(REPO_ROOT, "worktree", "remove", "--force", str(worktree))
    harmless_output = harmless.stdout + harmless.stderr
    assert harmless.returncode == 0, harmless_output
    assert "Stack EksSecretsKey" in harmless_output
    assert "RotationPeriodInDays" in harmless_output
    assert "no unacknowledged destructive change" in harmless_output
    output = rename.stdout + rename.stderr
    assert rename.returncode != 0, output
    assert "Stack EksEncryptedCluster" in output
    assert "gen-ai-renamed" in output
    assert (
        "BLOCKED destructive change: EksEncryptedCluster/EnvelopeEncryptedClusterEEC89711" in output
    )
    assert (
        "Name changes, which CloudFormation can only do by replacing the AWS::EKS::Cluster"
        in output
    )
