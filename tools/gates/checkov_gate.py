"""checkov on the templates (cloudformation) and manifests (kubernetes), from its own environment.

checkov pins old versions of common libraries, so it lives in .venv-checkov, not the app's venv.
It runs with --skip-download: nothing is fetched, and the results are the same offline.
"""

from __future__ import annotations

from pathlib import Path

from tools.gates.acknowledgement_file import acknowledged_rules, classify
from tools.gates.result import Finding, GateResult
from tools.gates.scanner import scan_json

CONFIG_FILE = Path(".checkov.yaml")
CHECKOV = Path(".venv-checkov/bin/checkov")
GATE = "checkov"


def findings(assembly: Path, manifests: Path, checkov: Path = CHECKOV) -> list[Finding]:
    """Every failed check on both frameworks, with no skip applied."""
    result = []
    for directory, framework in ((assembly, "cloudformation"), (manifests, "kubernetes")):
        reports = scan_json(
            [
                str(checkov.resolve()),
                "--directory",
                str(directory.resolve()),
                "--framework",
                framework,
                "--skip-download",
                "--quiet",
                "--output",
                "json",
            ],
            ok_codes=(0, 1),
        )
        for report in reports if isinstance(reports, list) else [reports]:
            for check in report.get("results", {}).get("failed_checks", []):
                result.append(
                    Finding(
                        GATE,
                        check["check_id"],
                        f"{framework}:{check['resource']}",
                        check["check_name"],
                    )
                )
    return result


def run(assembly: Path, manifests: Path, config_file: Path = CONFIG_FILE) -> GateResult:
    return classify(
        GATE,
        findings(assembly, manifests),
        acknowledged_rules(config_file, "skip-check"),
        config_file,
    )
