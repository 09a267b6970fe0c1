"""The service graph as the HTML report draws it: groups, nodes with their card, edges with
what protects them.

An edge gets two independent marks:

- ``enc`` (colour): ``mtls`` when a mesh with enforced mTLS covers both ends (the test MW402
  uses), ``plaintext`` when the evidence shows a plaintext protocol (``http://``,
  ``redis://``, ``host:6379``...), ``tls`` when the caller's scheme is a TLS one, else
  ``unknown`` (nothing in the files says).
- ``seg`` (line style): ``blocked`` when the NetworkPolicies stop the call (the segmentation
  analysis marked it), ``allowed`` when a policy isolates the callee and lets this call in,
  ``open`` when no policy isolates the callee, ``n/a`` where policies do not apply (compose,
  calls from outside the fleet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshward.checks.analyses.segmentation import kubernetes_evidence
from meshward.checks.context import ScanContext
from meshward.checks.rules.plaintext_edges import mesh_cover, plaintext_protocol
from meshward.findings.finding import Finding
from meshward.model.graph import EXTERNAL, Edge
from meshward.model.inventory import Deployment, Exposure, Service
from meshward.secrets.managers import secret_sources
from meshward.zerotrust.netpol import evaluate

TLS_SCHEMES = frozenset({"https", "wss", "rediss", "amqps", "mqtts", "grpcs", "ldaps", "ftps",
                         "nats+tls", "tls", "ssl"})
CLOUD_ENVIRONMENTS = frozenset({"aws", "gcp", "azure", "cloud"})  # scope: the account
_SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: str


def environment_label(dep: Deployment) -> str:
    """``namespace shop``, ``compose compose/docker-compose.yml``, ``aws account 1234...``."""
    if dep.environment == "kubernetes":
        return f"namespace {dep.scope}"
    if dep.environment == "compose":
        return f"compose {dep.scope}"
    if dep.environment in CLOUD_ENVIRONMENTS:
        return f"{dep.environment} account {dep.scope}"
    return f"{dep.environment} {dep.scope}"


def _primacy(dep: Deployment) -> int:
    """Which place is a service's home: a Kubernetes namespace, then a cloud, then compose."""
    if dep.environment == "kubernetes":
        return 0
    return 2 if dep.environment == "compose" else 1


def group_label(svc: Service) -> str:
    """The box a service is drawn in: its primary environment, one place (Kubernetes namespace
    first, then cloud, then compose; the first by name among equals). Its card lists every
    place it runs."""
    if not svc.deployments:
        return "not deployed"
    return min((_primacy(d), environment_label(d)) for d in svc.deployments)[1]


def edge_encryption(ctx: ScanContext, edge: Edge) -> tuple[str, str]:
    """(mark, why) for the edge's encryption: mtls | plaintext | tls | unknown."""
    if EXTERNAL not in (edge.source, edge.target):
        cover = mesh_cover(ctx, edge)
        if cover.covered:
            return "mtls", cover.how
    plain = sorted({p for ev in edge.evidence if ev.kind in ("env", "configmap")
                    for p in [plaintext_protocol(ev)] if p is not None})
    if plain:
        return "plaintext", "plaintext " + ", ".join(sorted({p for p, _ in plain}))
    schemes = [s for s in edge.schemes if s in TLS_SCHEMES]
    if schemes:
        return "tls", "TLS scheme " + ", ".join(schemes)
    return "unknown", "nothing in the files shows how this call is protected"


