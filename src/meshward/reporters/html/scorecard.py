"""The guide's scorecard for the HTML page: one row per practice, with how meshward serves it."""

from __future__ import annotations

from typing import Any

from meshward.checks.registry import all_rules
from meshward.findings.finding import Mode
from meshward.practices import FAMILIES
from meshward.reporters.interface import Report
from meshward.reporters.summary import SEVERITIES, practice_rows

# The generators (``fix``) and the practices the configuration they write makes hold.
FIX_SERVES: dict[str, tuple[str, ...]] = {
    "ENV-PRIVATE": ("meshward policy",),
    "ENV-PORTS": ("meshward policy",),
    "AUTH-ZEROTRUST": ("meshward policy",),
    "TLS-MTLS": ("meshward policy",),
    "DOC-CATALOG": ("meshward catalog",),
    "DOC-DRIFT": ("meshward catalog",),
}


def _is_probe(rule_id: str) -> bool:
    return rule_id.startswith("MWP")


def ways(code: str) -> dict[str, list[str]]:
    """How meshward serves the practice ``code``: rule ids (audit), probe checks (verify),
    commands (fix); ``watch`` is empty until a detector names it."""
    audit = [r.id for r in all_rules() if code in r.practices and not _is_probe(r.id)]
    verify = [r.id for r in all_rules() if code in r.practices and _is_probe(r.id)]
    return {"audit": audit, "verify": verify, "fix": list(FIX_SERVES.get(code, ())),
            "watch": []}


def scorecard(report: Report, trend: dict[str, list[int]] | None = None) -> list[dict[str, Any]]:
    """Rows in the guide's order; ``ran`` says which ways produced results in this report."""
    modes_run = {"audit": any(not _is_probe(r.id) for r in report.rules),
                 "verify": any(_is_probe(r.id) for r in report.rules)
                 or any(f.mode is Mode.VERIFY for f in report.findings)}
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
            "ran": {w: bool(served[w]) and modes_run.get(w, False) for w in served},
            "trend": (trend or {}).get(row.code, []),
        })
    return out
