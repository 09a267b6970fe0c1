"""The detector contract: metadata for docs and reports, and ``observe`` over events."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from meshward.checks.registry import Rule, not_at_rest
from meshward.findings.finding import Confidence, Finding, Mode, ResourceRef, Severity
from meshward.model.source import Location
from meshward.practices import PRACTICES
from meshward.watch.event import LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext


@dataclass(frozen=True)
class DetectorInfo:
    """What a detector is, for its docs, SARIF rule descriptors and `meshward explain`."""

    id: str
    title: str
    severity: Severity
    practices: tuple[str, ...]
    rationale: str
    remediation: str
    inputs: tuple[str, ...]  # the log formats it reads
    kinds: tuple[str, ...]  # the event kinds it observes (access, audit, runtime)
    confidence: Confidence = Confidence.HIGH
    references: tuple[str, ...] = ()
    example_fires: str = ""
    example_silent: str = ""

    def __post_init__(self) -> None:
        unknown = [p for p in self.practices if p not in PRACTICES]
        if not self.practices or unknown:
            raise ValueError(f"detector {self.id}: unknown or missing practice codes {unknown}")
        if not (self.id.startswith("MWW") and 1 <= int(self.id[3:]) <= 29):
            raise ValueError(f"detector id {self.id} is outside MWW01-MWW29")

    def as_rule(self) -> Rule:
        """A rule descriptor for reporters (SARIF); it checks nothing at rest."""
        return DetectorRule(id=self.id, title=self.title, severity=self.severity,
                    practices=self.practices, rationale=self.rationale,
                    remediation=self.remediation, check=not_at_rest, confidence=self.confidence,
                    references=self.references, targets=("files",), mode=Mode.WATCH,
                    command="watch")



@dataclass(frozen=True)
class DetectorRule(Rule):
    """A detector seen as a rule by the reporters; its help lives in docs/detectors/."""

    @property
    def doc_path(self) -> str:
        return f"detectors/{self.id}.md"


@dataclass
class Alert:
    """What a detector raises; the engine turns it into a Finding with the detector's docs."""

    message: str
    event: LogEvent
    key: str  # what makes two alerts the same (repeats are counted, not repeated)
    service: str | None = None
    identity: str = ""
    source: str = ""
    resource: ResourceRef | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)


class Detector(ABC):
    def __init__(self, info: DetectorInfo) -> None:
        self.info = info

    @abstractmethod
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        """Alerts this event raises (most events raise none)."""

    def finish(self, ctx: WatchContext) -> list[Alert]:
        """Alerts due at the end of the input (e.g. the last time bucket); state to save."""
        return []


def to_finding(info: DetectorInfo, alert: Alert, evidence: str, owner: str) -> Finding:
    ev = alert.event
    extra = [("format", ev.fmt)]
    if ev.ts is not None:
        stamp = dt.datetime.fromtimestamp(ev.ts, dt.UTC).isoformat().replace("+00:00", "Z")
        extra.append(("time", stamp))
    if owner:
        extra.append(("owner", owner))
    extra.extend(alert.extra)
    return Finding(
        rule_id=info.id, title=info.title, severity=alert.severity or info.severity,
        confidence=alert.confidence or info.confidence, practices=info.practices,
        message=alert.message, location=Location(ev.path, ev.line), resource=alert.resource,
        service=alert.service, evidence=evidence, remediation=info.remediation,
        mode=Mode.WATCH, key=alert.key, extra=tuple(extra), identity=alert.identity,
        source=alert.source,
    ).with_fingerprint()
