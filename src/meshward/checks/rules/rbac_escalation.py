"""MW803: escalate, bind and impersonate: verbs that lift a subject above its own role."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.rbac_wildcards import GOOD_PRACTICES, where
from meshward.findings.finding import Severity
from meshward.zerotrust.rbac import PolicyRule, grants_by_binding, resolve, role_label

RBAC_GROUP = "rbac.authorization.k8s.io"
IDENTITIES = ("users", "groups", "serviceaccounts", "uids", "userextras/scopes")


def escalations(r: PolicyRule) -> list[str]:
    """The escalation verbs a rule names explicitly (wildcard verbs are MW801's)."""
    if "*" in r.verbs:
        return []
    out = []
    for verb in ("escalate", "bind"):
        if verb in r.verbs and any(r.allows(verb, RBAC_GROUP, res)
                                   for res in ("roles", "clusterroles")):
            out.append(f"{verb} on {','.join(r.resources)}")
    if "impersonate" in r.verbs and any(r.allows("impersonate", g, res) for g in
                                        ("", "authentication.k8s.io") for res in IDENTITIES):
        out.append(f"impersonate {','.join(r.resources)}")
    return out


@rule(
    id="MW803",
    title="Subject may escalate, bind or impersonate",
    severity=Severity.HIGH,
    practices=("ENV-RBAC", "AUTH-LEASTPRIV"),
    cwe="CWE-269",
    rationale=(
        "`escalate` lets a subject write roles with permissions it does not hold, `bind` lets "
        "it bind roles it does not hold (cluster-admin included), and `impersonate` lets it act "
        "as another user, group or service account. Each is a path to cluster-admin."
    ),
    remediation=(
        "Remove the verb. Controllers that manage RBAC need `bind`/`escalate` only with "
        "`resourceNames` listing the roles they hand out."
    ),
    references=(GOOD_PRACTICES,
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
                "#privilege-escalation-prevention-and-bootstrapping"),
    example_fail="rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n"
                 "  verbs: [bind, escalate]",
    example_pass="rules:\n- apiGroups: [rbac.authorization.k8s.io]\n  resources: [roles]\n"
                 "  verbs: [get, list]",
)
def escalating_verbs(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b, subject, line, grants in grants_by_binding(rbac):
        if b.is_default or subject.is_system:
            continue
        found = [e for g in grants if not g.rule.builtin for e in escalations(g.rule)]
        if not found:
            continue
        role = grants[0].role
        limited = all(g.rule.resource_names for g in grants if escalations(g.rule))
        yield Hit(f"{subject} may {'; '.join(found)} {where(b.scope)} "
                  f"({role_label(role)}, granted by {b.label})"
                  + (" for the named objects only" if limited else ""),
                  b.subject_at(line), b.obj.ref, None, "; ".join(found),
                  key=f"{subject}|{role.kind}/{role.name}",
                  severity=Severity.MEDIUM if limited else None)
