"""cdk-nag (AwsSolutions and NIST 800-53 rev 5) on the app, acknowledgements checked both ways.

The app is synthesized with ``Validations.acknowledge`` recorded instead of applied, so cdk-nag
reports every finding; each is then matched to an acknowledgement on its construct or an
ancestor. An acknowledgement that matches nothing is stale; one without a reason of substance is
rejected, so that acknowledging stays a decision, not a way to silence the tool.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import aws_cdk as cdk

from constructs import IConstruct
from stacks.app_stacks import add_app_stacks
from stacks.compliance import add_compliance_checks
from stacks.config import AppConfig
from tools.gates.result import Finding, GateResult

GATE = "cdk-nag"
NAG_PLUGINS = ("AwsSolutions", "NIST.800.53.R5")
MIN_REASON_WORDS = 8
HOLLOW_REASONS = (
    "false positive",
    "not needed",
    "not applicable",
    "n/a",
    "todo",
    "ignore",
    "suppress",
)


@dataclass(frozen=True)
class Acknowledgement:
    path: str
    rule: str
    reason: str

    def covers(self, rule: str, construct_path: str) -> bool:
        return rule == self.rule and (
            construct_path == self.path or construct_path.startswith(self.path + "/")
        )


class _RecordingValidations:
    """Stands in for ``Validations.of(scope)``: plugins pass through, acknowledgements are noted."""

    def __init__(self, scope: IConstruct, real: Any, log: list[Acknowledgement]) -> None:
        self._scope, self._real, self._log = scope, real, log

    def acknowledge(self, *rules: cdk.Acknowledgment) -> None:
        self._log.extend(
            Acknowledgement(self._scope.node.path, rule.id, rule.reason) for rule in rules
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def recorded_acknowledgements() -> Iterator[list[Acknowledgement]]:
    log: list[Acknowledgement] = []
    real_of = cdk.Validations.of

    def of(scope: IConstruct) -> _RecordingValidations:
        return _RecordingValidations(scope, real_of(scope), log)

    with mock.patch.object(cdk.Validations, "of", of):
        yield log


def nag_findings(
    config: AppConfig, context: dict[str, Any], outdir: Path
) -> tuple[list[Finding], list[Acknowledgement]]:
    """Every cdk-nag finding of the app, and every acknowledgement the code makes."""
    with recorded_acknowledgements() as acknowledgements:
        app = cdk.App(outdir=str(outdir), context={**context, "aws:cdk:enable-path-metadata": True})
        add_app_stacks(app, config)
        add_compliance_checks(app)
        try:
            app.synth()
        except RuntimeError as error:
            if "ValidationFailed" not in str(error):
                raise
    report = json.loads((outdir / "validation-report.json").read_text(encoding="utf-8"))
    findings = [
        Finding(GATE, violation["ruleName"], construct["constructPath"], violation["description"])
        for plugin in report["pluginReports"]
        if plugin.get("pluginName") in NAG_PLUGINS or _is_nag_rule(plugin)
        for violation in plugin.get("violations", [])
        for construct in violation.get("violatingConstructs", [])
    ]
    return findings, list(acknowledgements)


def hollow(reason: str) -> bool:
    """A reason that does not explain the decision."""
    text = reason.strip().lower()
    return len(text.split()) < MIN_REASON_WORDS or any(
        text.startswith(phrase) for phrase in HOLLOW_REASONS
    )


def run(config: AppConfig, context: dict[str, Any], outdir: Path) -> GateResult:
    return classify(*nag_findings(config, context, outdir))


def classify(findings: list[Finding], acknowledgements: list[Acknowledgement]) -> GateResult:
    """Each finding is acknowledged on its construct or an ancestor, or it fails."""
    result = GateResult(GATE)
    for finding in findings:
        covered = any(ack.covers(finding.rule, finding.location) for ack in acknowledgements)
        (result.acknowledged if covered else result.failing).append(finding)
    for ack in acknowledgements:
        if not any(ack.covers(finding.rule, finding.location) for finding in findings):
            result.stale.append(f"{ack.rule} on {ack.path} matches no finding: remove it")
        if hollow(ack.reason):
            result.stale.append(
                f"{ack.rule} on {ack.path} needs a reason of substance (at least "
                f"{MIN_REASON_WORDS} words saying why the finding is acceptable here)"
            )
    return result


def _is_nag_rule(plugin: dict[str, Any]) -> bool:
    return any(
        str(violation.get("ruleName", "")).startswith(NAG_PLUGINS)
        for violation in plugin.get("violations", [])
    )


def main() -> None:
    """Run in a process of its own: cdk-nag prints every recorded finding while it works."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("--cdk-json", type=Path, default=Path("cdk.json"))
    parser.add_argument("--json-out", type=Path, required=True)
    arguments = parser.parse_args()
    context = json.loads(arguments.cdk_json.read_text(encoding="utf-8"))["context"]
    with tempfile.TemporaryDirectory() as outdir:
        result = run(AppConfig.from_cdk_json(arguments.cdk_json), context, Path(outdir))
    arguments.json_out.write_text(json.dumps(result.to_json()), encoding="utf-8")


if __name__ == "__main__":
    main()
