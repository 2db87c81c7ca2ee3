"""cfn-lint on every synthesized template: no errors, no warnings, ignores only in .cfnlintrc.yaml."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tools.gates.acknowledgement_file import acknowledged_rules
from tools.gates.result import Finding, GateResult
from tools.gates.scanner import scan_json

CONFIG_FILE = Path(".cfnlintrc.yaml")
GATE = "cfn-lint"


def cfn_lint() -> str:
    return shutil.which("cfn-lint") or str(Path(sys.executable).with_name("cfn-lint"))


def run(assembly: Path, config_file: Path = CONFIG_FILE) -> GateResult:
    ignored = acknowledged_rules(config_file, "ignore_checks")
    templates = [str(path.resolve()) for path in sorted(assembly.glob("*.template.json"))]
    matches = scan_json([cfn_lint(), "--format", "json", *templates], ok_codes=range(0, 32))
    result = GateResult(GATE)
    for match in matches:
        rule = match["Rule"]["Id"]
        location = f"{Path(match['Filename']).name}:{match['Location']['Start']['LineNumber']}"
        (result.acknowledged if rule in ignored else result.failing).append(
            Finding(GATE, rule, location, match["Message"])
        )
    fired = {finding.rule for finding in result.acknowledged}
    result.stale.extend(
        f"{rule} is ignored in {config_file} but no longer fires: remove it" for rule in sorted(set(ignored) - fired)
    )
    return result
