"""What the generators need to know about workloads: selectors, real ports, entry points."""

from __future__ import annotations

from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.model.graph import EXTERNAL, Edge
from meshward.model.inventory import Service
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.services import k8s_service_selects
from meshward.model.source import as_map, as_seq

# Labels that change per rollout or per pod: never part of a generated selector.
_VOLATILE = frozenset({"pod-template-hash", "controller-revision-hash",
                       "statefulset.kubernetes.io/pod-name", "pod-template-generation",
                       "apps.kubernetes.io/pod-index"})

# Pod labels of ingress controllers and gateways: (label key, values).
_CONTROLLER_LABELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("app.kubernetes.io/name", frozenset({"ingress-nginx", "traefik", "haproxy-ingress", "contour",
                                          "kong", "nginx-ingress", "istio-ingressgateway",
                                          "envoy-gateway", "emissary-ingress", "ambassador"})),
    ("app", frozenset({"ingress-nginx", "nginx-ingress", "traefik", "istio-ingressgateway",
                       "kong", "contour", "haproxy-ingress"})),
    ("istio", frozenset({"ingressgateway"})),
)


@dataclass(frozen=True)
class Port:
    port: int
    protocol: str = "TCP"
    name: str = ""


def service_selector(svc: Service, w: Workload) -> dict[str, str] | None:
    """The selector of the first Service (by name) that selects ``w``, when there is one."""
    for ks in sorted(svc.k8s_services, key=lambda o: (o.namespace, o.name)):
        if k8s_service_selects(ks, w):
            return {str(k): str(v) for k, v in as_map(ks.spec.get("selector")).items()}
    return None


def pod_selector(svc: Service | None, w: Workload) -> dict[str, str]:
    """Labels that select ``w``'s pods: its Service's selector, else its stable pod labels."""
    if svc is not None:
        chosen = service_selector(svc, w)
        if chosen:
            return dict(sorted(chosen.items()))
    return {k: v for k, v in sorted(w.pod_labels.items()) if k not in _VOLATILE}


def container_ports(w: Workload) -> list[Port]:
    seen: dict[tuple[int, str], Port] = {}
    for c in w.containers:
        if c.role != "container":
            continue
        for p in c.ports:
            proto = (p.protocol or "TCP").upper()
            seen.setdefault((p.port, proto), Port(p.port, proto, p.name))
    return [seen[k] for k in sorted(seen)]


def _resolve_target(value: object, default: int, w: Workload) -> int | None:
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.isdigit():
        return int(text)
    for p in container_ports(w):
        if p.name == text:
            return p.port
    return None


def selecting_services(svc: Service, w: Workload) -> list[K8sObject]:
    return sorted((ks for ks in svc.k8s_services if k8s_service_selects(ks, w)),
                  key=lambda o: o.name)


def pod_ports(svc: Service, w: Workload, service_ports: list[int] | None,
              only: list[K8sObject] | None = None) -> list[Port]:
    """The container ports of ``w`` behind ``service_ports`` (Service port -> targetPort).

    ``None`` means every port the Services (``only``, else all selecting ``w``) forward,
    falling back to every container port. A port no Service forwards is kept when the
    container listens on it (a caller that addresses pods directly).
    """
    found: dict[tuple[int, str], Port] = {}
    wanted = set(service_ports or [])
    for ks in only if only is not None else selecting_services(svc, w):
        for raw in as_seq(ks.spec.get("ports")):
            pm = as_map(raw)
            sport = pm.get("port")
            if not isinstance(sport, int) or (service_ports and sport not in wanted):
                continue
            target = _resolve_target(pm.get("targetPort"), sport, w)
            if target is None:
                continue
            proto = str(pm.get("protocol") or "TCP").upper()
            found.setdefault((target, proto), Port(target, proto))
            wanted.discard(sport)
    listening = {p.port: p for p in container_ports(w)}
    for sport in sorted(wanted):
        if sport in listening:
            p = listening[sport]
            found.setdefault((p.port, p.protocol), Port(p.port, p.protocol))
    if not found and not service_ports:
        for p in container_ports(w):
            found.setdefault((p.port, p.protocol), Port(p.port, p.protocol))
    return [found[k] for k in sorted(found)]


def is_controller(w: Workload) -> bool:
    labels = w.pod_labels
    return any(labels.get(k) in values for k, values in _CONTROLLER_LABELS)


