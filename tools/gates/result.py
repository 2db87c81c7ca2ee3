"""What every gate reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    gate: str
    rule: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"[{self.gate}] {self.rule} at {self.location}: {self.message}"


@dataclass(frozen=True)
class GateResult:
    """``acknowledged`` findings have a written reason; ``failing`` ones fail the build."""

    gate: str
    acknowledged: list[Finding] = field(default_factory=list)
    failing: list[Finding] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    """Acknowledgements or skips that match no finding any more: remove them."""

    @property
    def findings(self) -> int:
        return len(self.acknowledged) + len(self.failing)

    @property
    def passed(self) -> bool:
        return not self.failing and not self.stale

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GateResult:
        return cls(
            gate=data["gate"],
            acknowledged=[Finding(**finding) for finding in data["acknowledged"]],
            failing=[Finding(**finding) for finding in data["failing"]],
            stale=list(data["stale"]),
        )
