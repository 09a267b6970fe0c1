"""What every reporter computes the same way: ordering, counts and the per-practice view."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from meshward import __version__
from meshward.findings.finding import Finding, Severity
from meshward.practices import PRACTICES
from meshward.reporters.interface import Report

TOOL_NAME = "meshward"
TOOL_VERSION = __version__
TOOL_URI = "https://github.com/meshward/meshward"

# Most severe first: the order of every count shown to users.
SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))

# Status words of the per-practice summary.
GAPS, WAIVED, MET, NOT_CHECKED = "gaps", "waived", "met", "not checked"

_NOTICE_WHERE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+): ")
# How the engine reports a rule that crashed (checks/engine.py): such a rule proves nothing.
_RULE_FAILED = re.compile(r"^rule (?P<id>\S+) failed: ")


@dataclass(frozen=True, slots=True)
class PracticeRow:
    """One practice of the guide and how the run measured up against it."""

    code: str
    title: str
    rules: tuple[str, ...]
    counts: dict[Severity, int]
    suppressed: int
    status: str

    @property
    def active(self) -> int:
        return sum(self.counts.values())


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by file, line, rule and key."""
    return sorted(findings, key=lambda f: f.sort_key())


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


def counts_text(counts: dict[Severity, int]) -> str:
    """``"1 critical, 2 high, 0 medium, 0 low, 0 info"``."""
    return ", ".join(f"{counts[s]} {s.value}" for s in SEVERITIES)


def practice_rows(report: Report) -> list[PracticeRow]:
    """One row per practice code of the guide, in the guide's order.

    A practice is ``gaps`` when an active finding names it, ``waived`` when all
    its findings are suppressed, ``met`` when rules that serve it ran and found
    nothing, and ``not checked`` when nothing in this run serves it (a rule that
    crashed, reported as an input error, does not count as having run).
    """
    failed = failed_rules(report)
    rows: list[PracticeRow] = []
    for code, title in PRACTICES.items():
        rule_ids = {r.id for r in report.rules if code in r.practices}
        rule_ids |= {f.rule_id for f in report.findings if code in f.practices}
        counts = severity_counts(f for f in report.active if code in f.practices)
        suppressed = sum(1 for f in report.suppressed if code in f.practices)
        if sum(counts.values()):
            status = GAPS
        elif suppressed:
            status = WAIVED
        elif rule_ids - failed:
            status = MET
        else:
            status = NOT_CHECKED
        rows.append(PracticeRow(code, title, tuple(sorted(rule_ids)), counts, suppressed, status))
    return rows


def failed_rules(report: Report) -> set[str]:
    """Ids of rules the engine reports as crashed in this run."""
    return {m.group("id") for e in report.errors if (m := _RULE_FAILED.match(e.message))}


def status_counts(rows: Iterable[PracticeRow]) -> dict[str, int]:
    counts = dict.fromkeys((MET, GAPS, WAIVED, NOT_CHECKED), 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def guide_line(rows: list[PracticeRow]) -> str:
    """``"Guide: 3 met, 2 gaps, 0 waived, 24 not checked (of 29 practices)"``."""
    c = status_counts(rows)
    parts = ", ".join(f"{n} {word}" for word, n in c.items())
    return f"Guide: {parts} (of {len(rows)} practices)"


def totals_line(report: Report) -> str:
    """Findings by severity, suppressed count, files read, services and errors."""
    active = report.active
    return (
        f"Totals: {len(active)} findings ({counts_text(severity_counts(active))}); "
        f"{len(report.suppressed)} suppressed; {_plural(report.files_read, 'file')} read; "
        f"{_plural(report.services, 'service')}; {_plural(len(report.errors), 'input error')}"
    )


def notice_location(notice: str) -> tuple[str, int] | None:
    """The ``path:line`` a notice starts with, when it starts with one."""
    m = _NOTICE_WHERE.match(notice)
    return (m.group("path"), int(m.group("line"))) if m else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
