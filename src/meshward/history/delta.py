"""What changed between two runs: new, fixed and still-open findings, matched by fingerprint.

Only active findings count: a finding that became suppressed is neither new nor open, and one
that was suppressed before and is active now is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from meshward.findings.finding import Finding, Severity

_SEVERITY_RANK = {s.value: s.rank for s in Severity}


@dataclass(frozen=True, slots=True)
class Tracked:
    """The part of a finding that history keeps."""

    fingerprint: str
    rule_id: str
    severity: str
    practices: tuple[str, ...]
    service: str
    path: str
    line: int
    message: str

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK.get(self.severity, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "rule_id": self.rule_id,
                "severity": self.severity, "practices": list(self.practices),
                "service": self.service or None, "path": self.path, "line": self.line,
                "message": self.message}


def tracked(f: Finding) -> Tracked:
    return Tracked(f.fingerprint, f.rule_id, f.severity.value, f.practices, f.service or "",
                   f.location.path, f.location.line, f.message)


def _order(items: Iterable[Tracked]) -> list[Tracked]:
    return sorted(items, key=lambda t: (-t.rank, t.path, t.line, t.rule_id, t.fingerprint))


@dataclass
class Delta:
    new: list[Tracked] = field(default_factory=list)
    fixed: list[Tracked] = field(default_factory=list)
    still_open: list[Tracked] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": {"new": len(self.new), "fixed": len(self.fixed),
                        "still_open": len(self.still_open)},
            "new": [t.as_dict() for t in self.new],
            "fixed": [t.as_dict() for t in self.fixed],
            "still_open": [t.as_dict() for t in self.still_open],
        }


def compare(old: Iterable[Tracked], new: Iterable[Tracked]) -> Delta:
    """Match by fingerprint; each side's duplicates (same fingerprint) count once."""
    before = {t.fingerprint: t for t in old}
    after = {t.fingerprint: t for t in new}
    return Delta(
        new=_order(t for fp, t in after.items() if fp not in before),
        fixed=_order(t for fp, t in before.items() if fp not in after),
        still_open=_order(t for fp, t in after.items() if fp in before),
    )
