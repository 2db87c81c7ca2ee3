"""The construct library as a stranger gets it: built, checked, installed alone, used from outside."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

LIBRARY = REPO_ROOT / "constructs"
EXAMPLE = LIBRARY / "examples" / "app.py"


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(outdir), str(LIBRARY)], cwd=REPO_ROOT)
    return outdir


@pytest.fixture(scope="module")
def wheel(distributions: Path) -> Path:
    (found,) = distributions.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh virtual environment with only the wheel (and its dependencies), and a work folder."""
    root = tmp_path_factory.mktemp("stranger")
    run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root)
    python = root / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)], cwd=root)
    work = root / "work"
    work.mkdir()
    shutil.copy(EXAMPLE, work / "app.py")
    return python, work


def stranger_env(python: Path) -> dict[str, str]:
    """No PYTHONPATH, no repository on any path; the project's Node.js stays available for jsii."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment["PATH"] = f"{python.parent}{os.pathsep}{environment['PATH']}"
    return environment


def test_wheel_and_sdist_pass_twine_check_strict(distributions: Path) -> None:
    files = sorted(str(path) for path in distributions.iterdir())
    assert len(files) == 2
    run([sys.executable, "-m", "twine", "check", "--strict", *files], cwd=REPO_ROOT)


def test_wheel_ships_py_typed_license_and_the_apply_command(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "eks_envelope_secrets/py.typed" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "eks-envelope-secrets-apply" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_wheel_metadata_describes_the_package(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata = Parser().parsestr(
        archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
    )
    from eks_envelope_secrets import __version__

    assert metadata["Name"] == "cdk-eks-envelope-secrets"
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Description-Content-Type"] == "text/markdown"
    classifiers = metadata.get_all("Classifier")
    for classifier in ("Typing :: Typed", "Framework :: AWS CDK", "Framework :: AWS CDK :: 2"):
        assert classifier in classifiers
    requirements = " ".join(metadata.get_all("Requires-Dist"))
    for dependency in (
        "aws-cdk-lib<3,>=2.275.0",
        "constructs<11,>=10.4.2",
        "cdk8s<3,>=2.70.0",
        "cdk8s-plus-35<3,>=2.0.5",
    ):
        assert dependency in requirements
    assert metadata.get_all("Project-URL")


def test_installed_library_comes_from_the_fresh_environment(installed: tuple[Path, Path]) -> None:
    python, work = installed
    location = run(
        [str(python), "-c", "import eks_envelope_secrets as e; print(e.__file__)"],
        cwd=work,
        env=stranger_env(python),
    )
    assert str(python.parent.parent) in location
    assert str(REPO_ROOT) not in location


@pytest.fixture(scope="module")
def example_assembly(installed: tuple[Path, Path]) -> Path:
    python, work = installed
    environment = {
        **stranger_env(python),
        "CDK_OUTDIR": str(work / "cdk.out"),
        "MANIFESTS_OUTDIR": str(work / "dist"),
    }
    run([str(python), "app.py"], cwd=work, env=environment)
    return work / "cdk.out"


def test_example_cluster_is_encrypted_with_the_example_key(example_assembly: Path) -> None:
    key_template = json.loads((example_assembly / "PaymentsSecretsKey.template.json").read_text())
    cluster_template = json.loads((example_assembly / "PaymentsCluster.template.json").read_text())
    (key_id,) = [k for k, r in key_template["Resources"].items() if r["Type"] == "AWS::KMS::Key"]
    (export,) = [
        o["Export"]["Name"]
        for o in key_template["Outputs"].values()
        if o["Value"] == {"Fn::GetAtt": [key_id, "Arn"]}
    ]
    (cluster,) = [
        r for r in cluster_template["Resources"].values() if r["Type"] == "AWS::EKS::Cluster"
    ]
    assert cluster["Properties"]["EncryptionConfig"] == [
        {"Provider": {"KeyArn": {"Fn::ImportValue": export}}, "Resources": ["secrets"]}
    ]


def test_example_manifests_carry_no_secret_value(example_assembly: Path) -> None:
    secret = (example_assembly.parent / "dist" / "workload" / "0000-secret.k8s.yaml").read_text()
    assert "kind: Secret" in secret
    assert "data" not in secret.replace("metadata", "")


def test_guards_are_active_in_the_installed_library(installed: tuple[Path, Path]) -> None:
    python, work = installed
    probe = textwrap.dedent(
        """
        import json, sys
        import aws_cdk as cdk
        from app import build_app
        app = build_app(sys.argv[1])
        cluster_stack = app.node.find_child("PaymentsCluster")
        manifest = [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {"K": "dg=="}}]
        cdk.CfnResource(cluster_stack, "Leak", type="Custom::AWSCDK-EKS-KubernetesResource",
                        properties={"Manifest": json.dumps(manifest)})
        try:
            app.synth()
        except RuntimeError as error:
            print("BLOCKED" if "ValidationFailed" in str(error) else f"OTHER {error}")
        else:
            print("SYNTHESIZED")
        """
    )
    (work / "probe.py").write_text(probe)
    output = run(
        [str(python), "probe.py", str(work / "leak.out")], cwd=work, env=stranger_env(python)
    )
    assert output.strip().endswith("BLOCKED")
    report = (work / "leak.out" / "validation-report.json").read_text()
    assert "KubernetesSecretDataInTemplate" in report
