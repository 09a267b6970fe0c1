"""Run the rules over a context and turn their hits into findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, Rule, all_rules
from meshward.errors import InputError
from meshward.findings.finding import Finding, Mode, fingerprint_of


def finding_from_hit(rule: Rule, hit: Hit, fingerprint: str | None = None) -> Finding:
    """The finding of ``hit``; ``fingerprint`` when the caller computed it already."""
    if fingerprint is None:
        fingerprint = hit_fingerprint(rule, hit)
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=hit.severity or rule.severity,
        confidence=hit.confidence or rule.confidence,
        practices=rule.practices,
        message=hit.message,
        location=hit.location,
        resource=hit.resource,
        service=hit.service,
        evidence=hit.evidence,
        remediation=rule.remediation,
        key=hit.key,
        extra=hit.extra,
        mode=rule.mode,
        fingerprint=fingerprint,
    )


def hit_fingerprint(rule: Rule, hit: Hit) -> str:
    """The fingerprint its finding will have (one hash, no copy of the finding)."""
    return fingerprint_of(rule.id, hit.location.path, hit.resource, hit.service, hit.key,
                          hit.evidence)


def static_rules() -> list[Rule]:
    """Rules that run over files at rest (probe and image checks run only in their commands)."""
    return [r for r in all_rules() if r.mode is Mode.AUDIT]


def choose_rules(rules: Sequence[Rule] | None, select: Iterable[str],
                 disabled: Iterable[str] = ()) -> list[Rule]:
    """The rules a run uses: all static ones, or those selected (``MW1*`` selects a family)."""
    chosen = list(rules if rules is not None else static_rules())
    wanted = {s.upper() for s in select}
    if wanted:
        chosen = [r for r in chosen if r.id.upper() in wanted
                  or any(r.id.upper().startswith(w.rstrip("*")) for w in wanted if w.endswith("*"))]
    off = {d.upper() for d in disabled}
    return [r for r in chosen if r.id.upper() not in off]


def run_rules(ctx: ScanContext, chosen: Sequence[Rule]) -> tuple[list[Finding], list[InputError]]:
    """Run these rules (see :func:`choose_rules`). A crashing rule becomes an input error."""
    findings: list[Finding] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    for r in chosen:
        try:
            for hit in r.check(ctx):
                fingerprint = hit_fingerprint(r, hit)
                if fingerprint in seen:
                    continue
                seen.add(fingerprint)
                findings.append(finding_from_hit(r, hit, fingerprint))
        except Exception as exc:  # one broken rule must not lose the others
            errors.append(InputError("<meshward>", 0,
                                     f"rule {r.id} failed: {type(exc).__name__}: {exc}",
                                     "this is a meshward bug; please report it"))
    findings.sort(key=Finding.sort_key)
    return findings, errors
