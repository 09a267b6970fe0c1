"""Infer who calls whom, with evidence: env and ConfigMap values, compose links, routes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from meshward.findings.finding import Confidence
from meshward.model.graph import EXTERNAL, Evidence, ServiceGraph
from meshward.model.inventory import Exposure, Inventory
from meshward.model.kubernetes import EnvVar
from meshward.model.source import Location, as_map, as_seq

# scheme://[user[:pass]@]host[:port] or host[:port], inside any longer value
_ADDRESS = re.compile(
    r"(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*)://)?(?:[^\s@/,;'\"]+@)?"
    r"(?P<host>[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)*)"
    r"(?::(?P<port>\d{1,5}))?"
)
_ADDRESSY_NAME = re.compile(r"HOST|ADDR|URL|URI|SERVER|ENDPOINT|SERVICE|DSN|BROKER|UPSTREAM|TARGET|"
                            r"BACKEND|API|CONN|PEERS?|NODES?|CLUSTER", re.IGNORECASE)
CLUSTER_SUFFIX = ".svc.cluster.local"
_URL_PASSWORD = re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:@/]*:)[^\s@/]+(?P<at>@)")


def redact_url_passwords(text: str) -> str:
    """``postgres://app:s3cret@db`` -> ``postgres://app:***@db``: evidence never shows secrets."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('pre')}***{m.group('at')}", text)


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    scheme: str
    port: int | None


def addresses_in(value: str) -> Iterator[Address]:
    """Every host-like token of a value, with the scheme and port written next to it."""
    for m in _ADDRESS.finditer(value):
        host = m.group("host")
        if host.isdigit():
            continue
        port = m.group("port")
        yield Address(host.lower().rstrip("."), (m.group("scheme") or "").lower(),
                      int(port) if port and int(port) < 65536 else None)


class Resolver:
    """Maps a host name as written in a namespace (or compose file) to a logical service."""

    def __init__(self, inv: Inventory) -> None:
        self.k8s: dict[str, str] = {}  # fully qualified "name.ns" -> service
        self.compose: dict[tuple[str, str], str] = {}  # (compose file, host) -> service
        for svc in inv.services.values():
            for ks in svc.k8s_services:
                self.k8s[f"{ks.name}.{ks.namespace}"] = svc.name
            for cs in svc.compose_services:
                for host in {cs.name, cs.hostname} - {""}:
                    self.compose[(cs.path, host.lower())] = svc.name
                for alias_net in as_map(cs.body.get("networks")).values():
                    for alias in as_seq(as_map(alias_net).get("aliases")):
                        self.compose[(cs.path, str(alias).lower())] = svc.name

    def k8s_host(self, host: str, namespace: str) -> str | None:
        if host.endswith(CLUSTER_SUFFIX):
            host = host[: -len(CLUSTER_SUFFIX)]
        elif host.endswith(".svc"):
            host = host[:-4]
        parts = host.split(".")
        if len(parts) == 1:
            return self.k8s.get(f"{host}.{namespace}")
        if len(parts) == 2:
            return self.k8s.get(host)
        return None

    def compose_host(self, host: str, path: str) -> str | None:
        return self.compose.get((path, host))


def _edge_evidence(ev: EnvVar, addr: Address, kind: str, detail: str) -> Evidence:
    addressy = bool(addr.scheme or addr.port) or bool(_ADDRESSY_NAME.search(ev.name))
    conf = Confidence.HIGH if (addr.scheme or addr.port) else (
        Confidence.MEDIUM if addressy else Confidence.LOW)
    return Evidence(kind, ev.location, detail, conf, addr.scheme, addr.port, ev.name, ev.value or "")


def _value_edges(graph: ServiceGraph, source: str, ev: EnvVar, kind: str, resolve: object) -> None:
    if not ev.value:
        return
    for addr in addresses_in(ev.value):
        target = resolve(addr.host)  # type: ignore[operator]
        if not target or target == source:
            continue
        evidence = _edge_evidence(ev, addr, kind, f"{ev.name}={redact_url_passwords(ev.value)}")
        if evidence.confidence is Confidence.LOW:
            continue  # a bare word in a variable that is not an address: not evidence
        graph.add(source, target, evidence)


