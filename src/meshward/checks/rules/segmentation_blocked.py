"""MW506: a declared dependency that the NetworkPolicies would block."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.analyses.segmentation import kubernetes_evidence
from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity


@rule(
    id="MW506",
    title="Declared dependency blocked by NetworkPolicy",
    severity=Severity.LOW,
    practices=("ENV-PRIVATE", "DOC-DRIFT"),
    rationale=(
        "A service is configured to call another (its environment or ConfigMap holds the "
        "address) but the NetworkPolicies admit no such connection. Either the call fails in "
        "production, or the configuration is stale: both mean the policies and the service "
        "graph disagree, and the usual 'fix' is to open far more than needed."
    ),
    remediation=(
        "If the dependency is real, allow exactly that caller and port (egress of the caller "
        "and ingress of the callee). If it is not, remove the stale address."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
    example_fail=("# api has DB_URL=postgres://db:5432 but db's policy only admits app=worker\n"
                  "ingress:\n- from: [{podSelector: {matchLabels: {app: worker}}}]"),
    example_pass="ingress:\n- from: [{podSelector: {matchLabels: {app: api}}}]\n  ports: [{port: 5432}]",
)
def blocked_dependency(ctx: ScanContext) -> Iterator[Hit]:
    for edge in ctx.graph.sorted_edges():
        if not edge.blocked_by_policy or edge.confidence is not Confidence.HIGH:
            continue  # an address guessed from a variable name is not enough to report
        svc = ctx.graph.services.get(edge.source)
        candidates = kubernetes_evidence(ctx.inventory, edge) or edge.evidence
        ev = min(candidates, key=lambda e: e.location)
        ref = svc.workloads[0].ref if svc and svc.workloads else None
        yield Hit(f"{edge.source} is configured to call {edge.target} ({ev.detail}) but the "
                  f"NetworkPolicies block it: {edge.policy_note}", ev.location, ref, edge.source,
                  f"{edge.source} -> {edge.target}", key=f"{edge.source}->{edge.target}",
                  confidence=edge.confidence)
