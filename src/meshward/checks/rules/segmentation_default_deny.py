"""MW501, MW502: namespaces without a default-deny NetworkPolicy (ingress, egress)."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import ResourceRef, Severity
from meshward.model.kubernetes import Workload
from meshward.model.source import Location
from meshward.zerotrust.netpol import evaluate
from meshward.zerotrust.text import names, plural

DEPRECATED_ANNOTATION = "net.beta.kubernetes.io/network-policy"


def _where(ctx: ScanContext, ns: str, first: Workload) -> Location:
    declared = sorted(o.location for o in ctx.inventory.by_kind("Namespace") if o.name == ns)
    return declared[0] if declared else first.obj.location


def _check(ctx: ScanContext, direction: str) -> Iterator[Hit]:
    inv = ctx.inventory
    if not inv.workloads:
        return
    seg = evaluate(inv)
    by_ns: dict[str, list[Workload]] = {}
    for w in sorted(inv.workloads, key=lambda w: w.obj.location):
        by_ns.setdefault(w.namespace, []).append(w)
    deprecated = {o.name for o in inv.by_kind("Namespace") if DEPRECATED_ANNOTATION in o.annotations}
    Dir = direction.capitalize()
    for ns in sorted(by_ns):
        if seg.default_deny(ns, direction):
            continue
        ws = by_ns[ns]
        open_ = list(dict.fromkeys(w.name for w in ws if not seg.isolated(seg.pod(w), direction)))
        who = ("accept connections from any pod and any address that can route to them"
               if direction == "ingress" else "may connect to any address")
        msg = (f"namespace {ns} has {plural(len(ws), 'workload')} and no default-deny "
               f"NetworkPolicy for {direction} (a policy with `podSelector: {{}}` and {Dir} in "
               f"policyTypes)")
        if open_:
            msg += f"; {len(open_)} selected by no {direction} policy {who}: {names(open_)}"
        else:
            msg += "; every current workload is selected by a policy, new ones will not be"
        if ns in deprecated and direction == "ingress":
            msg += f" (the {DEPRECATED_ANNOTATION} DefaultDeny annotation is ignored since Kubernetes 1.7)"
        high = Severity.HIGH if direction == "ingress" else Severity.MEDIUM
        low = Severity.MEDIUM if direction == "ingress" else Severity.LOW
        yield Hit(msg, _where(ctx, ns, ws[0]), ResourceRef("Namespace", ns), None,
                  f"no {direction} default deny", key=f"{ns}/{direction}",
                  severity=high if open_ else low)


_REFS = (
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
    "https://docs.cilium.io/en/stable/security/policy/intro/",
)


@rule(
    id="MW501",
    title="Namespace without a default-deny ingress NetworkPolicy",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE",),
    cwe="CWE-923",
    rationale=(
        "Kubernetes lets every pod accept connections from everywhere until a NetworkPolicy "
        "selects it. Without a policy selecting every pod of the namespace for ingress, any "
        "compromised pod in the cluster can reach every service of the namespace, and a new "
        "workload starts unprotected."
    ),
    remediation=(
        "Add a `NetworkPolicy` with `podSelector: {}` and `policyTypes: [Ingress]` and no "
        "ingress rules to the namespace, then allow each caller explicitly "
        "(`meshward policy` can generate the allows from the service graph)."
    ),
    references=_REFS,
    example_fail="kind: Deployment\nmetadata: {name: api, namespace: shop}\n# and no NetworkPolicy",
    example_pass=("kind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\n"
                  "spec:\n  podSelector: {}\n  policyTypes: [Ingress]"),
)
def no_default_deny_ingress(ctx: ScanContext) -> Iterator[Hit]:
    yield from _check(ctx, "ingress")


@rule(
    id="MW502",
    title="Namespace without a default-deny egress NetworkPolicy",
    severity=Severity.MEDIUM,
    practices=("ENV-PRIVATE",),
    cwe="CWE-923",
    rationale=(
        "Without egress isolation a compromised pod can reach every service of the cluster, "
        "the cloud metadata endpoint and the internet: lateral movement and exfiltration "
        "are not contained."
    ),
    remediation=(
        "Add a `NetworkPolicy` with `podSelector: {}` and `policyTypes: [Egress]` to the "
        "namespace, then allow DNS and each dependency explicitly."
    ),
    references=_REFS,
    example_fail="kind: Deployment\nmetadata: {name: api, namespace: shop}\n# and no NetworkPolicy",
    example_pass=("kind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\n"
                  "spec:\n  podSelector: {}\n  policyTypes: [Egress]"),
)
def no_default_deny_egress(ctx: ScanContext) -> Iterator[Hit]:
    yield from _check(ctx, "egress")
