"""Pod Security Standards ``restricted`` on every Pod-bearing manifest."""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.gates.pod_security import pod_spec, violations
from tools.gates.result import Finding, GateResult

GATE = "pod-security-restricted"


def run(manifests: Path) -> GateResult:
    result = GateResult(GATE)
    for path in sorted(manifests.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            spec = pod_spec(document or {})
            if spec is None:
                continue
            where = f"{path.name}:{document['kind']}/{document.get('metadata', {}).get('name')}"
            for rule, problems in violations(spec).items():
                result.failing.extend(Finding(GATE, rule, where, problem) for problem in problems)
    return result
