"""Kubernetes NetworkPolicies from the service graph: deny by default, allow each edge.

Per namespace holding workloads: ``meshward-default-deny`` (ingress and egress) and
``meshward-allow-dns`` (UDP and TCP 53 to kube-dns). Per edge of the graph: an ingress
policy on the callee (``meshward-<callee>-from-<caller>``) and an egress policy on the
caller (``meshward-<caller>-to-<callee>``), with the callee's real pod labels (the
selector of its Service when it has one) and its real container ports (the edge's
Service port mapped through ``targetPort``). Entry points: from the ingress controller
or gateway pods when the tree deploys them, else from everywhere on the public port only.
"""

from __future__ import annotations

from typing import Any

from meshward.checks.context import ScanContext
from meshward.findings.finding import Confidence
from meshward.generate.existing import NS_LABEL, Endpoint, Existing
from meshward.generate.model import Generated, Manifest, dns_name
from meshward.generate.serves import Serves
from meshward.generate.workloads import (
    Port,
    controllers,
    entries,
    evidence_text,
    gateway_selectors,
    k8s_edges,
    pod_ports,
    pod_selector,
)
from meshward.model.graph import EXTERNAL, Edge
from meshward.model.kubernetes import Workload

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward policy", "Kubernetes NetworkPolicies", ("ENV-PRIVATE", "ENV-PORTS"))

