"""Reports built by hand for the reporter tests: two rules, three findings, an error, a notice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, Rule, rule
from meshward.errors import InputError
from meshward.findings.finding import Confidence, Finding, ResourceRef, Severity
from meshward.model.source import Location
from meshward.reporters.interface import Report


@rule(
    id="MWT01",
    title="Privileged container",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV",),
    rationale="A privileged container can take over its node.",
    remediation="Set securityContext.privileged: false.",
    cwe="CWE-250",
)
def privileged(ctx: ScanContext) -> Iterable[Hit]:
    return ()


PLAINTEXT = Rule(
    id="MWT02",
    title="Plaintext database URL",
    severity=Severity.MEDIUM,
    practices=("TLS-PLAINTEXT", "SEC-HARDCODED"),
    rationale="Credentials and data cross the network unencrypted.",
    remediation="Use TLS:\nadd sslmode=require.",
    check=lambda ctx: (),
    confidence=Confidence.MEDIUM,
    targets=("compose",),
)

RULES = (privileged, PLAINTEXT)


def make_finding(r: Rule, path: str, line: int, message: str, **kw: Any) -> Finding:
    kw.setdefault("severity", r.severity)
    kw.setdefault("remediation", r.remediation)
    f = Finding(rule_id=r.id, title=r.title, confidence=r.confidence, practices=r.practices,
                message=message, location=Location(path, line), **kw)
    return f.with_fingerprint()


def sample_findings() -> list[Finding]:
    return [
        make_finding(privileged, "k8s/web.yaml", 12, 'container "web" is privileged',
                     resource=ResourceRef("Deployment", "web", "shop"),
                     evidence="privileged: true", key="web"),
        make_finding(PLAINTEXT, "compose.yaml", 7, "DATABASE_URL uses postgres:// without TLS",
                     service="orders", evidence="postgres://orders@db/orders", key="DATABASE_URL"),
        make_finding(privileged, "k8s/jobs.yaml", 3, 'container "cron" is privileged',
                     resource=ResourceRef("CronJob", "cron", "ops"), key="cron",
                     suppressed_by="comment at k8s/jobs.yaml:2"),
    ]


def sample_report(**kw: Any) -> Report:
    base: dict[str, Any] = dict(
        command="scan", root="fleet", findings=sample_findings(), rules=RULES,
        errors=[InputError("k8s/bad.yaml", 4, "mapping values are not allowed here",
                           "check the indentation")],
        notices=["meshward.yaml:9: ignore of MWT02 expired on 2024-01-01 and no longer hides "
                 "findings (reason was: migration)"],
        files_read=5, services=3,
    )
    base.update(kw)
    return Report(**base)
