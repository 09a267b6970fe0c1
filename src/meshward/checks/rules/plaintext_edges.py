"""MW402, MW403: services that talk in plaintext: one finding per edge of the service graph,
and plain-HTTP URLs to hosts outside the fleet."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.edges import Resolver
from meshward.model.graph import EXTERNAL, Edge, Evidence
from meshward.model.kubernetes import EnvVar, Workload
from meshward.model.source import as_map
from meshward.zerotrust import istio, linkerd

# Schemes that never encrypt; TLS variants are https, wss, rediss, amqps, nats+tls, mqtts...
PLAIN_SCHEMES = {"http": "HTTP", "ws": "WebSocket", "redis": "Redis", "amqp": "AMQP",
                 "nats": "NATS", "mqtt": "MQTT", "ftp": "FTP", "telnet": "Telnet",
                 "memcached": "memcached", "ldap": "LDAP", "stomp": "STOMP"}
# Well-known ports whose protocol is plaintext unless the client is told otherwise.
PLAIN_PORTS = {6379: "Redis", 5672: "AMQP", 4222: "NATS", 1883: "MQTT", 11211: "memcached",
               27017: "MongoDB", 80: "HTTP"}
_USERINFO = re.compile(r"(://[^:/@\s]+:)[^@/\s]+@")
_TLS_ON = re.compile(r"[?&;](?:tls|ssl)=true\b", re.IGNORECASE)


def redact_url(value: str) -> str:
    return _USERINFO.sub(lambda m: m.group(1) + "…@", value)


def has_password(value: str) -> bool:
    return bool(_USERINFO.search(value))


def plaintext_protocol(ev: Evidence) -> tuple[str, bool] | None:
    """(protocol, from scheme) when the evidence shows a plaintext connection."""
    value = ev.value.lower()
    scheme = ev.scheme
    if scheme in PLAIN_SCHEMES:
        return PLAIN_SCHEMES[scheme], True
    if scheme == "mongodb":
        return None if _TLS_ON.search(value) else ("MongoDB", True)
    if scheme in ("postgres", "postgresql"):
        return ("PostgreSQL (sslmode=disable)", True) if re.search(
            r"sslmode=(?:disable|allow)\b", value) else None
    if scheme in ("mysql", "mariadb"):
        return ("MySQL (SSL off)", True) if re.search(
            r"usessl=false|sslmode=disabled", value) else None
    if not scheme and ev.port in PLAIN_PORTS and not _TLS_ON.search(value):
        return PLAIN_PORTS[ev.port], False
    return None


@dataclass(frozen=True)
class MeshCover:
    covered: bool
    how: str


def _k8s_meshes(ctx: ScanContext, ws: list[Workload]) -> tuple[bool, str]:
    inv = ctx.inventory
    if not ws:
        return False, ""
    if all(linkerd.meshed(inv, w) for w in ws):
        return True, "Linkerd"
    if istio.in_use(inv) and all(istio.injection(inv, w).injected is True for w in ws):
        return True, "Istio"
    return False, ""


def mesh_cover(ctx: ScanContext, edge: Edge) -> MeshCover:
    """Does a mesh encrypt this edge between sidecars? (Istio: STRICT at the callee.)"""
    src = ctx.inventory.services.get(edge.source)
    dst = ctx.inventory.services.get(edge.target)
    if src is None or dst is None:
        return MeshCover(False, "")
    ok_src, mesh_src = _k8s_meshes(ctx, src.workloads)
    ok_dst, mesh_dst = _k8s_meshes(ctx, dst.workloads)
    if not (ok_src and ok_dst and mesh_src == mesh_dst):
        return MeshCover(False, "")
    if mesh_src == "Istio":
        if not all(istio.effective_mtls(ctx.inventory, w).mode == "STRICT" for w in dst.workloads):
            return MeshCover(False, "")
        return MeshCover(True, "Istio mTLS (STRICT)")
    return MeshCover(True, "Linkerd automatic mTLS")


@rule(
    id="MW402",
    title="Service calls another service in plaintext",
    severity=Severity.MEDIUM,
    practices=("TLS-PLAINTEXT",),
    targets=("graph", "kubernetes", "compose"),
    cwe="CWE-319",
    rationale=(
        "A call written as `http://`, `redis://`, `amqp://`, `mongodb://` without TLS, "
        "`sslmode=disable`, or `host:6379` with no TLS settings crosses the network readable "
        "and modifiable by anything that can see the traffic (a compromised pod, a node, the "
        "cloud network). Reported once per edge of the service graph, with every variable "
        "that shows it. When a service mesh with enforced mTLS covers both ends, the wire is "
        "encrypted and the finding is informational."
    ),
    remediation=(
        "Use the TLS form (`https://`, `rediss://`, `amqps://`, `mongodb://...?tls=true`, "
        "`sslmode=verify-full`) with certificates from the fleet's CA, or enforce mesh mTLS "
        "(Istio PeerAuthentication STRICT, Linkerd injection) on both services."
    ),
    references=("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",
                "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"),
    example_fail="env:\n- name: REDIS_ADDR\n  value: redis-cart:6379",
    example_pass="env:\n- name: REDIS_URL\n  value: rediss://redis-cart:6380",
)
def plaintext_edge(ctx: ScanContext) -> Iterator[Hit]:
    compose_paths = {cf.path for cf in ctx.inventory.compose_files}
    for edge in ctx.graph.sorted_edges():
        if EXTERNAL in (edge.source, edge.target):
            continue
        found = [(ev, p) for ev in edge.evidence if ev.kind in ("env", "configmap")
                 for p in [plaintext_protocol(ev)] if p is not None]
        if not found:
            continue
        found.sort(key=lambda item: item[0].location)
        first = found[0][0]
        protocols = sorted({p for _, (p, _) in found})
        variables = sorted({ev.variable for ev, _ in found if ev.variable})
        places = len({ev.location for ev, _ in found})
        cover = mesh_cover(ctx, edge)
        covered = cover.covered and not any(ev.location.path in compose_paths for ev, _ in found)
        secret = any(has_password(ev.value) for ev, _ in found)
        msg = (f"{edge.source} calls {edge.target} over plaintext {' and '.join(protocols)} "
               f"({', '.join(variables)}")
        msg += f", {places} places)" if places > 1 else ")"
        if secret:
            msg += "; the URL carries a password, sent in the clear"
        if covered:
            msg += f"; {cover.how} encrypts it between the sidecars"
        elif all(not b for _, (_, b) in found):
            msg += "; no TLS setting is visible for this address"
        severity = (Severity.INFO if covered else Severity.HIGH if secret else None)
        confidence = Confidence.HIGH if any(b for _, (_, b) in found) else Confidence.MEDIUM
        yield Hit(msg, first.location, ResourceRef("ServiceEdge", f"{edge.source} -> {edge.target}"),
                  edge.source, redact_url(f"{first.variable}={first.value}"),
                  key=f"{edge.source}->{edge.target}", severity=severity, confidence=confidence)


_INTERNAL_SUFFIXES = (".svc", ".cluster.local", ".local", ".internal", ".localhost", ".lan",
                      ".home.arpa", ".consul", ".test", ".example", ".invalid")
_HTTP_URL = re.compile(r"\b(?P<scheme>https?|wss?)://(?:[^\s@/]+@)?(?P<host>[A-Za-z0-9.\-]+)", re.IGNORECASE)


def external_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if "." not in host or host.endswith(_INTERNAL_SUFFIXES) or host in ("localhost",):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return not host.replace(".", "").isdigit()
    return ip.is_global


def _configmap_value(ctx: ScanContext, ns: str, ev: EnvVar) -> str | None:
    for cm in ctx.inventory.by_kind("ConfigMap"):
        if cm.namespace == ns and cm.name == ev.ref_name:
            value = as_map(cm.body.get("data")).get(ev.ref_key)
            return None if value is None else str(value)
    return None


@rule(
    id="MW403",
    title="Plain-HTTP URL to a host outside the fleet",
    severity=Severity.LOW,
    practices=("TLS-PLAINTEXT",),
    targets=("kubernetes", "compose"),
    cwe="CWE-319",
    rationale=(
        "An `http://` or `ws://` URL to a host outside the cluster travels over networks the "
        "fleet does not control: anyone on the path can read or change requests and answers "
        "(tokens, webhooks, downloaded data)."
    ),
    remediation="Use `https://` (or `wss://`) and verify the server certificate.",
    references=("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",),
    example_fail="env:\n- name: PAYMENT_API\n  value: http://api.payments.example.com/v1",
    example_pass="env:\n- name: PAYMENT_API\n  value: https://api.payments.example.com/v1",
)
def external_http(ctx: ScanContext) -> Iterator[Hit]:
    resolver = Resolver(ctx.inventory)
    for w, c, svc in containers(ctx):
        for ev in c.env:
            value = ev.value if ev.source == "literal" else (
                _configmap_value(ctx, w.namespace, ev) if ev.source == "configMapKeyRef" else None)
            for scheme, host in _urls(value):
                if resolver.k8s_host(host, w.namespace) is None:
                    yield Hit(f"{container_label(w, c)}: {ev.name} calls {host} over plain "
                              f"{scheme.upper()}", ev.location, w.ref, svc,
                              redact_url(f"{ev.name}={value}"),
                              key=f"{c.role}/{c.name}/{ev.name}/{host}")
    for cs, svc in compose_services(ctx):
        for ev in cs.environment:
            for scheme, host in _urls(ev.value):
                if resolver.compose_host(host, cs.path) is None:
                    yield Hit(f"compose service {cs.name}: {ev.name} calls {host} over plain "
                              f"{scheme.upper()}", ev.location, cs.ref, svc,
                              redact_url(f"{ev.name}={ev.value}"), key=f"{cs.name}/{ev.name}/{host}")


def _urls(value: str | None) -> Iterator[tuple[str, str]]:
    if not value:
        return
    for m in _HTTP_URL.finditer(value):
        scheme, host = m.group("scheme").lower(), m.group("host").lower().rstrip(".")
        if scheme in ("http", "ws") and external_host(host):
            yield scheme, host