def edge_segmentation(ctx: ScanContext, edge: Edge) -> tuple[str, str]:
    """(mark, why) for the edge's segmentation: blocked | allowed | open | n/a."""
    if edge.blocked_by_policy:
        return "blocked", edge.policy_note or "NetworkPolicy blocks it"
    inv = ctx.inventory
    if edge.source == EXTERNAL or not kubernetes_evidence(inv, edge):
        return "n/a", "no NetworkPolicy applies (compose, or from outside)"
    target = inv.services.get(edge.target)
    if target is None or not target.workloads:
        return "n/a", "the callee has no Kubernetes workload"
    seg = evaluate(inv)
    isolating = {p.label for w in target.workloads
                 for p in seg.isolating(seg.pod(w), "ingress")}
    if isolating:
        # Name the rule that lets this caller in, not every policy isolating the callee (a
        # default-deny policy isolates, it does not allow).
        source = inv.services.get(edge.source)
        rules = sorted({v.reason for sw in (source.workloads if source else [])
                        for tw in target.workloads
                        for v in [seg.check(seg.pod(sw), seg.pod(tw))] if v.allowed})
        isolated = "the callee is isolated by " + ", ".join(sorted(isolating)[:3])
        if rules:
            return "allowed", f"{isolated}; {', '.join(rules[:3])} lets this caller in"
        return "allowed", isolated
    return "open", "no NetworkPolicy isolates the callee: anything in the cluster may call it"


def _worst(findings: list[Finding]) -> str:
    ranks = {f.severity.value for f in findings if not f.suppressed_by}
    return next((s for s in _SEVERITY_ORDER if s in ranks), "")


def graph_data(ctx: ScanContext, findings: list[Finding]) -> dict[str, Any]:
    """Everything the page needs to draw the graph and fill the cards (JSON-ready)."""
    inv, graph = ctx.inventory, ctx.graph
    index = {id(f): i for i, f in enumerate(findings)}
    by_service: dict[str, list[Finding]] = {}
    for f in findings:
        if f.service:
            by_service.setdefault(f.service, []).append(f)
    callers: dict[str, list[str]] = {}
    callees: dict[str, list[str]] = {}
    for src, dst in sorted(graph.edges):  # once, not a walk over every edge per service
        callees.setdefault(src, []).append(dst)
        callers.setdefault(dst, []).append(src)
    secrets = secret_sources(inv)
    groups: dict[str, Group] = {}
    nodes: list[dict[str, Any]] = []
    for name in sorted(graph.services):
        svc = graph.services[name]
        label = group_label(svc)
        group = groups.setdefault(label, Group(f"g{len(groups)}", label))
        mine = by_service.get(name, [])
        nodes.append({
            "id": name,
            "group": group.id,
            "exposure": svc.exposure.value,
            "public": svc.exposure is Exposure.PUBLIC,
            "environments": svc.environments,
            "images": svc.images,
            "ports": svc.ports,
            "identities": svc.identities,
            "owners": [f"{k}: {v}" for k, v in sorted(svc.owners.items())],
            "deployments": [{
                "where": environment_label(d), "kind": d.kind, "name": d.name,
                "file": d.location.path, "line": d.location.line, "exposure": d.exposure.value,
                "why": list(d.exposure_reasons)} for d in svc.deployments],
            "secrets": [{"kind": s.kind, "detail": s.detail, "file": s.location.path,
                         "line": s.location.line}
                        for s in (secrets[name].sources if name in secrets else [])],
            "callers": callers.get(name, []),
            "callees": callees.get(name, []),
            "findings": [index[id(f)] for f in mine],
            "worst": _worst(mine),
        })
    edges: list[dict[str, Any]] = []
    has_external = False
    for e in graph.sorted_edges():
        has_external = has_external or EXTERNAL in (e.source, e.target)
        enc, enc_why = edge_encryption(ctx, e)
        seg, seg_why = edge_segmentation(ctx, e)
        edges.append({
            "source": e.source, "target": e.target, "enc": enc, "enc_why": enc_why,
            "seg": seg, "seg_why": seg_why, "ports": e.ports, "confidence": e.confidence.value,
            "evidence": [{"file": ev.location.path, "line": ev.location.line, "detail": ev.detail}
                         for ev in e.evidence[:5]],
        })
    return {
        "groups": [{"id": g.id, "label": g.label} for g in groups.values()],
        "nodes": nodes,
        "edges": edges,
        "external": EXTERNAL if has_external else "",
    }
