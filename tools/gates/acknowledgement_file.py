"""Rule ids and their reasons from a scanner's config file, one `- ID  # reason` line each."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

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
