"""MW807 bindings to missing roles; MW808 expired temporary grants; MW809 grants to people
without an owner or a reason."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.rbac_wildcards import GOOD_PRACTICES, RBAC_DOCS
from meshward.findings.finding import Confidence, Severity
from meshward.model.source import Location
from meshward.zerotrust.rbac import EXPIRES, OWNER, REASON, annotation_line, parse_expiry, resolve


@rule(
    id="MW807",
    title="Binding refers to a role that does not exist",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    practices=("ENV-RBAC", "ENV-GRANTS"),
    rationale=(
        "A binding to a missing role grants nothing today, but whoever later creates a role of "
        "that name (a chart, an operator, a typo fixed) silently grants it to the binding's "
        "subjects. It usually means a leftover grant nobody audits."
    ),
    remediation="Delete the binding, or add the role it needs to the same tree.",
    references=(RBAC_DOCS,),
    example_fail="kind: RoleBinding\nroleRef: {kind: Role, name: deployer-old}",
    example_pass="kind: RoleBinding\nroleRef: {kind: ClusterRole, name: view}",
)
def missing_role(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b, what in rbac.missing:
        if b.is_default or b.role_name.startswith("system:"):
            continue
        who = ", ".join(str(s) for s, _ in b.subjects) or "no subject"
        yield Hit(f"{b.label} binds {what}, which is not defined in the scanned files "
                  f"(subjects: {who})", b.obj.at("roleRef", "name"), b.obj.ref, None, what,
                  key=what)


@rule(
    id="MW808",
    title="Temporary grant past its expiry date",
    severity=Severity.HIGH,
    practices=("ENV-GRANTS",),
    rationale=(
        "A binding annotated `meshward.io/expires` is a temporary grant. After that date it "
        "should have been revoked; it still grants its role. A date meshward cannot read is "
        "reported too, since the grant can then never be seen to expire."
    ),
    remediation=(
        "Delete the binding, or extend `meshward.io/expires` (YYYY-MM-DD) with a reason if the "
        "access is still needed."
    ),
    references=(GOOD_PRACTICES,),
    example_fail="metadata:\n  annotations:\n    meshward.io/expires: '2024-01-31'",
    example_pass="metadata:\n  annotations:\n    meshward.io/expires: '2099-01-31'",
)
def expired_grant(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b in rbac.bindings:
        raw = b.obj.annotations.get(EXPIRES)
        if raw is None:
            continue
        at = Location(b.obj.location.path, annotation_line(b.obj, EXPIRES))
        who = ", ".join(str(s) for s, _ in b.subjects) or "no subject"
        date = parse_expiry(raw)
        if date is None:
            yield Hit(f"{b.label}: {EXPIRES} {raw!r} is not an ISO date (YYYY-MM-DD); the grant "
                      f"of {b.role_kind} {b.role_name} to {who} can never be seen to expire",
                      at, b.obj.ref, None, f"{EXPIRES}: {raw}", key="malformed",
                      severity=Severity.MEDIUM)
        elif ctx.today > date:
            days = (ctx.today - date).days
            yield Hit(f"{b.label} expired on {date.isoformat()} ({days} day"
                      f"{'' if days == 1 else 's'} ago) and still grants {b.role_kind} "
                      f"{b.role_name} to {who}", at, b.obj.ref, None, f"{EXPIRES}: {raw}",
                      key="expired")


@rule(
    id="MW809",
    title="Grant to people without an owner or a reason",
    severity=Severity.LOW,
    practices=("ENV-GRANTS",),
    rationale=(
        "Regular access reviews need to know, for each grant to a person or group, who "
        "answers for it and why it exists. Without `meshward.io/owner` and "
        "`meshward.io/reason` the review cannot tell a forgotten grant from a needed one. "
        "Bindings to service accounts and the cluster's own `system:` bindings are not "
        "concerned."
    ),
    remediation=(
        "Annotate the binding with `meshward.io/owner` (who approves it) and "
        "`meshward.io/reason` (why); add `meshward.io/expires` when the access is temporary."
    ),
    references=(GOOD_PRACTICES,),
    example_fail="kind: RoleBinding\nsubjects:\n- {kind: User, name: alice@example.com}",
    example_pass=("kind: RoleBinding\nmetadata:\n  annotations:\n    meshward.io/owner: team-lead\n"
                  "    meshward.io/reason: on-call access\nsubjects:\n"
                  "- {kind: User, name: alice@example.com}"),
)
def unowned_grant(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b in rbac.bindings:
        people = [s for s, _ in b.subjects if s.is_person]
        if b.is_default or not people:
            continue
        ann = b.obj.annotations
        lacking = [k for k in (OWNER, REASON) if not ann.get(k, "").strip()]
        if not lacking:
            continue
        yield Hit(f"{b.label} grants {b.role_kind} {b.role_name} to "
                  f"{', '.join(str(s) for s in people)} with no {' and no '.join(lacking)}",
                  b.obj.location, b.obj.ref, None, ", ".join(lacking), key="unowned")
