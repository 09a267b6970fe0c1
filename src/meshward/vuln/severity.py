"""Severity from a CVSS vector (v2, v3.x, v4.0 via the ``cvss`` library) or a database's word."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from meshward.findings.finding import Severity

# Words used by Trivy (UNKNOWN/LOW/MEDIUM/HIGH/CRITICAL), Grype (Negligible...Critical),
# GitHub advisories in OSV (LOW/MODERATE/HIGH/CRITICAL), CycloneDX ratings (info, none...),
# Ubuntu priorities (negligible/low/medium/high/critical) and Debian urgencies.
_WORDS = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "low": Severity.LOW,
    "negligible": Severity.INFO,
    "unimportant": Severity.INFO,
    "info": Severity.INFO,
    "none": Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Rating:
    """How bad a vulnerability is and where that came from."""

    severity: Severity | None  # None: no rating in the data
    score: float | None = None
    vector: str = ""
    source: str = ""  # "CVSS:3.1 vector", "database_specific", "Trivy"...

    @property
    def label(self) -> str:
        if self.severity is None:
            return "unrated"
        score = f" {self.score:.1f}" if self.score is not None else ""
        return f"{self.severity.value}{score}"


def from_word(word: object, source: str = "") -> Rating | None:
    if not isinstance(word, str):
        return None
    sev = _WORDS.get(word.strip().lower())
    return Rating(sev, source=source) if sev is not None else None


def from_score(score: float, source: str = "", vector: str = "") -> Rating:
    """CVSS v3/v4 qualitative scale: 0 none, <4 low, <7 medium, <9 high, else critical."""
    if score == 0:
        sev = Severity.INFO
    elif score < 4.0:
        sev = Severity.LOW
    elif score < 7.0:
        sev = Severity.MEDIUM
    elif score < 9.0:
        sev = Severity.HIGH
    else:
        sev = Severity.CRITICAL
    return Rating(sev, score, vector, source)


@lru_cache(maxsize=8192)
def from_vector(vector: str) -> Rating | None:
    """Base score of a CVSS vector; ``None`` when it does not parse."""
    import cvss  # loads on the first vector rated, not at start-up

    text = vector.strip()
    try:
        if text.startswith("CVSS:4."):
            score = float(cvss.CVSS4(text).base_score)
            return from_score(score, "CVSS:4.0 vector", text)
        if text.startswith("CVSS:3."):
            score = float(cvss.CVSS3(text).scores()[0])
            return from_score(score, f"{text.split('/', 1)[0]} vector", text)
        if text.startswith("AV:"):
            score = float(cvss.CVSS2(text).scores()[0])
            # CVSS v2 has no critical band: 0-3.9 low, 4-6.9 medium, 7-10 high.
            sev = Severity.LOW if score < 4 else Severity.MEDIUM if score < 7 else Severity.HIGH
            return Rating(sev, score, text, "CVSS:2.0 vector")
    except Exception:  # the library raises its own and ValueError/KeyError for bad vectors
        return None
    return None


def best(ratings: list[Rating | None]) -> Rating:
    """The first rating that has a severity (callers order them by preference)."""
    for r in ratings:
        if r is not None and r.severity is not None:
            return r
    return Rating(None)
