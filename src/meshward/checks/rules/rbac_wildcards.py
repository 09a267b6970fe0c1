"""MW801 cluster-admin or wildcard permissions; MW802 anonymous or all-authenticated subjects."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.zerotrust.rbac import (
    ANONYMOUS,
    AUTHENTICATED,
    CLUSTER,
    DEFAULT_GRANTS,
    grants_by_binding,
    resolve,
    role_label,
)

RBAC_DOCS = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
GOOD_PRACTICES = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"


def where(scope: str) -> str:
    return "cluster-wide" if scope == CLUSTER else f"in namespace {scope}"


@rule(
    id="MW801",
    title="cluster-admin or wildcard permissions bound to a user, group or service account",
    severity=Severity.HIGH,
    practices=("ENV-RBAC", "AUTH-LEASTPRIV"),
    cwe="CWE-269",
    rationale=(
        "A wildcard grants every verb, resource or API group that exists now and every one "
        "added later (CRDs included); cluster-admin is all of them everywhere. Whoever holds "
        "such a binding, or steals the token of a service account that does, owns the cluster "
        "or the namespace."
    ),
    remediation=(
        "Bind a role that lists the verbs and resources the subject needs. For people, grant "
        "`view`/`edit` per namespace and keep cluster-admin for a break-glass group."
    ),
    references=(GOOD_PRACTICES, RBAC_DOCS),
    example_fail=("kind: ClusterRoleBinding\nroleRef: {kind: ClusterRole, name: cluster-admin}\n"
                  "subjects:\n- {kind: ServiceAccount, name: ci, namespace: build}"),
    example_pass=("kind: RoleBinding\nroleRef: {kind: ClusterRole, name: view}\n"
                  "subjects:\n- {kind: Group, name: team-a}"),
)
def wildcard_grants(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b, subject, line, grants in grants_by_binding(rbac):
        if b.is_default or subject.is_system:
            continue  # platform bindings; anonymous/authenticated groups are MW802's
        role = grants[0].role
        wild = [g.rule for g in grants if g.rule.wildcards]
        if not wild:
            continue
        if role.name == "cluster-admin" and role.kind == "ClusterRole":
            what, sev = "cluster-admin: it can do anything to any object", Severity.CRITICAL
        else:
            worst = [r for r in wild if r.everything]
            sev = (Severity.CRITICAL if worst else Severity.HIGH
                   if any("*" in r.verbs or "*" in r.resources for r in wild) else Severity.MEDIUM)
            rules = "; ".join(f"{', '.join(r.wildcards)} ({r.describe()})" for r in wild)
            what = f"{role_label(role)} with wildcards: {rules}"
        yield Hit(f"{subject} holds {what}, {where(b.scope)}, granted by {b.label}",
                  b.subject_at(line), b.obj.ref, None, f"{b.label} -> {role.name}",
                  key=f"{subject}|{role.kind}/{role.name}", severity=sev)


@rule(
    id="MW802",
    title="Anonymous, unauthenticated or all-authenticated subjects are granted a role",
    severity=Severity.CRITICAL,
    practices=("ENV-RBAC", "AUTH-ZEROTRUST"),
    cwe="CWE-306",
    rationale=(
        "`system:anonymous` and `system:unauthenticated` are every request without credentials; "
        "`system:authenticated` is every identity the cluster accepts (on managed clusters, "
        "often anyone with a cloud account). A role bound to them is granted to everyone who "
        "can reach the API server. Only the bindings the API server makes itself "
        "(system:basic-user, system:discovery, system:public-info-viewer) are expected."
    ),
    remediation=(
        "Delete the binding, or bind the role to a named group or service account instead."
    ),
    references=(GOOD_PRACTICES,
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles"),
    example_fail=("kind: ClusterRoleBinding\nroleRef: {kind: ClusterRole, name: view}\n"
                  "subjects:\n- {kind: Group, name: system:unauthenticated}"),
    example_pass=("kind: ClusterRoleBinding\nroleRef: {kind: ClusterRole, name: view}\n"
                  "subjects:\n- {kind: Group, name: auditors}"),
)
def anonymous_grants(ctx: ScanContext) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b in rbac.bindings:
        for subject, line in b.subjects:
            pair = (subject.kind, subject.name)
            if pair not in ANONYMOUS and pair != AUTHENTICATED:
                continue
            if b.role_kind == "ClusterRole" and b.role_name in DEFAULT_GRANTS.get(subject.name, ()):
                continue
            who = ("every authenticated identity" if pair == AUTHENTICATED
                   else "anyone, without credentials")
            yield Hit(f"{b.label} grants {b.role_kind} {b.role_name} {where(b.scope)} to "
                      f"{subject.kind} {subject.name}: {who} gets it",
                      b.subject_at(line), b.obj.ref, None, f"{subject.kind} {subject.name}",
                      key=f"{subject.kind}/{subject.name}|{b.role_kind}/{b.role_name}",
                      severity=Severity.HIGH if pair == AUTHENTICATED else None)
