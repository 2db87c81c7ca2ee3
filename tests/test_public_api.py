"""The library's public API: exported from the package root, documented down to each parameter."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import eks_envelope_secrets

PUBLIC = eks_envelope_secrets.__all__
CLASSES = [name for name in PUBLIC if inspect.isclass(getattr(eks_envelope_secrets, name))]
CONSTRUCT_PARAMETERS = {"self", "scope", "id"}


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(eks_envelope_secrets, name) is not None


@pytest.mark.parametrize("name", CLASSES)
def test_every_public_class_says_why_it_exists(name: str) -> None:
    assert len((inspect.getdoc(getattr(eks_envelope_secrets, name)) or "").split()) >= 8


@pytest.mark.parametrize("name", CLASSES)
def test_every_parameter_is_documented(name: str) -> None:
    init = getattr(eks_envelope_secrets, name).__init__
    documentation = inspect.getdoc(init) or ""
    for parameter in inspect.signature(init).parameters:
        if parameter not in CONSTRUCT_PARAMETERS:
            assert f":param {parameter}:" in documentation, f"{name}({parameter}) is undocumented"


@pytest.mark.parametrize("name", CLASSES)
def test_every_public_property_and_attribute_is_documented(name: str) -> None:
    cls = getattr(eks_envelope_secrets, name)
    for member, value in vars(cls).items():
        if isinstance(value, property) and not member.startswith("_"):
            assert value.__doc__, f"{name}.{member} is undocumented"
    tree = ast.parse(Path(inspect.getfile(cls)).read_text(encoding="utf-8"))
    (class_node,) = [
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name
    ]
    init = next(
        node
        for node in class_node.body
        if isinstance(node, ast.FunctionDef) and node.name == "__init__"
    )
    body = init.body
    for index, statement in enumerate(body):
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [getattr(statement, "target", None)]
        )
        for target in targets:
            if isinstance(target, ast.Attribute) and not target.attr.startswith("_"):
                following = body[index + 1] if index + 1 < len(body) else None
                documented = isinstance(following, ast.Expr) and isinstance(
                    following.value, ast.Constant
                )
                assert documented, f"{name}.{target.attr} has no docstring"


def test_package_root_loads_no_javascript_runtime_until_a_construct_is_used() -> None:
    import subprocess
    import sys

    code = "import sys, eks_envelope_secrets; print('jsii' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
