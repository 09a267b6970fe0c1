"""Evaluate segmentation once and mark the graph: blocked dependencies, unused allowances.

Only Kubernetes workloads are evaluated (compose networks have no NetworkPolicy), and
edges from outside the cluster are left alone: whether a policy sees the client's
address or a node's after load-balancer SNAT depends on the cluster, not on the files.
"""

from __future__ import annotations

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.model.graph import EXTERNAL, Edge, Evidence
from meshward.model.inventory import Inventory
from meshward.zerotrust.netpol import Segmentation, Verdict, evaluate, pod_port
from meshward.zerotrust.peers import PodView


def _pairs(seg: Segmentation, inv: Inventory, source: str,
           target: str) -> list[tuple[PodView, PodView]]:
    src_svc, dst_svc = inv.services.get(source), inv.services.get(target)
    if src_svc is None or dst_svc is None:
        return []
    srcs = _distinct([seg.pod(w) for w in src_svc.workloads])
    dsts = _distinct([seg.pod(w) for w in dst_svc.workloads])
    pairs = [(s, d) for s in srcs for d in dsts]
    same_ns = [(s, d) for s, d in pairs if s.namespace == d.namespace]
    return same_ns or pairs


def configmap_paths(inv: Inventory) -> set[str]:
    """Files holding ConfigMaps (computed once per inventory)."""
    return once(inv, "configmap-paths", lambda: {cm.location.path for cm in inv.by_kind("ConfigMap")})


def kubernetes_evidence(inv: Inventory, edge: Edge) -> list[Evidence]:
    """The edge's evidence that sits in the caller's Kubernetes manifests or in ConfigMaps
    (the same call may also be declared in compose, where NetworkPolicies do not apply)."""
    svc = inv.services.get(edge.source)
    if svc is None:
        return []
    paths = {w.obj.location.path for w in svc.workloads}
    cms = configmap_paths(inv)
    return [ev for ev in edge.evidence if ev.location.path in paths or ev.location.path in cms]


def _from_kubernetes(inv: Inventory, edge: Edge) -> bool:
    """Is the edge declared by a Kubernetes workload (env or ConfigMap), not by compose?"""
    return any(ev.kind in ("env", "configmap") for ev in kubernetes_evidence(inv, edge))


def edge_verdict(seg: Segmentation, inv: Inventory, edge: Edge) -> Verdict | None:
    """Blocked when, for some port the caller uses, no (caller pod, callee pod) pair may connect."""
    if edge.source == EXTERNAL or not _from_kubernetes(inv, edge):
        return None
    pairs = _pairs(seg, inv, edge.source, edge.target)
    if not pairs:
        return None
    ports: list[int | None] = list(edge.ports) or [None]
    for port in ports:
        target_port = pod_port(inv, edge.target, port)
        verdicts = [seg.check(s, d, target_port) for s, d in pairs]
        if not any(v.allowed for v in verdicts):
            return verdicts[0]
    return Verdict(True, "")


def _distinct(pods: list[PodView], inv: Inventory | None = None) -> list[PodView]:
    """One pod view per distinct (service, namespace, labels, ports): the same workload defined
    in several files behaves identically, so it is evaluated once."""
    seen: dict[tuple[object, ...], PodView] = {}
    for pod in pods:
        key = (inv.service_name_of(pod.workload) if inv else "", pod.namespace,
               tuple(sorted(pod.labels.items())), tuple(sorted(pod.ns_labels.items())),
               tuple(pod.ports))
        seen.setdefault(key, pod)
    return list(seen.values())


def _unused(seg: Segmentation, inv: Inventory, used: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    out: dict[tuple[str, str], str] = {}
    pods = _distinct(seg.pods, inv)
    for dst in pods:
        dst_svc = inv.service_name_of(dst.workload)
        for pol in seg.isolating(dst, "ingress"):
            for rule in pol.rules("ingress") or []:
                for peer in rule.peers or ():
                    if peer.kind != "pods" or peer.pods.empty:
                        continue  # only callers the policy names, not whole namespaces
                    for src in pods:
                        src_svc = inv.service_name_of(src.workload)
                        if (src is dst or not src_svc or not dst_svc or src_svc == dst_svc
                                or not peer.matches_pod(src) or (src_svc, dst_svc) in used):
                            continue
                        if not seg.check(src, dst).allowed:
                            continue
                        out.setdefault((src_svc, dst_svc),
                                       f"{pol.label} allows {peer} on {rule.ports_text()}")
    return [(s, t, why) for (s, t), why in sorted(out.items())]


def analyze(ctx: ScanContext) -> None:
    inv = ctx.inventory
    if not inv.workloads:
        return
    seg = evaluate(inv)
    if not seg.policies:
        return
    for edge in ctx.graph.sorted_edges():
        verdict = edge_verdict(seg, inv, edge)
        if verdict is not None and not verdict.allowed:
            edge.blocked_by_policy = True
            edge.policy_note = verdict.reason
    ctx.graph.unused_allowed = _unused(seg, inv, set(ctx.graph.edges))
