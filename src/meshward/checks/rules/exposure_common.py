"""Every port reachable from outside the cluster or Docker host, with who can reach it.

Shared by the exposure rules. A port is exposed by: a Service of type NodePort or
LoadBalancer or with externalIPs; a container ``hostPort``; any declared container port
of a ``hostNetwork`` pod; a compose port published on a non-loopback address (an entry of
``ports:`` without a host port is still published, on a random host port); any port of a
compose service with ``network_mode: host``. Each exposed port is classified once:
datastore (MW206), admin/debug surface (MW207) or other (MW203/MW205), so one port is
never reported twice by these rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.checks.ports import admin_port, datastore_of_image, datastore_of_name, datastore_port
from meshward.findings.finding import ResourceRef
from meshward.model.compose import ComposePort, ComposeService
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location, as_map, as_seq

ALL_INTERFACES = ("", "0.0.0.0", "::", "[::]", "*")


@dataclass(frozen=True)
class Exposed:
    """One port reachable from outside, and what it is."""

    via: str  # service | hostPort | hostNetwork | compose | compose-host
    port: int | None  # the port the process listens on, when known
    name: str  # the port's name, when it has one
    outside: str  # how it is reached from outside: "node port 30080", "host port 5432"...
    who: str
    subject: str  # "Service default/db", "compose service db"...
    location: Location
    resource: ResourceRef
    service: str | None
    key: str
    datastore: str | None
    admin: str | None

    @property
    def category(self) -> str:
        if self.datastore:
            return "datastore"
        return "admin" if self.admin else "other"


def is_loopback(host_ip: str) -> bool:
    return host_ip.startswith("127.") or host_ip in ("::1", "[::1]", "localhost")


def workload_datastore(w: Workload) -> str | None:
    for c in w.containers:
        if c.role == "container":
            found = datastore_of_image(c.image)
            if found:
                return found
    return datastore_of_name(w.name)


def compose_datastore(cs: ComposeService, port: int | None = None) -> str | None:
    return (datastore_of_image(cs.image) if cs.image else None) or datastore_port(port) or (
        datastore_of_name(cs.name))


def _service_who(ks: K8sObject, kind: str, node_port: object) -> str:
    external = [str(ip) for ip in as_seq(ks.spec.get("externalIPs"))]
    if kind == "LoadBalancer":
        ranges = [str(r) for r in as_seq(ks.spec.get("loadBalancerSourceRanges"))]
        where = f"clients in {', '.join(ranges)}" if ranges else (
            "anyone who can reach the load balancer (often the internet)")
        return f"{where} and anyone who can reach a node's IP on its node port"
    if kind == "NodePort":
        port = f"port {node_port}" if node_port else "its allocated node port"
        return f"anyone who can reach any node's IP on {port}"
    return f"anyone routed to the external IPs {', '.join(external)}"


def _k8s_services(ctx: ScanContext) -> Iterator[Exposed]:
    inv = ctx.inventory
    for ks in inv.by_kind("Service"):
        kind = str(ks.spec.get("type") or "ClusterIP")
        has_external = bool(as_seq(ks.spec.get("externalIPs")))
        if kind not in ("LoadBalancer", "NodePort") and not has_external:
            continue
        selected = inv.selected_by(ks)
        stores = [d for d in (workload_datastore(w) for w in selected) if d]
        ports = as_seq(ks.spec.get("ports"))
        for i, raw in enumerate(ports):
            p = as_map(raw)
            number = p.get("port") if isinstance(p.get("port"), int) else None
            target = p.get("targetPort")
            name = str(p.get("name") or "")
            listen = target if isinstance(target, int) and not isinstance(target, bool) else None
            if isinstance(target, str):
                name = name or target
                listen = next((cp.port for w in selected for c in w.containers for cp in c.ports
                               if cp.name == target), None)
            listen = listen if listen is not None else number
            admin = admin_port(listen, name) or admin_port(number)
            datastore = (stores[0] if stores else None) or datastore_port(listen) or (
                datastore_port(number))
            how = kind if kind in ("LoadBalancer", "NodePort") else "ClusterIP with externalIPs"
            yield Exposed("service", listen, name, f"Service port {number}",
                          _service_who(ks, kind, p.get("nodePort")),
                          f"Service {ks.namespace}/{ks.name} ({how})",
                          Location(ks.location.path, p.line_of("port") or ports.line_at(i)
                                   or ks.line("spec", "ports")),
                          ks.ref, inv.service_name_of(ks), f"port/{number}", datastore, admin)


def _workload_ports(ctx: ScanContext) -> Iterator[Exposed]:
    for w in ctx.inventory.workloads:
        svc = ctx.inventory.service_name_of(w)
        host_network = w.pod_spec.get("hostNetwork") is True
        store = workload_datastore(w)
        for c in w.containers:
            items = as_seq(c.body.get("ports"))
            for i, raw in enumerate(items):
                item = as_map(raw)
                port = item.get("containerPort")
                if not isinstance(port, int) or isinstance(port, bool):
                    continue
                host_port = item.get("hostPort")
                has_host_port = isinstance(host_port, int) and not isinstance(host_port, bool)
                if is_loopback(str(item.get("hostIP") or "")) or not (
                        has_host_port or host_network):
                    continue
                outside = host_port if has_host_port else port
                line = (item.line_of("hostPort") if has_host_port else item.line_of("containerPort")
                        ) or items.line_at(i)
                name = str(item.get("name") or "")
                yield Exposed(
                    "hostPort" if has_host_port and not host_network else "hostNetwork", port,
                    name, f"node port {outside}",
                    f"anyone who can reach port {outside} on the nodes running it",
                    f"container {c.name} of {w.kind} {w.namespace}/{w.name}",
                    Location(c.path, line), w.ref, svc, f"{c.role}/{c.name}/{port}",
                    store or datastore_port(port), admin_port(port, name))


def _compose_ports(ctx: ScanContext) -> Iterator[Exposed]:
    for cs in ctx.inventory.compose_services:
        svc = ctx.inventory.service_name_of(cs)
        if cs.network_mode == "host":
            targets = sorted({p.target for p in cs.ports if p.target} | set(cs.expose))
            for port in targets:
                yield Exposed("compose-host", port, "", f"host port {port}",
                              f"anyone who can reach the Docker host on port {port}",
                              f"compose service {cs.name} (network_mode: host)",
                              cs.at("network_mode"), cs.ref, svc, f"{cs.name}/host/{port}",
                              compose_datastore(cs, port), admin_port(port))
            continue
        if cs.network_mode in ("none",) or cs.network_mode.startswith(("service:", "container:")):
            continue
        for p in cs.ports:
            if is_loopback(p.host_ip):
                continue
            yield _compose_port(cs, p, svc)


def _compose_port(cs: ComposeService, p: ComposePort, svc: str | None) -> Exposed:
    host = p.published or "a random host port"
    addr = "all host interfaces" if p.host_ip in ALL_INTERFACES else p.host_ip
    who = (f"anyone who can reach the Docker host on {('port ' + host) if p.published else host}"
           " (Docker's published ports bypass host firewalls such as ufw)"
           if p.host_ip in ALL_INTERFACES else f"anyone who can reach {p.host_ip}:{host}")
    return Exposed("compose", p.target, "", f"port {p.published or '(random)'}->{p.target} on "
                   f"{addr}", who, f"compose service {cs.name}", Location(cs.path, p.line),
                   cs.ref, svc, f"{cs.name}/{p.raw or p.target}", compose_datastore(cs, p.target),
                   admin_port(p.target))


def exposed_ports(ctx: ScanContext) -> list[Exposed]:
    return [*_k8s_services(ctx), *_workload_ports(ctx), *_compose_ports(ctx)]
