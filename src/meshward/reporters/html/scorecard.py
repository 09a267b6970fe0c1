"""The guide's scorecard for the HTML page: one row per practice, with how meshward serves it."""

from __future__ import annotations

from functools import cache
from typing import Any

from meshward.checks.registry import Rule, all_rules
from meshward.generate.serves import fix_ways
from meshward.practices import FAMILIES
from meshward.reporters.interface import Report
from meshward.reporters.summary import SEVERITIES, practice_rows

WAYS = ("audit", "verify", "fix", "watch")


@cache
def _rules_by_way() -> dict[str, tuple[Rule, ...]]:
    """The rules, probe and image checks (verify) and watch detectors, by the way they serve."""
    from meshward.watch.detectors import all_infos

    every = (*all_rules(), *(info.as_rule() for info in all_infos()))
    return {w: tuple(r for r in every if r.mode.value == w) for w in WAYS}


def ways(code: str) -> dict[str, list[str]]:
    """How meshward serves the practice ``code``, read from the metadata: the ids of the rules
    (audit), probe and image checks (verify) and detectors (watch) naming it, and the generators
    (fix) whose configuration makes it hold."""
    served = {w: [r.id for r in rules if code in r.practices]
              for w, rules in _rules_by_way().items()}
    served["fix"] = fix_ways(code)
    return served


def scorecard(report: Report, trend: dict[str, list[int]] | None = None) -> list[dict[str, Any]]:
    """Rows in the guide's order; ``ran`` says, per practice, which ways this report holds the
    results of (a rule of that way naming the practice ran, or a finding of that mode names it)."""
    ran = {(r.mode.value, code) for r in report.rules for code in r.practices}
    ran |= {(f.mode.value, code) for f in report.findings for code in f.practices}
    out: list[dict[str, Any]] = []
    for row in practice_rows(report):
        family = row.code.split("-", 1)[0]
        served = ways(row.code)
        out.append({
            "code": row.code,
            "title": row.title,
            "family": family,
            "family_title": FAMILIES.get(family, family),
            "status": row.status,
            "counts": {s.value: row.counts[s] for s in SEVERITIES},
            "findings": row.active,
            "suppressed": row.suppressed,
            "rules": list(row.rules),
            "ways": served,
            "ran": {w: bool(served[w]) and (w, row.code) in ran for w in served},
            "trend": (trend or {}).get(row.code, []),
        })
    return out
