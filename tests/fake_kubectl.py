"""A stand-in for kubectl that records its arguments and standard input, for the delivery tests."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

SCRIPT = """#!{python}
import json, os, sys
record = {record!r}
with open(os.path.join(record, "argv.json"), "w") as out:
    json.dump(sys.argv[1:], out)
with open(os.path.join(record, "stdin"), "wb") as out:
    out.write(sys.stdin.buffer.read())
code = int(os.environ.get("FAKE_KUBECTL_EXIT", "0"))
if code:
    sys.stderr.write("error: the server has asked for the client to provide credentials\\n")
sys.exit(code)
"""


@dataclass(frozen=True)
class FakeKubectl:
    path: Path
    record: Path

    @property
    def called(self) -> bool:
        return (self.record / "argv.json").exists()

    @property
    def argv(self) -> list[str]:
        arguments: list[str] = json.loads((self.record / "argv.json").read_text(encoding="utf-8"))
        return arguments

    @property
    def stdin(self) -> str:
        return (self.record / "stdin").read_text(encoding="utf-8")


def install_fake_kubectl(directory: Path, python: str) -> FakeKubectl:
    """Write ``kubectl`` into ``directory/bin``; it records into ``directory/record``."""
    (directory / "bin").mkdir(parents=True, exist_ok=True)
    (directory / "record").mkdir(exist_ok=True)
    path = directory / "bin" / "kubectl"
    path.write_text(
        SCRIPT.format(python=python, record=str(directory / "record")), encoding="utf-8"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return FakeKubectl(path=path, record=directory / "record")


def environment_with(fake: FakeKubectl, **variables: str) -> dict[str, str]:
    """The current environment with the fake kubectl first on PATH and ``variables`` set."""
    environment = {k: v for k, v in os.environ.items() if k not in ("GEN_AI_KEY", "KUBECTL")}
    environment["PATH"] = f"{fake.path.parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(variables)
    return environment
