"""What the secrets engine works with: detectors, matches, redaction and entropy."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from meshward.findings.finding import Confidence, ResourceRef


class Kind(Enum):
    """Which rule a match feeds: MW901 known format ... MW906 credentials in a URL, MW907 a
    credential file, tool configuration, command line or SQL dump (file detectors)."""

    KNOWN = "MW901"
    GENERIC = "MW902"
    PRIVATE_KEY = "MW903"
    JWT = "MW904"
    K8S_SECRET = "MW905"
    URL = "MW906"
    CRED_FILE = "MW907"


# Which match wins when two sit on the same line (lower is stronger).
PRIORITY = {Kind.PRIVATE_KEY: 0, Kind.KNOWN: 1, Kind.JWT: 2, Kind.K8S_SECRET: 3, Kind.URL: 4,
            Kind.CRED_FILE: 4, Kind.GENERIC: 5}

Validator = Callable[[str], bool]


@dataclass(frozen=True)
class Detector:
    """One credential format: a regex (group ``s`` or 1 is the secret) found via keywords.

    ``keywords`` are lower-case literals looked up case-insensitively; ``cs_keywords`` are
    looked up as written. A candidate line must hold one of them before ``regex`` runs.
    """

    id: str
    family: str
    title: str
    regex: re.Pattern[str]
    keywords: tuple[str, ...] = ()
    cs_keywords: tuple[str, ...] = ()
    kind: Kind = Kind.KNOWN
    confidence: Confidence = Confidence.HIGH
    validate: Validator | None = None
    min_entropy: float = 0.0
    multiline: bool = False  # the regex is matched at each ``anchor`` over the following text
    anchor: str = ""
    reference: str = ""  # where the format is documented
    requires: str = ""  # a literal the candidate line must also hold (checked before the regex)

    def secret_of(self, m: re.Match[str]) -> str:
        if "s" in m.re.groupindex:
            return m.group("s") or ""
        return m.group(1) if m.re.groups else m.group(0)


@dataclass
class Match:
    """A secret found in a text. ``value`` stays in memory: output shows :func:`redact` only."""

    detector: str
    family: str
    kind: Kind
    title: str
    path: str
    line: int
    value: str
    confidence: Confidence
    key: str = ""  # the variable, data key or field that holds it
    context: str = ""  # code | config | deploy | k8s-secret | env
    resource: ResourceRef | None = None
    service: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. JWT judgements
    severity: str = ""  # override ("critical", "high", ...) when the detector knows better
    commit: str = ""
    commit_date: str = ""
    author: str = ""
    in_head: str = ""  # yes | no | "" (not a history scan)

    @property
    def redacted(self) -> str:
        return redact(self.value)

    @property
    def digest(self) -> str:
        """A short, non-reversible tag of the value, for deduplication and keys."""
        return hashlib.sha256(self.value.encode("utf-8", "replace")).hexdigest()[:8]


_PEM_HEAD = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")


def redact(value: str) -> str:
    """Never the whole secret: a short prefix, an ellipsis and the length.

    Short values show fewer characters (a quarter of the length at most, four at most);
    a PEM block shows only its header line, which is not secret.
    """
    if not value:
        return "…(0 chars)"
    head = _PEM_HEAD.match(value)
    if head:
        return f"{head.group(0)}…({len(value)} chars)"
    shown = min(4, len(value) // 4)
    return f"{value[:shown]}…({len(value)} chars)"


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())
