"""Linkerd semantics: injection, proxy port annotations, default inbound policy, Servers.

- ``linkerd.io/inject`` (enabled | ingress | disabled) on the pod template wins over the
  namespace's; ``config.linkerd.io/*`` annotations on a namespace apply to its pods unless
  the pod sets its own.
- ``config.linkerd.io/default-inbound-policy`` (pod > namespace > the install-time
  ``proxy.defaultInboundPolicy``, ``all-unauthenticated`` unless changed) decides ports no
  Server selects. A port a Server selects denies what no authorization admits, unless the
  Server's ``accessPolicy`` says otherwise.
- skip ports bypass the proxy (no mTLS, no policy); opaque ports keep mTLS but skip
  protocol detection (no HTTP routes or per-route policy).
"""

from __future__ import annotations

from dataclasses import dataclass

from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location, as_map, as_seq
from meshward.zerotrust.selectors import parse_selector

INJECT = "linkerd.io/inject"
DEFAULT_POLICY = "config.linkerd.io/default-inbound-policy"
SKIP_IN = "config.linkerd.io/skip-inbound-ports"
SKIP_OUT = "config.linkerd.io/skip-outbound-ports"
OPAQUE = "config.linkerd.io/opaque-ports"
UNAUTHENTICATED = frozenset({"all-unauthenticated", "cluster-unauthenticated", "audit"})
CLUSTER_DEFAULT = "all-unauthenticated"


def is_linkerd(obj: K8sObject) -> bool:
    return obj.group.endswith("linkerd.io")


def _namespace(inv: Inventory, name: str) -> K8sObject | None:
    return next((o for o in inv.by_kind("Namespace") if o.name == name), None)


def in_use(inv: Inventory) -> bool:
    if any(is_linkerd(o) for o in inv.objects):
        return True
    if any(o.annotations.get(INJECT) in ("enabled", "ingress") for o in inv.by_kind("Namespace")):
        return True
    return any(w.pod_annotations.get(INJECT) in ("enabled", "ingress") for w in inv.workloads)


@dataclass(frozen=True)
class Setting:
    """An annotation's effective value for a workload and where it was written."""

    value: str
    location: Location
    on: str  # "pod" | "namespace"


def setting(inv: Inventory, w: Workload, key: str) -> Setting | None:
    value = w.pod_annotations.get(key)
    if value is not None:
        path = (*w.pod_spec_path[:-1], "metadata", "annotations", key)
        return Setting(value.strip(), w.obj.at(*path), "pod")
    ns = _namespace(inv, w.namespace)
    if ns is not None and key in ns.annotations:
        return Setting(ns.annotations[key].strip(), ns.at("metadata", "annotations", key), "namespace")
    return None


def meshed(inv: Inventory, w: Workload) -> bool:
    s = setting(inv, w, INJECT)
    return s is not None and s.value in ("enabled", "ingress")


def servers_for(inv: Inventory, w: Workload) -> list[K8sObject]:
    out = []
    for srv in inv.by_kind("Server"):
        if not is_linkerd(srv) or srv.namespace != w.namespace:
            continue
        sel = srv.spec.get("podSelector")
        if sel is not None and parse_selector(sel).matches(w.pod_labels):
            out.append(srv)
    return out


def server_ports(srv: K8sObject, w: Workload) -> set[int]:
    port = srv.spec.get("port")
    if isinstance(port, int) and not isinstance(port, bool):
        return {port}
    return {p.port for c in w.containers for p in c.ports if p.name == str(port)}


def authorizations(inv: Inventory, srv: K8sObject) -> list[K8sObject]:
    """ServerAuthorizations and AuthorizationPolicies that admit traffic to ``srv``."""
    out = []
    for sa in inv.by_kind("ServerAuthorization"):
        if not is_linkerd(sa) or sa.namespace != srv.namespace:
            continue
        server = as_map(sa.spec.get("server"))
        if server.get("name") == srv.name or (
                server.get("selector") is not None and parse_selector(server.get("selector")).matches(srv.labels)):
            out.append(sa)
    for ap in inv.by_kind("AuthorizationPolicy"):
        if not is_linkerd(ap) or ap.namespace != srv.namespace:
            continue
        ref = as_map(ap.spec.get("targetRef"))
        kind = str(ref.get("kind") or "")
        if (kind == "Server" and ref.get("name") == srv.name) or kind == "Namespace":
            out.append(ap)
    for route in inv.by_kind("HTTPRoute", "GRPCRoute"):
        if route.namespace != srv.namespace:
            continue
        for parent in as_seq(route.spec.get("parentRefs")):
            pm = as_map(parent)
            if pm.get("kind") == "Server" and pm.get("name") == srv.name:
                out.append(route)  # route-level policies decide; do not claim "no authorization"
    return out


def parse_ports(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
