"""MW804-MW806: service accounts that can read every secret, exec into pods or create workloads.

A workload's token is one compromised container away from an attacker, so these are judged per
service account. Grants that are already "everything" (cluster-admin, ``*`` on ``*``) are
reported by MW801 and not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.rbac_wildcards import GOOD_PRACTICES, where
from meshward.findings.finding import Severity
from meshward.zerotrust.rbac import (
    CLUSTER,
    Grant,
    PolicyRule,
    grants_by_binding,
    resolve,
    role_label,
)

WORKLOADS = (("", "pods"), ("", "replicationcontrollers"), ("apps", "deployments"),
             ("apps", "daemonsets"), ("apps", "statefulsets"), ("apps", "replicasets"),
             ("batch", "jobs"), ("batch", "cronjobs"))


def reads_all_secrets(r: PolicyRule) -> list[str]:
    if r.resource_names:
        return []
    return [v for v in ("get", "list", "watch") if r.allows(v, "", "secrets")]


def executes(r: PolicyRule) -> list[str]:
    """pods/exec and pods/attach (``get`` too: websocket upgrades are authorized as get), and
    nodes/proxy, which reaches the kubelet API and its exec endpoints."""
    out = []
    for res in ("pods/exec", "pods/attach", "nodes/proxy"):
        verbs = [v for v in ("create", "get") if r.allows(v, "", res)]
        if verbs:
            note = " (the kubelet API, exec included)" if res == "nodes/proxy" else ""
            out.append(f"{'/'.join(verbs)} {res}{note}")
    return out


def creates_workloads(r: PolicyRule) -> list[str]:
    return [res for group, res in WORKLOADS if r.allows("create", group, res)]


def _sa_hits(ctx: ScanContext, test: Callable[[PolicyRule], list[str]], say: str
             ) -> Iterator[Hit]:
    rbac = resolve(ctx.inventory)
    for b, subject, line, grants in grants_by_binding(rbac):
        if not subject.is_service_account or b.is_default:
            continue
        found: list[str] = []
        hits: list[Grant] = []
        for g in grants:
            if g.rule.everything:
                continue
            for item in test(g.rule):
                hits.append(g)
                if item not in found:
                    found.append(item)
        if not found:
            continue
        role = grants[0].role
        yield Hit(f"{subject} can {say} {where(b.scope)}: {', '.join(found)} "
                  f"({role_label(role)}, granted by {b.label})",
                  b.subject_at(line), b.obj.ref, None, ", ".join(found),
                  key=f"{subject}|{role.kind}/{role.name}",
                  severity=None if b.scope == CLUSTER else Severity.MEDIUM)


@rule(
    id="MW804",
    title="Service account can read every secret",
    severity=Severity.HIGH,
    practices=("SEC-LEASTPRIV", "AUTH-LEASTPRIV"),
    cwe="CWE-522",
    rationale=(
        "get, list or watch on `secrets` without `resourceNames` returns every secret of the "
        "namespace (or of the cluster, through a ClusterRoleBinding): database passwords, "
        "API keys and other service accounts' tokens. Each service should read only its own."
    ),
    remediation=(
        "Mount the secrets the workload needs instead of reading them from the API, or limit the "
        "rule with `resourceNames`. Bind with a RoleBinding rather than a ClusterRoleBinding."
    ),
    references=(GOOD_PRACTICES,),
    example_fail="rules:\n- apiGroups: ['']\n  resources: [secrets]\n  verbs: [list, watch]",
    example_pass=("rules:\n- apiGroups: ['']\n  resources: [secrets]\n  resourceNames: [app-db]\n"
                  "  verbs: [get]"),
)
def sa_reads_secrets(ctx: ScanContext) -> Iterator[Hit]:
    yield from _sa_hits(ctx, reads_all_secrets, "read every secret")


@rule(
    id="MW805",
    title="Service account can run commands in other pods",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV", "ENV-RBAC"),
    cwe="CWE-269",
    rationale=(
        "create on pods/exec or pods/attach runs commands in other pods, with their identity "
        "and secrets; `get` is enough over a websocket. get or create on nodes/proxy reaches "
        "the kubelet API, whose exec endpoints run commands in every pod of the node, past "
        "admission control and audit logging."
    ),
    remediation=(
        "Remove pods/exec, pods/attach and nodes/proxy from the role. Monitoring agents can "
        "scrape `nodes/metrics` and `nodes/stats` instead of `nodes/proxy`."
    ),
    references=(GOOD_PRACTICES,
                "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"),
    example_fail="rules:\n- apiGroups: ['']\n  resources: [pods/exec]\n  verbs: [create]",
    example_pass="rules:\n- apiGroups: ['']\n  resources: [pods, pods/log]\n  verbs: [get]",
)
def sa_execs(ctx: ScanContext) -> Iterator[Hit]:
    yield from _sa_hits(ctx, executes, "run commands in pods")


@rule(
    id="MW806",
    title="Service account can create workloads",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV", "ENV-RBAC"),
    cwe="CWE-269",
    rationale=(
        "Whoever can create a pod (directly or through a Deployment, DaemonSet, StatefulSet, "
        "ReplicaSet, Job or CronJob) can run it with any service account of the namespace and "
        "mount any of its secrets, and, unless admission forbids it, run it privileged on the "
        "node."
    ),
    remediation=(
        "Only deployment tooling should create workloads; give it its own namespace-scoped "
        "role, and enforce Pod Security admission in the namespaces it deploys to."
    ),
    references=(GOOD_PRACTICES,),
    example_fail="rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [create]",
    example_pass="rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list]",
)
def sa_creates_workloads(ctx: ScanContext) -> Iterator[Hit]:
    yield from _sa_hits(ctx, creates_workloads, "create workloads")
