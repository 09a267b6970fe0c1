"""NetworkPolicy semantics: who is isolated, and who may reach whom.

Kubernetes rules implemented here (networking.k8s.io/v1):

- a pod is isolated for a direction when any policy in its namespace selects it and has
  that direction in ``policyTypes``; allowed traffic is then the union of the rules of
  every such policy (policies only add);
- ``policyTypes`` absent: Ingress always, Egress when the policy has egress rules;
- ``podSelector: {}`` selects every pod of the policy's namespace;
- a rule without ``from``/``to`` (or with an empty list) admits every peer, a rule without
  ``ports`` every port; Ingress in ``policyTypes`` with no ``ingress`` rules denies all;
- a peer with ``podSelector`` alone means pods of the policy's namespace, with
  ``namespaceSelector`` alone every pod of the matching namespaces, with both the
  intersection; namespaces carry ``kubernetes.io/metadata.name``;
- named ports resolve against the destination pod's container ports.

Compose projects are not Kubernetes: nothing here applies to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from meshward.cache import once
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import YMap, as_map, as_seq, line_of
from meshward.zerotrust import cilium
from meshward.zerotrust.peers import Peer, PodView, Policy, PolicyRule, PortMatch, pod_view
from meshward.zerotrust.selectors import LabelSelector, namespace_labels, parse_selector

DIRECTIONS = ("ingress", "egress")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str


@dataclass(frozen=True)
class AllowedPeer:
    """Who may open connections to a workload, according to the policies."""

    who: str  # "every source", "pods app=frontend in namespace default", "addresses 10.0.0.0/8"
    ports: str  # "every port" or "ports TCP 7070"
    policy: str  # the policy granting it; "" when no policy isolates the workload
    workloads: tuple[str, ...]  # workloads of the scan it covers, as namespace/name


def _port(value: Any) -> int | str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def parse_ports(value: Any) -> tuple[PortMatch, ...] | None:
    items = [as_map(p) for p in as_seq(value)]
    if not items:
        return None
    out = []
    for p in items:
        end = p.get("endPort")
        out.append(PortMatch(_port(p.get("port")), str(p.get("protocol") or "TCP").upper(),
                             end if isinstance(end, int) and not isinstance(end, bool) else None))
    return tuple(out)


def _k8s_peer(raw: YMap, namespace: str) -> Peer | None:
    block = as_map(raw.get("ipBlock"))
    if block:
        return Peer("cidr", cidr=str(block.get("cidr") or ""),
                    excepts=tuple(str(e) for e in as_seq(block.get("except"))))
    has_pods, has_ns = "podSelector" in raw, "namespaceSelector" in raw
    if not has_pods and not has_ns:
        return None  # refused by the API server: exactly one kind of peer is required
    pods = parse_selector(raw.get("podSelector"))
    if has_ns:
        return Peer("pods", pods=pods, namespaces=parse_selector(raw.get("namespaceSelector")))
    return Peer("pods", pods=pods, namespace=namespace)


def _k8s_rules(value: Any, peer_key: str, namespace: str) -> list[PolicyRule]:
    seq = as_seq(value)
    rules = []
    for i, item in enumerate(seq):
        raw = as_map(item)
        peers_raw = [as_map(p) for p in as_seq(raw.get(peer_key))]
        peers = tuple(p for p in (_k8s_peer(r, namespace) for r in peers_raw) if p is not None)
        rules.append(PolicyRule(peers if peers_raw else None, parse_ports(raw.get("ports")),
                                seq.line_at(i) or line_of(raw), i))
    return rules


def parse_network_policy(obj: K8sObject) -> Policy:
    spec = obj.spec
    types_raw = spec.get("policyTypes")
    if isinstance(types_raw, list) and types_raw:
        types = {str(t) for t in types_raw}
    else:
        types = {"Ingress"} | ({"Egress"} if as_seq(spec.get("egress")) else set())
    ns = obj.namespace
    ingress = _k8s_rules(spec.get("ingress"), "from", ns) if "Ingress" in types else None
    egress = _k8s_rules(spec.get("egress"), "to", ns) if "Egress" in types else None
    return Policy(obj, ns, parse_selector(spec.get("podSelector")), False, ingress, egress,
                  obj.line("spec", "ingress") if "ingress" in spec else obj.line("spec", "policyTypes"),
                  obj.line("spec", "egress") if "egress" in spec else obj.line("spec", "policyTypes"))


class Segmentation:
    """Every workload's isolation, and pairwise reachability, from the policies of a scan."""

    def __init__(self, pods: list[PodView], policies: list[Policy],
                 namespaces: dict[str, dict[str, str]]) -> None:
        self.pods = pods
        self.policies = policies
        self.namespace_labels = namespaces
        self._by_workload = {id(p.workload): p for p in pods}
        # A policy whose selector has matchLabels can only select pods carrying its first
        # label: index those by (namespace, key, value) so selection is not pods x policies.
        # Policies with the same namespace and selector select the same pods: ask one of them.
        alike: dict[tuple[object, ...], list[Policy]] = {}
        for pol in policies:
            alike.setdefault((pol.namespace, pol.cilium, pol.selector), []).append(pol)
        # Other namespaced policies (default denies, matchExpressions) only select pods of their
        # namespace: index those by namespace, so a fleet of namespaces is not pods x policies.
        indexed: dict[tuple[str, str, str], list[list[Policy]]] = {}
        in_namespace: dict[str, list[list[Policy]]] = {}
        scan_all: list[list[Policy]] = []
        for group in alike.values():
            pol = group[0]
            if not pol.cilium and pol.namespace and pol.selector.match_labels:
                k, v = pol.selector.match_labels[0]
                indexed.setdefault((pol.namespace, k, v), []).append(group)
            elif pol.namespace:
                in_namespace.setdefault(pol.namespace, []).append(group)
            else:
                scan_all.append(group)
        order = self._order = {id(pol): i for i, pol in enumerate(policies)}
        self._selecting: dict[int, list[Policy]] = {}
        self._selected: dict[int, list[PodView]] = {id(pol): [] for pol in policies}
        for p in pods:
            candidates = [g for k, v in p.labels.items()
                          for g in indexed.get((p.namespace, k, v), ())]
            candidates += in_namespace.get(p.namespace, [])
            candidates += scan_all
            chosen = sorted({id(c): c for g in candidates if g[0].selects(p) for c in g}.values(),
                            key=lambda c: order[id(c)])
            self._selecting[id(p.workload)] = chosen
            for pol in chosen:
                self._selected[id(pol)].append(p)
        self._isolating: dict[tuple[int, str], list[Policy]] = {}
        self._default_deny: dict[tuple[str, str], list[Policy]] = {}
        self._in_namespace: dict[str, list[Policy]] = {}
        for pol in policies:
            self._in_namespace.setdefault(pol.namespace, []).append(pol)

    def selected_pods(self, pol: Policy) -> list[PodView]:
        """The pods ``pol`` selects, in inventory order."""
        return self._selected.get(id(pol), [])

    def policies_in(self, namespace: str) -> list[Policy]:
        """Policies of ``namespace`` plus cluster-wide ones (namespace empty)."""
        found = [*self._in_namespace.get(namespace, []), *self._in_namespace.get("", [])] \
            if namespace else list(self._in_namespace.get("", []))
        return sorted(found, key=lambda p: self._order[id(p)])

    def pod(self, w: Workload) -> PodView:
        return self._by_workload[id(w)]

    def selecting(self, pod: PodView) -> list[Policy]:
        return self._selecting[id(pod.workload)]

    def isolating(self, pod: PodView, direction: str) -> list[Policy]:
        key = (id(pod.workload), direction)
        found = self._isolating.get(key)
        if found is None:  # asked for every pair a pod is part of: answer once per pod
            found = self._isolating[key] = [p for p in self.selecting(pod) if p.isolates(direction)]
        return list(found)

    def isolated(self, pod: PodView, direction: str) -> bool:
        return bool(self.isolating(pod, direction))

    def open_rules(self, pod: PodView, direction: str) -> list[tuple[Policy, PolicyRule]]:
        """Rules that let every peer in (or out): what makes a workload reachable from all."""
        return [(p, r) for p in self.isolating(pod, direction) for r in p.rules(direction) or []
                if r.allows_everyone]

    def _side(self, subject: PodView, other: PodView, direction: str, port: int | None,
              protocol: str, dst: PodView) -> Verdict:
        for pol in self.selecting(subject):
            for r in pol.deny_rules(direction):
                if r.peer_ok(other, maybe=False) and r.port_ok(port, protocol, dst):
                    return Verdict(False, f"{pol.label} denies {other.short} ({direction})")
        isolating = self.isolating(subject, direction)
        if not isolating:
            return Verdict(True, f"no policy isolates {subject.short} for {direction}")
        for pol in self.selecting(subject):
            for r in pol.rules(direction) or []:
                if r.peer_ok(other) and r.port_ok(port, protocol, dst):
                    return Verdict(True, f"{pol.label} {direction} rule {r.index + 1}")
        labels = list(dict.fromkeys(p.label for p in isolating))
        names = ", ".join(labels)
        what = f"port {protocol} {port}" if port is not None else "any port"
        peer = "from" if direction == "ingress" else "to"
        return Verdict(False, f"{names} isolate{'s' if len(labels) == 1 else ''} "
                              f"{subject.short} for {direction} and no rule admits "
                              f"{peer} {other.short} on {what}")

    def check(self, src: PodView, dst: PodView, port: int | None = None,
              protocol: str = "TCP") -> Verdict:
        """May ``src`` open a connection to ``dst`` on ``port`` (a pod port; None: any)?"""
        out = self._side(src, dst, "egress", port, protocol, dst)
        if not out.allowed:
            return out
        return self._side(dst, src, "ingress", port, protocol, dst)

    def covers_namespace(self, pol: Policy, namespace: str) -> bool:
        """Selects every pod of ``namespace`` by construction (a default policy)."""
        if not pol.cilium:
            return pol.namespace == namespace and pol.selector.empty
        return cilium.selects_whole_namespace(pol, namespace,
                                              self.namespace_labels.get(namespace, {}))

    def default_deny(self, namespace: str, direction: str) -> list[Policy]:
        key = (namespace, direction)
        if key not in self._default_deny:
            # Only the namespace's own policies and Cilium ones can cover it.
            pool = [p for p in self.policies_in(namespace)] + [
                p for p in self.policies if p.cilium and p.namespace not in ("", namespace)]
            self._default_deny[key] = sorted(
                {id(p): p for p in pool if p.isolates(direction)
                 and self.covers_namespace(p, namespace)}.values(), key=lambda p: self._order[id(p)])
        return self._default_deny[key]

    def allowed_peers(self, pod: PodView) -> list[AllowedPeer]:
        isolating = self.isolating(pod, "ingress")
        if not isolating:
            return [AllowedPeer("every source", "every port", "",
                                tuple(p.short for p in self.pods if p is not pod))]
        out: list[AllowedPeer] = []
        for pol in isolating:
            for r in pol.rules("ingress") or []:
                peers: Iterable[Peer | None] = r.peers if r.peers is not None else [None]
                for peer in peers:
                    matched = tuple(p.short for p in self.pods if p is not pod and (
                        peer is None or peer.matches_pod(p)))
                    out.append(AllowedPeer("every source" if peer is None else str(peer),
                                           r.ports_text(), pol.label, matched))
        return out


