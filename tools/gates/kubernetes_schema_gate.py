"""Every manifest validates, in strict mode, against the schema of the cluster's Kubernetes version."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import yaml

from tools.gates.result import Finding, GateResult

GATE = "kubernetes-schema"


def run(manifests: Path, kubernetes_version: str) -> GateResult:
    result = GateResult(GATE)
    for path in sorted(manifests.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not document:
                continue
            try:
                kubernetes_validate.validate(document, kubernetes_version, strict=True)
            except kubernetes_validate.ValidationError as error:
                message = str(error).splitlines()[0]
                result.failing.append(
                    Finding(GATE, "strict-schema", _where(path, document), message)
                )
    return result


def _where(path: Path, document: dict) -> str:
    metadata = document.get("metadata", {})
    return f"{path.name}:{document.get('kind')}/{metadata.get('name')}"
