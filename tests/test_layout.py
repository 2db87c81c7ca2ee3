"""The repository's shape: a library that stands alone and never shadows `constructs`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import eks_envelope_secrets
from tests.conftest import REPO_ROOT

LIBRARY = REPO_ROOT / "constructs" / "src" / "eks_envelope_secrets"
APP_MODULES = {"stacks", "app", "manifests", "tools", "tests"}


def test_import_constructs_from_the_repository_root_gets_the_real_library() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import constructs; print(constructs.__file__); print(constructs.Construct)",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, construct_class = result.stdout.splitlines()
    assert "site-packages" in module_file
    assert "constructs.Construct" in construct_class


def test_constructs_folder_is_not_a_python_package() -> None:
    assert not (REPO_ROOT / "constructs" / "__init__.py").exists()


def test_library_ships_py_typed() -> None:
    assert (LIBRARY / "py.typed").is_file()


def test_library_knows_nothing_of_the_app() -> None:
    for source in LIBRARY.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & APP_MODULES, f"{source.name} imports {imported & APP_MODULES}"


def test_library_is_installed_in_editable_mode_from_the_repository() -> None:
    assert Path(eks_envelope_secrets.__file__).resolve().parent == LIBRARY