def _configmap_values(inv: Inventory) -> dict[tuple[str, str], list[EnvVar]]:
    out: dict[tuple[str, str], list[EnvVar]] = {}
    for cm in inv.by_kind("ConfigMap"):
        data = as_map(cm.body.get("data"))
        out[(cm.namespace, cm.name)] = [
            EnvVar(str(k), str(v), "configmap", Location(cm.location.path, data.line_of(str(k))))
            for k, v in data.items() if v is not None
        ]
    return out


def build_graph(inv: Inventory) -> ServiceGraph:
    graph = ServiceGraph(services=inv.services)
    resolver = Resolver(inv)
    configmaps = _configmap_values(inv)
    for svc in inv.services.values():
        for w in svc.workloads:
            ns = w.namespace

            def resolve(host: str, ns: str = ns) -> str | None:
                return resolver.k8s_host(host, ns)

            for c in w.containers:
                for ev in c.env:
                    if ev.source == "literal":
                        _value_edges(graph, svc.name, ev, "env", resolve)
                    elif ev.source == "configMapKeyRef":
                        for cm_ev in configmaps.get((ns, ev.ref_name), []):
                            if cm_ev.name == ev.ref_key:
                                named = EnvVar(ev.name, cm_ev.value, "configmap", cm_ev.location)
                                _value_edges(graph, svc.name, named, "configmap", resolve)
                for ref in as_seq(c.body.get("envFrom")):
                    cm_name = as_map(as_map(ref).get("configMapRef")).get("name")
                    for cm_ev in configmaps.get((ns, str(cm_name)), []):
                        _value_edges(graph, svc.name, cm_ev, "configmap", resolve)
        for cs in svc.compose_services:
            def resolve_c(host: str, path: str = cs.path) -> str | None:
                return resolver.compose_host(host, path)

            for ev in cs.environment:
                _value_edges(graph, svc.name, ev, "env", resolve_c)
            for key, names in (("depends_on", cs.depends_on), ("links", cs.links)):
                for dep in names:
                    target = resolver.compose_host(dep.lower(), cs.path)
                    if target and target != svc.name:
                        graph.add(svc.name, target, Evidence(key, cs.at(key), f"{key}: {dep}",
                                                             Confidence.MEDIUM))
    from meshward.model.cloud_edges import add_cloud_edges

    add_cloud_edges(inv, graph)
    _external_edges(inv, graph)
    _istio_edges(inv, graph, resolver)
    return graph


def _external_edges(inv: Inventory, graph: ServiceGraph) -> None:
    for svc in inv.services.values():
        for dep in svc.deployments:
            if dep.exposure in (Exposure.PUBLIC, Exposure.NODE):
                reason = "; ".join(dep.exposure_reasons) or dep.exposure.value
                graph.add(EXTERNAL, svc.name, Evidence("exposure", dep.location, reason,
                                                       Confidence.HIGH))


def _istio_edges(inv: Inventory, graph: ServiceGraph, resolver: Resolver) -> None:
    """VirtualServices bound to a gateway route outside traffic to their destinations."""
    for vs in inv.by_kind("VirtualService"):
        gateways = [str(g) for g in as_seq(vs.spec.get("gateways"))]
        if not gateways or gateways == ["mesh"]:
            continue
        for proto in ("http", "tcp", "tls"):
            for route in as_seq(vs.spec.get(proto)):
                for dest in as_seq(as_map(route).get("route")):
                    host = as_map(as_map(dest).get("destination")).get("host")
                    if not isinstance(host, str):
                        continue
                    target = resolver.k8s_host(host.lower(), vs.namespace)
                    if target:
                        loc = Location(vs.location.path, as_map(dest).line or vs.location.line)
                        graph.add(EXTERNAL, target, Evidence(
                            "gateway-route", loc,
                            f"VirtualService {vs.name} via {', '.join(gateways)} -> {host}",
                            Confidence.HIGH))
