"""Rule ids and their reasons from a scanner's config file, one `- ID  # reason` line each."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from tools.gates.result import Finding, GateResult

_ENTRY = re.compile(r"^\s*-\s*(?P<rule>[A-Za-z0-9_]+)\s*(#\s*(?P<reason>.*))?$")


def acknowledged_rules(config_file: Path, key: str) -> dict[str, str]:
    """``{rule: reason}`` for the entries of list ``key``; a missing reason is ''."""
    text = config_file.read_text(encoding="utf-8")
    listed = yaml.safe_load(text).get(key) or []
    reasons: dict[str, str] = {}
    for line in text.splitlines():
        match = _ENTRY.match(line)
        if match and match["rule"] in listed:
            reasons[match["rule"]] = (match["reason"] or "").strip()
    return {rule: reasons.get(rule, "") for rule in listed}


def classify(
    gate: str, findings: Iterable[Finding], acknowledged: Mapping[str, str], config_file: Path
) -> GateResult:
    """Split findings by whether their rule is listed; a listed rule that never fired is stale."""
    result = GateResult(gate)
    for finding in findings:
        (result.acknowledged if finding.rule in acknowledged else result.failing).append(finding)
    fired = {finding.rule for finding in result.acknowledged}
    result.stale.extend(
        f"{rule} is listed in {config_file} but no longer fires: remove it"
        for rule in sorted(set(acknowledged) - fired)
    )
    result.stale.extend(
        f"{rule} in {config_file} needs a reason (a '# why' comment on its line)"
        for rule, reason in acknowledged.items()
        if len(reason.split()) < 8
    )
    return result