API = "networking.k8s.io/v1"
MANAGED = {"app.kubernetes.io/managed-by": "meshward"}
KUBE_DNS = {"namespaceSelector": {"matchLabels": {NS_LABEL: "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}


def _policy(name: str, namespace: str, selector: dict[str, str], types: list[str],
            rules: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": {"matchLabels": selector} if selector else {},
                            "policyTypes": types}
    spec.update(rules)
    return {"apiVersion": API, "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED)},
            "spec": spec}


def _ports(ports: list[Port]) -> list[dict[str, Any]]:
    return [{"port": p.port, "protocol": p.protocol} for p in ports]


def _peer(labels: dict[str, str], namespace: str, policy_ns: str) -> dict[str, Any]:
    peer: dict[str, Any] = {}
    if namespace != policy_ns:
        peer["namespaceSelector"] = {"matchLabels": {NS_LABEL: namespace}}
    peer["podSelector"] = {"matchLabels": labels} if labels else {}
    return peer


def _rule(peers: list[dict[str, Any]] | None, key: str, ports: list[Port]) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    if peers is not None:
        rule[key] = peers
    if ports:
        rule["ports"] = _ports(ports)
    return rule


class _Builder:
    def __init__(self, ctx: ScanContext, existing: Existing) -> None:
        self.ctx = ctx
        self.ex = existing
        self.out = Generated()

    def file(self, namespace: str, name: str) -> str:
        return f"networkpolicy/{namespace}/{name}.yaml"

    def add(self, body: dict[str, Any], why: list[str], pending: bool,
            covered: str | None = None) -> None:
        meta = body["metadata"]
        m = Manifest(body, self.file(meta["namespace"], meta["name"]), why, pending)
        self.out.place(m, self.ex.same("NetworkPolicy", meta["namespace"], meta["name"]), covered)

    def covered(self, direction: str, subject: Endpoint, peer: Endpoint,
                ports: list[Port]) -> str | None:
        where = None
        for p in ports or [Port(0, "TCP")]:
            obj = self.ex.allows(direction, subject, peer, p.port or None, p.protocol)
            if obj is None:
                return None
            where = f"{obj.location} (NetworkPolicy {obj.name} allows it)"
        return where

    def namespace(self, ns: str) -> None:
        deny = self.ex.default_deny(ns)
        self.add(_policy("meshward-default-deny", ns, {}, ["Ingress", "Egress"], {}),
                 [f"Deny every connection to and from the pods of namespace {ns} by default."],
                 False, f"{deny.location} (NetworkPolicy {deny.name})" if deny else None)
        dns = [Port(53, "UDP"), Port(53, "TCP")]
        covered = self.covered("egress", Endpoint(ns, {}), Endpoint("kube-system",
                                                                    {"k8s-app": "kube-dns"}), dns)
        self.add(_policy("meshward-allow-dns", ns, {}, ["Egress"],
                         {"egress": [{"to": [KUBE_DNS], "ports": _ports(dns)}]}),
                 [f"Every pod of {ns} may resolve names with kube-dns (UDP and TCP 53)."],
                 False, covered)

    def pair(self, edge: Edge, src: Workload, dst: Workload, ports: list[Port]) -> None:
        inv = self.ctx.inventory
        src_labels = pod_selector(inv.services.get(edge.source), src)
        dst_labels = pod_selector(inv.services.get(edge.target), dst)
        pending = edge.confidence is not Confidence.HIGH
        why = [f"{edge.source} calls {edge.target} (confidence {edge.confidence.value}):",
               *("  " + t for t in evidence_text(edge))]
        if not ports:
            why.append("No port of the callee is known: every port is allowed; add `ports`.")
        s_ep, d_ep = Endpoint(src.namespace, src.pod_labels), Endpoint(dst.namespace, dst.pod_labels)
        self.add(_policy(dns_name("meshward", dst.name, "from", src.name, limit=253),
                         dst.namespace, dst_labels, ["Ingress"],
                         {"ingress": [_rule([_peer(src_labels, src.namespace, dst.namespace)],
                                            "from", ports)]}),
                 why, pending, self.covered("ingress", d_ep, s_ep, ports))
        self.add(_policy(dns_name("meshward", src.name, "to", dst.name, limit=253),
                         src.namespace, src_labels, ["Egress"],
                         {"egress": [_rule([_peer(dst_labels, dst.namespace, src.namespace)],
                                           "to", ports)]}),
                 why, pending, self.covered("egress", s_ep, d_ep, ports))

    def edge(self, edge: Edge) -> None:
        inv = self.ctx.inventory
        target = inv.services[edge.target]
        for dst in target.workloads:
            if edge.source == EXTERNAL:
                self.public(edge, dst)
                continue
            ports = pod_ports(target, dst, edge.ports or None)
            for src in inv.services[edge.source].workloads:
                self.pair(edge, src, dst, ports)

    def public(self, edge: Edge, dst: Workload) -> None:
        inv = self.ctx.inventory
        svc = inv.services[edge.target]
        labels = pod_selector(svc, dst)
        ctrls = [w for w in controllers(self.ctx) if w is not dst]
        gateways = gateway_selectors(self.ctx)
        found = entries(self.ctx, svc, dst, edge)
        if not found and dst.pod_spec.get("hostNetwork") is True:
            self.out.note(f"{dst.kind} {dst.namespace}/{dst.name} uses hostNetwork: "
                          "NetworkPolicies do not apply to it; move it off the host network.")
        for entry in found:
            ports = list(entry.ports)
            if entry.how == "routed" and (ctrls or gateways):
                peers = [_peer(pod_selector(inv.service_of(c), c), c.namespace, dst.namespace)
                         for c in ctrls]
                peers += [{"namespaceSelector": {}, "podSelector": {"matchLabels": g}}
                          for g in gateways]
                who = ", ".join([f"{c.namespace}/{c.name}" for c in ctrls]
                                + [f"gateway pods {_labels(g)}" for g in gateways])
                self.add(_policy(dns_name("meshward", dst.name, "from-ingress", limit=253),
                                 dst.namespace, labels, ["Ingress"],
                                 {"ingress": [_rule(peers, "from", ports)]}),
                         [f"Outside traffic reaches {edge.target} through {entry.reason}:",
                          f"  allowed from the ingress controller or gateway ({who})."],
                         False)
                for c in ctrls:
                    self.pair(Edge(inv.service_name_of(c) or c.name, edge.target, edge.evidence),
                              c, dst, ports)
                continue
            if entry.how == "routed":
                self.out.note(
                    f"No ingress controller or gateway is deployed by this tree: {edge.target} "
                    f"({entry.reason}) is allowed from everywhere on port(s) "
                    f"{_port_list(ports)} only. Narrow `from` to your controller's pods.")
            self.add(_policy(dns_name("meshward", dst.name, "from-anywhere", limit=253),
                             dst.namespace, labels, ["Ingress"],
                             {"ingress": [_rule(None, "from", ports)]}),
                     [f"Outside traffic reaches {edge.target} ({entry.reason}):",
                      f"  allowed from every address on port(s) {_port_list(ports)} only."],
                     False, self.covered("ingress", Endpoint(dst.namespace, dst.pod_labels),
                                         Endpoint("", None), ports))


def _labels(sel: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sel.items())


def _port_list(ports: list[Port]) -> str:
    return ", ".join(f"{p.port}/{p.protocol}" for p in ports) or "(all)"


def generate(ctx: ScanContext, existing: Existing | None = None) -> Generated:
    """NetworkPolicies for every Kubernetes namespace and edge of ``ctx``'s graph."""
    b = _Builder(ctx, existing or Existing(ctx.inventory))
    namespaces = sorted({w.namespace for s in ctx.inventory.services.values()
                         for w in s.workloads})
    for ns in namespaces:
        b.namespace(ns)
    for edge in k8s_edges(ctx):
        b.edge(edge)
    if namespaces:
        b.out.note("Default deny blocks egress outside the graph (external APIs, the "
                   "Kubernetes API server): add allows for those before applying.")
    return b.out
