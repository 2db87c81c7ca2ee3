"""End to end: with a canary GEN_AI_KEY, `make synth` and `make apply` put it only on kubectl's stdin."""

from __future__ import annotations

import base64
import os
import secrets
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from eks_envelope_secrets.secret_leak_guard import encodings
from tests.conftest import REPO_ROOT, offline_environment, run_make
from tests.fake_kubectl import FakeKubectl, install_fake_kubectl

# Installed third-party code, and git's compressed objects (nothing is committed here).
NOT_WRITTEN_BY_SYNTH_OR_APPLY = {".git", ".venv", "node_modules"}


def files_under(root: Path, skip: set[str] = frozenset()) -> dict[Path, float]:
    found = {}
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name not in skip]
        for name in names:
            path = Path(directory) / name
            try:
                found[path] = path.stat().st_mtime
            except OSError:
                continue
    return found


def holds_canary(path: Path, forms: set[str]) -> bool:
    try:
        content = path.read_bytes().decode("utf-8", errors="ignore")
    except OSError:
        return False
    return any(form in content for form in forms)


@pytest.fixture(scope="module")
def canary() -> str:
    return f"canary-{secrets.token_hex(16)}"


@pytest.fixture(scope="module")
def delivery(canary: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run `make synth` then `make apply` as a person would, recording every trace they leave."""
    temp_root = Path(tempfile.gettempdir())
    temp_before = files_under(temp_root)
    work = tmp_path_factory.mktemp("kubectl")
    kubectl = install_fake_kubectl(work, sys.executable)
    environment = offline_environment(tmp_path_factory.mktemp("home"))
    environment.update(
        GEN_AI_KEY=canary, PATH=f"{kubectl.path.parent}{os.pathsep}{environment['PATH']}"
    )
    runs = [run_make(REPO_ROOT, [target], environment) for target in ("synth", "apply")]
    new_temp_files = [
        path
        for path, mtime in files_under(temp_root).items()
        if temp_before.get(path) != mtime and work not in path.parents
    ]
    return {"runs": runs, "kubectl": kubectl, "new_temp_files": new_temp_files}


def test_make_synth_and_make_apply_succeed(delivery: dict[str, object]) -> None:
    for run in delivery["runs"]:  # type: ignore[attr-defined]
        assert run.returncode == 0, run.stdout + run.stderr


def test_canary_reaches_kubectl_standard_input(delivery: dict[str, object], canary: str) -> None:
    kubectl: FakeKubectl = delivery["kubectl"]  # type: ignore[assignment]
    (secret,) = [
        doc for doc in yaml.safe_load_all(kubectl.stdin) if doc and doc["kind"] == "Secret"
    ]
    assert base64.b64decode(secret["data"]["GEN_AI_KEY"]).decode() == canary


def test_canary_is_not_in_kubectl_arguments(delivery: dict[str, object], canary: str) -> None:
    kubectl: FakeKubectl = delivery["kubectl"]  # type: ignore[assignment]
    assert not any(form in " ".join(kubectl.argv) for form in encodings(canary))


def test_canary_is_not_in_synth_or_apply_output(delivery: dict[str, object], canary: str) -> None:
    forms = encodings(canary)
    for run in delivery["runs"]:  # type: ignore[attr-defined]
        assert not any(form in run.stdout + run.stderr for form in forms)


def test_canary_is_in_no_file_of_the_repository(delivery: dict[str, object], canary: str) -> None:
    forms = encodings(canary)
    written = files_under(REPO_ROOT, skip=NOT_WRITTEN_BY_SYNTH_OR_APPLY)
    assert any(path.suffix == ".json" for path in written if "cdk.out" in path.parts)
    assert any(path.suffix == ".yaml" for path in written if "dist" in path.parts)
    assert [path for path in written if holds_canary(path, forms)] == []


def test_canary_is_in_no_new_temporary_file(delivery: dict[str, object], canary: str) -> None:
    forms = encodings(canary)
    new_files: list[Path] = delivery["new_temp_files"]  # type: ignore[assignment]
    assert [path for path in new_files if holds_canary(path, forms)] == []
