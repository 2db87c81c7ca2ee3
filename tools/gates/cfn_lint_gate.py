"""cfn-lint on every synthesized template: no errors, no warnings, ignores only in .cfnlintrc.yaml."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tools.gates.acknowledgement_file import acknowledged_rules, classify
from tools.gates.result import Finding, GateResult
from tools.gates.scanner import scan_json

CONFIG_FILE = Path(".cfnlintrc.yaml")
GATE = "cfn-lint"


def findings(assembly: Path) -> list[Finding]:
    """Every match of every rule, with no ignore applied."""
    cfn_lint = shutil.which("cfn-lint") or str(Path(sys.executable).with_name("cfn-lint"))
    templates = [str(path.resolve()) for path in sorted(assembly.glob("*.template.json"))]
    matches = scan_json([cfn_lint, "--format", "json", *templates], ok_codes=range(0, 32))
    return [
        Finding(
            GATE,
            match["Rule"]["Id"],
            f"{Path(match['Filename']).name}:{match['Location']['Start']['LineNumber']}",
            match["Message"],
        )
        for match in matches
    ]


def run(assembly: Path, config_file: Path = CONFIG_FILE) -> GateResult:
    return classify(
        GATE, findings(assembly), acknowledged_rules(config_file, "ignore_checks"), config_file
    )
