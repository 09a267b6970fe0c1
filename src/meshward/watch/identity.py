"""Map what logs name (pod IPs and names, service accounts, SPIFFE ids, Host headers)
onto the services of the graph. What cannot be mapped is counted, never dropped.

Sources of addresses: Pods with ``status.podIP`` (a ``kubectl get pods -o yaml`` dump
among the scanned files), Endpoints and EndpointSlices naming their pods, Services with a
``clusterIP``, and every DNS name a service answers to. An address outside the private
ranges is the outside world, ``(external)``.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field

from meshward.model.graph import EXTERNAL
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject
from meshward.model.source import as_map, as_seq

_POD_SUFFIX = (
    re.compile(r"^(?P<w>.+)-[0-9a-f]{6,10}-[0-9a-z]{5}$"),  # Deployment: name-rshash-xxxxx
    re.compile(r"^(?P<w>.+)-\d+-[0-9a-z]{5}$"),  # CronJob: name-timestamp-xxxxx
    re.compile(r"^(?P<w>.+)-[0-9a-z]{5}$"),  # DaemonSet, Job, ReplicaSet: name-xxxxx
    re.compile(r"^(?P<w>.+)-\d+$"),  # StatefulSet: name-0
)
_SPIFFE = re.compile(r"^spiffe://[^/]+/ns/(?P<ns>[^/]+)/sa/(?P<sa>[^/]+)$")
_LINKERD = re.compile(r"^(?P<sa>[^.]+)\.(?P<ns>[^.]+)\.serviceaccount\.identity\.")
UNMAPPED_KEEP = 10_000  # distinct unmapped names remembered (the count goes on past it)


@dataclass(frozen=True, slots=True)
class Party:
    """One side of a call: the service (``None`` when unknown) and what the log said."""

    service: str | None
    identity: str = ""  # service account, SPIFFE id, user
    address: str = ""  # ip[:port] or host


@dataclass
class IdentityMap:
    services: set[str]
    by_ip: dict[str, str] = field(default_factory=dict)
    by_host: dict[str, str] = field(default_factory=dict)
    by_pod: dict[tuple[str, str], str] = field(default_factory=dict)  # (ns, workload) -> service
    by_sa: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (ns, sa) -> services
    by_upstream: dict[str, str] = field(default_factory=dict)  # ingress-nginx ns-svc
    unmapped: Counter[str] = field(default_factory=Counter)
    unmapped_total: int = 0
    _cache: dict[str, str | None] = field(default_factory=dict)

    # -- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, inv: Inventory) -> IdentityMap:
        m = cls(services=set(inv.services))
        pods = []
        for name, svc in inv.services.items():
            m.by_host.setdefault(name.lower(), name)
            for dns in svc.dns_names:
                m.by_host.setdefault(dns.lower(), name)
            for w in svc.workloads:
                if w.kind == "Pod":
                    pods.append((w, name))
                    continue
                m.by_pod.setdefault((w.namespace, w.name), name)
                m.by_sa.setdefault((w.namespace, w.service_account), []).append(name)
            for ks in svc.k8s_services:  # ingress-nginx upstreams and ClusterIPs, pods dump or not
                m.by_upstream.setdefault(f"{ks.namespace}-{ks.name}", name)
                ip = ks.spec.get("clusterIP")
                if isinstance(ip, str) and ip not in ("", "None"):
                    m.by_ip.setdefault(ip, name)
        for cf in inv.compose_files:
            for cs in cf.services:
                compose_name = inv.service_name_of(cs)
                if compose_name:
                    m.by_pod.setdefault(("", cs.name), compose_name)  # docker's compose label
        # Pods of a `kubectl get pods` dump belong to the workload that made them (by name),
        # and a bare Pod is a service of its own.
        for w, name in pods:
            owner = m.pod_service(w.namespace, w.name) or name
            m.by_pod.setdefault((w.namespace, w.name), owner)
            m.by_sa.setdefault((w.namespace, w.service_account), []).append(owner)
            m._pod_ips(w.obj, owner)
        for obj in inv.by_kind("Endpoints", "EndpointSlice"):
            m._endpoints(obj)
        return m

    def _pod_ips(self, pod: K8sObject, service: str) -> None:
        status = as_map(pod.body.get("status"))
        ip = status.get("podIP")
        if isinstance(ip, str) and ip:
            self.by_ip.setdefault(ip, service)
        for item in as_seq(status.get("podIPs")):
            other = as_map(item).get("ip")
            if isinstance(other, str) and other:
                self.by_ip.setdefault(other, service)

    def _endpoints(self, obj: K8sObject) -> None:
        groups = as_seq(obj.body.get("subsets")) if obj.kind == "Endpoints" else [obj.body]
        for group in groups:
            for addr in as_seq(as_map(group).get("addresses") or as_map(group).get("endpoints")):
                a = as_map(addr)
                ref = as_map(a.get("targetRef"))
                pod = ref.get("name")
                service = self.pod_service(obj.namespace, pod) if isinstance(pod, str) else None
                if service is None:
                    continue
                ips = [a.get("ip"), *as_seq(a.get("addresses"))]
                for ip in ips:
                    if isinstance(ip, str) and ip:
                        self.by_ip.setdefault(ip, service)

    # -- lookups --------------------------------------------------------------------------

    def pod_service(self, namespace: str, pod: str) -> str | None:
        """The service of a pod, from its name (``web-7d9f8c6b5d-x2x9q`` -> workload ``web``)."""
        found = self.by_pod.get((namespace, pod))
        if found:
            return found
        for pattern in _POD_SUFFIX:
            m = pattern.match(pod)
            if m:
                w = m.group("w")
                found = self.by_pod.get((namespace, w))
                if found:
                    return found
                # a ReplicaSet name still carries its hash: name-rshash
                parent = w.rsplit("-", 1)[0]
                found = self.by_pod.get((namespace, parent))
                if found:
                    return found
        return None

    def account_services(self, namespace: str, account: str) -> list[str]:
        return sorted(set(self.by_sa.get((namespace, account), ())))

    def identity_services(self, identity: str) -> tuple[list[str], str]:
        """Services running as a service account, a SPIFFE id or a Linkerd identity."""
        ns, sa = parse_identity(identity)
        if not sa:
            return [], ""
        return self.account_services(ns, sa), f"{ns}/{sa}"

    def host(self, host: str) -> str | None:
        """The service a Host header, authority, DNS name or address names."""
        if not host:
            return None
        cached = self._cache.get(host, "")
        if cached != "":
            return cached
        found = self._host(host)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[host] = found
        return found

    def _host(self, host: str) -> str | None:
        name = host.lower()
        if name.startswith("[") and "]" in name:  # [v6]:port
            name = name[1:name.index("]")]
        elif name.count(":") == 1:
            name = name.split(":", 1)[0]
        found = self.by_ip.get(name) or self.by_host.get(name)
        if found:
            return found
        upstream = self.upstream(host)
        if upstream:
            return upstream
        return EXTERNAL if is_public(name) else None

    def upstream(self, name: str) -> str | None:
        """An ingress-nginx upstream ``NAMESPACE-SERVICE-PORT``."""
        head = name
        while "-" in head:
            head = head.rsplit("-", 1)[0]
            found = self.by_upstream.get(head)
            if found:
                return found
        return None

    def count_unmapped(self, what: str) -> None:
        self.unmapped_total += 1
        if what in self.unmapped or len(self.unmapped) < UNMAPPED_KEEP:
            self.unmapped[what] += 1

    def unmapped_notice(self) -> str:
        if not self.unmapped_total:
            return ""
        top = ", ".join(f"{k} ({n})" for k, n in self.unmapped.most_common(5))
        return (f"{self.unmapped_total} call side(s) in the logs could not be mapped to a service "
                f"of the graph (most frequent: {top}); add a `kubectl get pods,endpoints -o yaml` "
                "dump to PATH so pod IPs map to services")


def parse_identity(identity: str) -> tuple[str, str]:
    """(namespace, service account) of ``system:serviceaccount:NS:SA``, a SPIFFE id or a
    Linkerd identity; ("", "") for anything else."""
    if identity.startswith("system:serviceaccount:"):
        parts = identity.split(":")
        return (parts[2], parts[3]) if len(parts) == 4 else ("", "")
    m = _SPIFFE.match(identity) or _LINKERD.match(identity)
    return (m.group("ns"), m.group("sa")) if m else ("", "")


_INTERNAL = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"))


def is_public(host: str) -> bool:
    """An address outside the ranges a cluster or a private network uses (RFC 1918, CGNAT,
    loopback, link-local, IPv6 ULA): the outside world."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not any(ip in net for net in _INTERNAL if net.version == ip.version)
