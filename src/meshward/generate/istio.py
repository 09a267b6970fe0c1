"""Istio security policies from the service graph.

- ``PeerAuthentication`` ``default`` in ``istio-system``: mesh-wide STRICT mTLS;
- per namespace holding workloads, ``AuthorizationPolicy`` ``allow-nothing`` (empty spec:
  deny by default);
- per edge, an ALLOW ``AuthorizationPolicy`` on the callee admitting the caller's
  service-account principal (``cluster.local/ns/NS/sa/SA``) on the callee's real ports;
- per entry point: from the ingress gateway's principal (routed traffic) or from any
  source on the public ports (a LoadBalancer sends plaintext from outside the mesh); with
  an issuer and a JWKS URI, a ``RequestAuthentication`` and a rule that also requires a
  request principal from that issuer (on the services, not on the ingress controller).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    is_controller,
    k8s_edges,
    pod_ports,
    pod_selector,
)
from meshward.model.graph import EXTERNAL, Edge
from meshward.model.kubernetes import Workload

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward policy", "Istio policies", ("AUTH-ZEROTRUST", "TLS-MTLS"))

SECURITY = "security.istio.io/v1"
MANAGED = {"app.kubernetes.io/managed-by": "meshward"}
DEFAULT_GATEWAY = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"


@dataclass(frozen=True)
class Jwt:
    issuer: str
    jwks_uri: str


def principal(w: Workload) -> str:
    return f"cluster.local/ns/{w.namespace}/sa/{w.service_account}"


def _meta(name: str, namespace: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(MANAGED)}


def _allow(name: str, ns: str, labels: dict[str, str], sources: list[dict[str, Any]] | None,
           ports: list[Port]) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    if sources is not None:
        rule["from"] = [{"source": s} for s in sources]
    if ports:
        rule["to"] = [{"operation": {"ports": [str(p.port) for p in ports]}}]
    return {"apiVersion": SECURITY, "kind": "AuthorizationPolicy", "metadata": _meta(name, ns),
            "spec": {"selector": {"matchLabels": labels}, "action": "ALLOW", "rules": [rule]}}


class _Builder:
    def __init__(self, ctx: ScanContext, ex: Existing, jwt: Jwt | None) -> None:
        self.ctx, self.ex, self.jwt = ctx, ex, jwt
        self.out = Generated()

    def add(self, body: dict[str, Any], why: list[str], pending: bool = False,
            covered: str | None = None) -> None:
        kind, meta = body["kind"], body["metadata"]
        file = f"istio/{meta['namespace']}/{kind.lower()}-{meta['name']}.yaml"
        self.out.place(Manifest(body, file, why, pending),
                       self.ex.same(kind, meta["namespace"], meta["name"]), covered)

    def mesh(self, namespaces: list[str]) -> None:
        strict = next((o for o in self.ex.peer_auths if o.namespace == "istio-system"
                       and not o.spec.get("selector")
                       and str((o.spec.get("mtls") or {}).get("mode", "")) == "STRICT"), None)
        self.add({"apiVersion": SECURITY, "kind": "PeerAuthentication",
                  "metadata": _meta("default", "istio-system"),
                  "spec": {"mtls": {"mode": "STRICT"}}},
                 ["Mesh-wide mutual TLS: sidecars accept only mTLS connections."],
                 covered=f"{strict.location} (PeerAuthentication {strict.name})" if strict else None)
        for ns in namespaces:
            deny = next((o for o in self.ex.authz if o.namespace == ns and not o.spec), None)
            self.add({"apiVersion": SECURITY, "kind": "AuthorizationPolicy",
                      "metadata": _meta("allow-nothing", ns), "spec": {}},
                     [f"Deny every request to the workloads of {ns} unless an ALLOW matches."],
                     covered=f"{deny.location} (AuthorizationPolicy {deny.name})" if deny else None)

    def edge(self, edge: Edge) -> None:
        inv = self.ctx.inventory
        target = inv.services[edge.target]
        for dst in target.workloads:
            labels = pod_selector(target, dst)
            if edge.source == EXTERNAL:
                self.public(edge, dst, labels)
                continue
            ports = pod_ports(target, dst, edge.ports or None)
            callers = inv.services[edge.source].workloads
            principals = sorted({principal(w) for w in callers})
            why = [f"{edge.source} calls {edge.target} (confidence {edge.confidence.value}):",
                   *("  " + t for t in evidence_text(edge))]
            self.add(_allow(dns_name(dst.name, "from", edge.source, limit=253), dst.namespace,
                            labels, [{"principals": principals}], ports),
                     why, edge.confidence is not Confidence.HIGH)

    def public(self, edge: Edge, dst: Workload, labels: dict[str, str]) -> None:
        svc = self.ctx.inventory.services[edge.target]
        for entry in entries(self.ctx, svc, dst, edge):
            ports = list(entry.ports)
            if entry.how == "routed":
                gws = [principal(w) for w in controllers(self.ctx) if w is not dst]
                source: dict[str, Any] = {"principals": sorted(set(gws)) or [DEFAULT_GATEWAY]}
                why = [f"Outside traffic reaches {edge.target} through {entry.reason}: "
                       "allowed from the ingress gateway's identity."]
                if not gws:
                    why.append(f"No gateway is deployed by this tree: assumed {DEFAULT_GATEWAY}.")
                if self.jwt is not None:
                    source["requestPrincipals"] = [f"{self.jwt.issuer}/*"]
                    why.append(f"Requests must also carry a JWT from {self.jwt.issuer}.")
                    self.request_auth(dst, labels)
                self.add(_allow(dns_name(dst.name, "from-gateway", limit=253), dst.namespace,
                                labels, [source], ports), why)
            else:
                sources = None
                why = [f"Outside traffic reaches {edge.target} directly ({entry.reason}): it "
                       "comes from outside the mesh, so no peer identity can be required;",
                       "  allowed from any source on the public port(s) only."]
                if self.jwt is not None and not is_controller(dst):
                    sources = [{"requestPrincipals": [f"{self.jwt.issuer}/*"]}]
                    why[-1] = "  allowed on the public port(s) with a JWT from " + self.jwt.issuer
                    self.request_auth(dst, labels)
                self.add(_allow(dns_name(dst.name, "from-anywhere", limit=253), dst.namespace,
                                labels, sources, ports), why)

    def request_auth(self, dst: Workload, labels: dict[str, str]) -> None:
        assert self.jwt is not None
        self.add({"apiVersion": SECURITY, "kind": "RequestAuthentication",
                  "metadata": _meta(dns_name(dst.name, "jwt", limit=253), dst.namespace),
                  "spec": {"selector": {"matchLabels": labels},
                           "jwtRules": [{"issuer": self.jwt.issuer,
                                         "jwksUri": self.jwt.jwks_uri}]}},
                 [f"Validate JWTs from {self.jwt.issuer} on requests to {dst.name}."])


def generate(ctx: ScanContext, jwt: Jwt | None = None,
             existing: Existing | None = None) -> Generated:
    b = _Builder(ctx, existing or Existing(ctx.inventory), jwt)
    namespaces = sorted({w.namespace for s in ctx.inventory.services.values()
                         for w in s.workloads})
    if namespaces:
        b.mesh(namespaces)
    for edge in k8s_edges(ctx):
        b.edge(edge)
    return b.out
