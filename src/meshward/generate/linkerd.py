"""Linkerd policy resources from the service graph.

Per callee port: a ``Server`` (policy.linkerd.io/v1beta3) with ``accessPolicy: deny``, so
traffic no authorization names is refused. Per edge: a ``MeshTLSAuthentication``
(policy.linkerd.io/v1alpha1) naming the callers' ServiceAccounts and an
``AuthorizationPolicy`` (v1alpha1) binding it to the callee's Server. Entry points: the
ingress controller's identity when the tree deploys one, else a ``NetworkAuthentication``
for every address on the public port only.
"""

from __future__ import annotations

from typing import Any

from meshward.checks.context import ScanContext
from meshward.findings.finding import Confidence
from meshward.generate.existing import Existing
from meshward.generate.model import Generated, Manifest, dns_name
from meshward.generate.serves import Serves
from meshward.generate.workloads import (
    Port,
    controllers,
    entries,
    evidence_text,
    k8s_edges,
    pod_ports,
    pod_selector,
)
from meshward.model.graph import EXTERNAL, Edge
from meshward.model.kubernetes import Workload

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward policy", "Linkerd policies", ("AUTH-ZEROTRUST", "TLS-MTLS"))

GROUP = "policy.linkerd.io"
MANAGED = {"app.kubernetes.io/managed-by": "meshward"}


def _meta(name: str, namespace: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(MANAGED)}


def server_name(w: Workload, port: Port) -> str:
    suffix = "" if port.protocol == "TCP" else port.protocol.lower()
    return dns_name(w.name, str(port.port), suffix)


class _Builder:
    def __init__(self, ctx: ScanContext, ex: Existing) -> None:
        self.ctx, self.ex = ctx, ex
        self.out = Generated()

    def add(self, body: dict[str, Any], why: list[str], pending: bool = False) -> None:
        kind, meta = body["kind"], body["metadata"]
        file = f"linkerd/{meta['namespace']}/{kind.lower()}-{meta['name']}.yaml"
        self.out.place(Manifest(body, file, why, pending),
                       self.ex.same(kind, meta["namespace"], meta["name"]))

    def servers(self, dst: Workload, labels: dict[str, str], ports: list[Port]) -> list[str]:
        names = []
        for p in ports:
            name = server_name(dst, p)
            names.append(name)
            spec: dict[str, Any] = {"podSelector": {"matchLabels": labels}, "port": p.port,
                                    "accessPolicy": "deny"}
            if p.protocol != "TCP":
                spec["proxyProtocol"] = "opaque"
            self.add({"apiVersion": f"{GROUP}/v1beta3", "kind": "Server",
                      "metadata": _meta(name, dst.namespace), "spec": spec},
                     [f"Port {p.port}/{p.protocol} of {dst.name}: denied unless authorized."])
        return names

    def authorize(self, name: str, dst: Workload, servers: list[str],
                  auth: dict[str, Any], why: list[str], pending: bool) -> None:
        auth_kind = auth["kind"]
        self.add(auth, why, pending)
        for server in servers:
            self.add({"apiVersion": f"{GROUP}/v1alpha1", "kind": "AuthorizationPolicy",
                      "metadata": _meta(dns_name(server, name, limit=253), dst.namespace),
                      "spec": {"targetRef": {"group": GROUP, "kind": "Server", "name": server},
                               "requiredAuthenticationRefs": [
                                   {"group": GROUP, "kind": auth_kind,
                                    "name": auth["metadata"]["name"]}]}},
                     why, pending)

    def edge(self, edge: Edge) -> None:
        inv = self.ctx.inventory
        target = inv.services[edge.target]
        for dst in target.workloads:
            labels = pod_selector(target, dst)
            if edge.source == EXTERNAL:
                self.public(edge, dst, labels)
                continue
            servers = self.servers(dst, labels, pod_ports(target, dst, edge.ports or None))
            callers = inv.services[edge.source].workloads
            refs = sorted({(w.namespace, w.service_account) for w in callers})
            name = dns_name(dst.name, "from", edge.source, limit=253)
            why = [f"{edge.source} calls {edge.target} (confidence {edge.confidence.value}):",
                   *("  " + t for t in evidence_text(edge))]
            auth = {"apiVersion": f"{GROUP}/v1alpha1", "kind": "MeshTLSAuthentication",
                    "metadata": _meta(name, dst.namespace),
                    "spec": {"identityRefs": [{"kind": "ServiceAccount", "name": sa,
                                               "namespace": ns} for ns, sa in refs]}}
            self.authorize("from-" + edge.source, dst, servers, auth, why,
                           edge.confidence is not Confidence.HIGH)

    def public(self, edge: Edge, dst: Workload, labels: dict[str, str]) -> None:
        svc = self.ctx.inventory.services[edge.target]
        ctrls = [w for w in controllers(self.ctx) if w is not dst]
        for entry in entries(self.ctx, svc, dst, edge):
            servers = self.servers(dst, labels, list(entry.ports))
            if entry.how == "routed" and ctrls:
                name = dns_name(dst.name, "from-ingress", limit=253)
                auth = {"apiVersion": f"{GROUP}/v1alpha1", "kind": "MeshTLSAuthentication",
                        "metadata": _meta(name, dst.namespace),
                        "spec": {"identityRefs": [
                            {"kind": "ServiceAccount", "name": w.service_account,
                             "namespace": w.namespace} for w in ctrls]}}
                why = [f"Outside traffic reaches {edge.target} through {entry.reason}: "
                       "allowed from the (meshed) ingress controller's identity."]
                self.authorize("from-ingress", dst, servers, auth, why, False)
                continue
            name = dns_name(dst.name, "from-anywhere", limit=253)
            auth = {"apiVersion": f"{GROUP}/v1alpha1", "kind": "NetworkAuthentication",
                    "metadata": _meta(name, dst.namespace),
                    "spec": {"networks": [{"cidr": "0.0.0.0/0"}, {"cidr": "::/0"}]}}
            why = [f"Outside traffic reaches {edge.target} ({entry.reason}) from outside the "
                   "mesh: every address is allowed on the public port(s) only."]
            if entry.how == "routed":
                self.out.note(f"No ingress controller is deployed by this tree: {edge.target} "
                              "accepts unauthenticated traffic on its public port(s); "
                              "authorize your controller's identity instead.")
            self.authorize("from-anywhere", dst, servers, auth, why, False)


def generate(ctx: ScanContext, existing: Existing | None = None) -> Generated:
    b = _Builder(ctx, existing or Existing(ctx.inventory))
    for edge in k8s_edges(ctx):
        b.edge(edge)
    if b.out.manifests:
        b.out.note("Linkerd enforces these only on meshed pods: inject the proxy "
                   "(linkerd.io/inject: enabled) into every namespace listed.")
    return b.out
