"""`make diff` synthesizes the base revision with the base's own dependencies when they differ."""

from __future__ import annotations

from pathlib import Path

from tools.review_diff import DEPENDENCY_FILES, same_dependencies


def tree(root: Path, lock: str) -> Path:
    for name in DEPENDENCY_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(lock if name == "package-lock.json" else name)
    return root


def test_identical_pins_reuse_this_environment(tmp_path: Path) -> None:
    assert same_dependencies(tree(tmp_path / "a", "1"), tree(tmp_path / "b", "1"))


def test_any_changed_pin_means_an_environment_of_its_own(tmp_path: Path) -> None:
    assert not same_dependencies(tree(tmp_path / "a", "1"), tree(tmp_path / "b", "2"))


def test_a_base_without_a_pin_file_gets_an_environment_of_its_own(tmp_path: Path) -> None:
    base = tree(tmp_path / "a", "1")
    (base / "package.json").unlink()
    assert not same_dependencies(base, tree(tmp_path / "b", "1"))
