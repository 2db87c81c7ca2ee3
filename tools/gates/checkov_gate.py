"""checkov on the templates (cloudformation) and manifests (kubernetes), from its own environment.

checkov pins old versions of common libraries, so it lives in .venv-checkov, not the app's venv.
It runs with --skip-download: nothing is fetched, the results are the same offline.
"""

from __future__ import annotations

from pathlib import Path

from tools.gates.acknowledgement_file import acknowledged_rules
from tools.gates.result import Finding, GateResult
from tools.gates.scanner import scan_json

CONFIG_FILE = Path(".checkov.yaml")
CHECKOV = Path(".venv-checkov/bin/checkov")
GATE = "checkov"


def failed_checks(directory: Path, framework: str, checkov: Path = CHECKOV) -> list[dict]:
    """Every failed check, with no skip applied (skips are applied by the caller)."""
    reports = scan_json(
        [str(checkov.resolve()), "-d", str(directory.resolve()), "--framework", framework,
         "--skip-download", "--quiet", "-o", "json"],
        ok_codes=(0, 1),
    )
    reports = reports if isinstance(reports, list) else [reports]
    return [check for report in reports for check in report.get("results", {}).get("failed_checks", [])]


def run(assembly: Path, manifests: Path, config_file: Path = CONFIG_FILE) -> GateResult:
    skipped = acknowledged_rules(config_file, "skip-check")
    result = GateResult(GATE)
    seen: set[str] = set()
    for directory, framework in ((assembly, "cloudformation"), (manifests, "kubernetes")):
        for check in failed_checks(directory, framework):
            rule = check["check_id"]
            finding = Finding(GATE, rule, f"{framework}:{check['resource']}", check["check_name"])
            seen.add(rule)
            (result.acknowledged if rule in skipped else result.failing).append(finding)
    result.stale.extend(
        f"{rule} is skipped in {config_file} but no longer fires: remove it" for rule in sorted(set(skipped) - seen)
    )
    return result