def controllers(ctx: ScanContext) -> list[Workload]:
    """Ingress controllers and gateways deployed by the tree itself."""
    return sorted((w for w in ctx.inventory.workloads if is_controller(w)),
                  key=lambda w: (w.namespace, w.name))


def gateway_selectors(ctx: ScanContext) -> list[dict[str, str]]:
    """The pod selectors of Istio ``Gateway`` objects of the tree (their gateway pods)."""
    out: list[dict[str, str]] = []
    for gw in sorted(ctx.inventory.by_kind("Gateway"), key=lambda o: (o.namespace, o.name)):
        if not gw.api_version.startswith("networking.istio.io"):
            continue
        sel = {str(k): str(v) for k, v in as_map(gw.spec.get("selector")).items()}
        if sel and sel not in out:
            out.append(sel)
    return out


@dataclass(frozen=True)
class Entry:
    """How outside traffic reaches a workload.

    ``direct``: straight from outside (LoadBalancer, NodePort, externalIPs, hostPort), so
    every source address must be allowed; ``routed``: through an Ingress or a gateway route,
    so only the controller's or gateway's pods need to be.
    """

    how: str  # direct | routed
    ports: tuple[Port, ...]
    reason: str


def _ingress_backends(ctx: ScanContext, namespace: str) -> dict[str, tuple[list[int], str]]:
    out: dict[str, tuple[list[int], str]] = {}
    for ing in sorted(ctx.inventory.by_kind("Ingress"), key=lambda o: o.name):
        if ing.namespace != namespace:
            continue
        backends = [as_map(ing.spec.get("defaultBackend") or ing.spec.get("backend"))]
        for rule in as_seq(ing.spec.get("rules")):
            for path in as_seq(as_map(as_map(rule).get("http")).get("paths")):
                backends.append(as_map(as_map(path).get("backend")))
        for b in backends:
            svc_ref = as_map(b.get("service"))
            name = svc_ref.get("name") or b.get("serviceName")
            port = as_map(svc_ref.get("port")).get("number") or b.get("servicePort")
            if isinstance(name, str):
                ports, _ = out.setdefault(name, ([], f"Ingress {ing.name}"))
                if isinstance(port, int) and port not in ports:
                    ports.append(port)
    return out


def entries(ctx: ScanContext, svc: Service, w: Workload, edge: Edge) -> list[Entry]:
    """Every way the EXTERNAL ``edge`` reaches ``w``, with the pod ports it uses."""
    out: list[Entry] = []
    backends = _ingress_backends(ctx, w.namespace)
    for ks in selecting_services(svc, w):
        kind = str(ks.spec.get("type") or "ClusterIP")
        if kind in ("LoadBalancer", "NodePort") or as_seq(ks.spec.get("externalIPs")):
            what = "externalIPs" if kind == "ClusterIP" else kind
            out.append(Entry("direct", tuple(pod_ports(svc, w, None, only=[ks])),
                             f"Service {ks.name} ({what})"))
        if ks.name in backends:
            ports, reason = backends[ks.name]
            out.append(Entry("routed", tuple(pod_ports(svc, w, ports or None, only=[ks])),
                             f"{reason} -> Service {ks.name}"))
    host_ports = tuple(Port(p.port, (p.protocol or "TCP").upper()) for c in w.containers
                       for p in c.ports if p.host_port)
    if host_ports:
        out.append(Entry("direct", host_ports, "hostPort"))
    routes = [ev for ev in edge.evidence if ev.kind == "gateway-route"]
    if routes:
        out.append(Entry("routed", tuple(pod_ports(svc, w, None)),
                         routes[0].detail.split(" -> ")[0]))
    return out


def k8s_edges(ctx: ScanContext) -> list[Edge]:
    """Edges between services that have Kubernetes workloads, or from outside to one."""
    inv = ctx.inventory
    out = []
    for e in ctx.graph.sorted_edges():
        target = inv.services.get(e.target)
        if target is None or not target.workloads:
            continue
        if e.source != EXTERNAL:
            source = inv.services.get(e.source)
            if source is None or not source.workloads:
                continue
        out.append(e)
    return out


def evidence_text(e: Edge, limit: int = 2) -> list[str]:
    items = sorted(e.evidence, key=lambda ev: ev.location)
    lines = [f"{ev.location}: {ev.detail} ({ev.confidence.value})" for ev in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more")
    return lines
