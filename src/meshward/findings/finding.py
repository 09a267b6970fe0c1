"""The Finding: what every rule, probe, generator check and detector reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum

from meshward.model.source import Location


class Severity(Enum):
    """How bad a finding is. Ordered: ``Severity.LOW < Severity.HIGH``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of: {names}") from None


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Confidence(Enum):
    """How sure the rule is that the finding is true."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Mode(Enum):
    """Which of the four ways of serving a practice produced the finding."""

    AUDIT = "audit"
    VERIFY = "verify"
    FIX = "fix"
    WATCH = "watch"


@dataclass(frozen=True, slots=True, order=True)
class ResourceRef:
    """The object a finding is about: a Kubernetes object, compose service, Dockerfile stage..."""

    kind: str
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{ns}{self.name}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result. ``fingerprint`` survives unrelated edits and line shifts."""

    rule_id: str
    title: str
    severity: Severity
    confidence: Confidence
    practices: tuple[str, ...]
    message: str
    location: Location
    resource: ResourceRef | None = None
    service: str | None = None
    evidence: str = ""
    remediation: str = ""
    mode: Mode = Mode.AUDIT
    key: str = ""
    fingerprint: str = ""
    suppressed_by: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())
    # Alerts (Mode.WATCH): who acted (service account, SPIFFE id, user) and from where.
    identity: str = ""
    source: str = ""

    def with_fingerprint(self) -> Finding:
        return replace(self, fingerprint=compute_fingerprint(self))

    def sort_key(self) -> tuple[int, str, int, str, str]:
        return (-self.severity.rank, self.location.path, self.location.line, self.rule_id, self.key)


def compute_fingerprint(f: Finding) -> str:
    """Hash of what identifies the finding, never its line: rule, file, resource, key.

    ``key`` is what the rule says distinguishes two findings on the same resource
    (a container name, a port, an environment variable). Without a resource the
    evidence stands in for it.
    """
    return fingerprint_of(f.rule_id, f.location.path, f.resource, f.service, f.key, f.evidence)


def fingerprint_of(rule_id: str, path: str, resource: ResourceRef | None, service: str | None,
                   key: str, evidence: str) -> str:
    """:func:`compute_fingerprint` from the parts, before the finding is built."""
    parts = [
        rule_id,
        path,
        str(resource) if resource else "",
        service or "",
        key or ("" if resource else evidence),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