def _namespaces(inv: Inventory) -> dict[str, dict[str, str]]:
    declared = {o.name: o.labels for o in inv.by_kind("Namespace")}
    names = set(declared) | {w.namespace for w in inv.workloads}
    return {n: namespace_labels(n, declared.get(n)) for n in sorted(names)}


def evaluate(inv: Inventory) -> Segmentation:
    """Evaluate every NetworkPolicy and Cilium policy of ``inv`` (computed once per inventory)."""

    def build() -> Segmentation:
        namespaces = _namespaces(inv)
        pods = [pod_view(w, namespaces.get(w.namespace, namespace_labels(w.namespace)))
                for w in inv.workloads]
        policies = [parse_network_policy(o) for o in inv.by_kind("NetworkPolicy")]
        for o in inv.by_kind("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"):
            policies.extend(cilium.parse(o))
        return Segmentation(pods, policies, namespaces)

    return once(inv, "segmentation", build)


class _HasInventory(Protocol):
    @property
    def inventory(self) -> Inventory: ...


def allowed_peers(ctx: _HasInventory, workload: Workload) -> list[AllowedPeer]:
    """Who may reach ``workload`` according to the policies of the scan (ingress side)."""
    seg = evaluate(ctx.inventory)
    return seg.allowed_peers(seg.pod(workload))


def pod_port(inv: Inventory, service: str, port: int | None) -> int | None:
    """The pod port behind ``port`` of a logical service (Service port -> targetPort)."""
    svc = inv.services.get(service)
    if svc is None or port is None:
        return port
    for ks in svc.k8s_services:
        for p in as_seq(ks.spec.get("ports")):
            pm = as_map(p)
            if pm.get("port") != port:
                continue
            target = _port(pm.get("targetPort"))
            if target is None:
                return port
            if isinstance(target, int):
                return target
            for w in svc.workloads:
                for c in w.containers:
                    for cp in c.ports:
                        if cp.name == target:
                            return cp.port
    return port


__all__ = ["DIRECTIONS", "AllowedPeer", "LabelSelector", "Segmentation", "Verdict",
           "allowed_peers", "evaluate", "parse_network_policy", "pod_port"]
