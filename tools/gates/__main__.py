"""Run every security gate on `make synth`'s output, print one table, fail on any open finding."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from stacks.config import AppConfig
from tools.gates import cfn_lint_gate, checkov_gate, kubernetes_schema_gate, pod_security_gate
from tools.gates.result import GateResult


def cdk_nag(cdk_json: Path) -> GateResult:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "cdk-nag.json"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tools.gates.cdk_nag_gate",
                "--cdk-json",
                str(cdk_json),
                "--json-out",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"the cdk-nag gate crashed:\n{completed.stderr[-3000:]}")
        return GateResult.from_json(json.loads(out.read_text(encoding="utf-8")))


def run_all(assembly: Path, manifests: Path, cdk_json: Path) -> list[GateResult]:
    config = AppConfig.from_cdk_json(cdk_json)
    return [
        cdk_nag(cdk_json),
        cfn_lint_gate.run(assembly),
        checkov_gate.run(assembly, manifests),
        kubernetes_schema_gate.run(manifests, config.kubernetes_version),
        pod_security_gate.run(manifests),
    ]


def table(results: list[GateResult]) -> str:
    rows = [("gate", "findings", "acknowledged", "failing")] + [
        (r.gate, str(r.findings), str(len(r.acknowledged)), str(len(r.failing) + len(r.stale)))
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assembly", type=Path, default=Path("cdk.out"))
    parser.add_argument("--manifests", type=Path, default=Path("dist"))
    parser.add_argument("--cdk-json", type=Path, default=Path("cdk.json"))
    arguments = parser.parse_args()
    results = run_all(arguments.assembly, arguments.manifests, arguments.cdk_json)
    print("Security gates:")
    print(table(results))
    problems = [str(finding) for r in results for finding in r.failing] + [
        f"[{r.gate}] {stale}" for r in results for stale in r.stale
    ]
    for problem in problems:
        print(f"  FAILING {problem}", file=sys.stderr)
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
