#!/usr/bin/env python3
"""`make diff`: synthesize a base revision and the working tree, diff every stack, run the gate.

Offline: both revisions are synthesized here, and the pinned CDK CLI's `cdk diff --template`
compares templates, not deployed stacks. BASE picks the base revision (default: the merge-base
with origin/main, else HEAD~1). Commit trailers `Allow-Destructive-Change: Stack/LogicalId` in
BASE..HEAD, and ALLOW_DESTRUCTIVE_CHANGES, acknowledge intended destructive changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRAILER = "Allow-Destructive-Change"


def git(*arguments: str, check: bool = True) -> str:
    completed = subprocess.run(
        ["git", *arguments], cwd=REPO, capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        raise SystemExit(f"git {' '.join(arguments)} failed: {completed.stderr.strip()}")
    return completed.stdout.strip() if completed.returncode == 0 else ""


def base_revision() -> str:
    requested = os.environ.get("BASE", "").strip()
    if requested:
        return git("rev-parse", "--verify", f"{requested}^{{commit}}")
    return git("merge-base", "HEAD", "origin/main", check=False) or git(
        "rev-parse", "--verify", "HEAD~1^{commit}"
    )


DEPENDENCY_FILES = (
    "requirements.txt",
    "package.json",
    "package-lock.json",
    "constructs/pyproject.toml",
)


def same_dependencies(base: Path, head: Path) -> bool:
    """Whether both revisions pin the same packages, so the base can use this environment."""
    return all(
        (base / name).is_file() and (base / name).read_bytes() == (head / name).read_bytes()
        for name in DEPENDENCY_FILES
    )


def base_environment(worktree: Path, scratch: Path) -> dict[str, str]:
    """The environment to synthesize the base in: this one, or one built from its own pins."""
    library = worktree / "constructs" / "src"
    if same_dependencies(worktree, REPO):
        return {**os.environ, "PYTHONPATH": os.pathsep.join([str(library), str(worktree)])}
    print(
        "The base revision pins other dependencies: installing them in an environment of its own."
    )
    venv = scratch / "base-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
        cwd=worktree,
        check=True,
    )
    path = os.pathsep.join(
        [str(venv / "bin"), str(worktree / "node_modules" / ".bin"), os.environ["PATH"]]
    )
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=worktree,
        env={**os.environ, "PATH": path},
        check=True,
    )
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"} | {"PATH": path}


def synth(source: Path, outdir: Path, environment: dict[str, str]) -> None:
    """Synthesize ``source`` into ``outdir`` in ``environment``."""
    completed = subprocess.run(
        ["cdk", "synth", "--quiet", "--no-notices", "--output", str(outdir)],
        cwd=source,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"synthesis of {source} failed:\n{completed.stdout}{completed.stderr}")


def stacks(assembly: Path) -> dict[str, Path]:
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    return {
        name: assembly / artifact["properties"]["templateFile"]
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def show_diffs(base: Path, head: Path, scratch: Path) -> None:
    base_stacks, head_stacks = stacks(base), stacks(head)
    empty = scratch / "empty.template.json"
    empty.write_text("{}", encoding="utf-8")
    for name in sorted(head_stacks):
        if name not in base_stacks:
            print(f"\n=== {name}: NEW stack")
        subprocess.run(
            [
                "cdk",
                "diff",
                "--no-notices",
                "--exclusively",
                "--app",
                str(head),
                "--template",
                str(base_stacks.get(name, empty)),
                name,
            ],
            cwd=scratch,
            check=False,
        )
    for name in sorted(set(base_stacks) - set(head_stacks)):
        resources = json.loads(base_stacks[name].read_text(encoding="utf-8")).get("Resources", {})
        print(
            f"\n=== {name}: REMOVED stack; CloudFormation would delete its {len(resources)} resources:"
        )
        for logical_id, resource in sorted(resources.items()):
            print(f"[-] {resource['Type']} {logical_id}")


def acknowledged_by_trailers(base: str) -> list[str]:
    log = git("log", f"--format=%(trailers:key={TRAILER},valueonly)", f"{base}..HEAD", check=False)
    return [line.strip() for line in log.splitlines() if line.strip()]


def main() -> int:
    base = base_revision()
    print(f"Base revision: {base} ({git('log', '-1', '--format=%s', base)})")
    with tempfile.TemporaryDirectory(prefix="make-diff-") as directory:
        scratch = Path(directory)
        worktree = scratch / "base"
        git("worktree", "add", "--detach", str(worktree), base)
        try:
            synth(worktree, scratch / "base.out", base_environment(worktree, scratch))
            head_library = os.pathsep.join([str(REPO / "constructs" / "src"), str(REPO)])
            synth(REPO, scratch / "head.out", {**os.environ, "PYTHONPATH": head_library})
            show_diffs(scratch / "base.out", scratch / "head.out", scratch)
            allows = [
                argument
                for value in acknowledged_by_trailers(base)
                for argument in ("--allow", value)
            ]
            print("\n=== Destructive-change gate")
            gate = subprocess.run(
                [
                    "eks-envelope-secrets-change-gate",
                    "--base",
                    str(scratch / "base.out"),
                    "--head",
                    str(scratch / "head.out"),
                    *allows,
                ],
                check=False,
            )
            return gate.returncode
        finally:
            git("worktree", "remove", "--force", str(worktree), check=False)
            shutil.rmtree(worktree, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
