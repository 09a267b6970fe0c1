"""The policy model shared by NetworkPolicy and Cilium: pods, peers, ports, rules, policies."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from meshward.model.kubernetes import K8sObject, Workload
from meshward.zerotrust.selectors import LabelSelector

# Ranges pod addresses are taken from in practice: an ipBlock overlapping them may match pods.
_POD_RANGES = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))
CILIUM_NS_KEY = "io.kubernetes.pod.namespace"
CILIUM_NS_LABEL_PREFIX = "io.cilium.k8s.namespace.labels."
CILIUM_SA_KEY = "io.cilium.k8s.policy.serviceaccount"


@dataclass
class PodView:
    """What policy evaluation needs to know about a workload's pods."""

    workload: Workload
    namespace: str
    labels: dict[str, str]
    ns_labels: dict[str, str]
    ports: list[tuple[int, str, str]] = field(default_factory=list)  # (port, protocol, name)

    @property
    def name(self) -> str:
        return f"{self.workload.kind} {self.namespace}/{self.workload.name}"

    @property
    def short(self) -> str:
        return f"{self.namespace}/{self.workload.name}"

    def named_port(self, name: str, protocol: str) -> int | None:
        for port, proto, pname in self.ports:
            if pname == name and proto == protocol:
                return port
        return None

    def cilium_labels(self) -> dict[str, str]:
        out = dict(self.labels)
        out[CILIUM_NS_KEY] = self.namespace
        out[CILIUM_SA_KEY] = self.workload.service_account
        for k, v in self.ns_labels.items():
            out[CILIUM_NS_LABEL_PREFIX + k] = v
        return out


def pod_view(w: Workload, ns_labels: dict[str, str]) -> PodView:
    ports = [(p.port, (p.protocol or "TCP").upper(), p.name) for c in w.containers
             if c.role == "container" for p in c.ports]
    return PodView(w, w.namespace, w.pod_labels, ns_labels, ports)


def cidr_covers_everything(cidr: str) -> bool:
    return cidr.strip() in ("0.0.0.0/0", "::/0")


def cidr_may_hold_pods(cidr: str) -> bool:
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    return any(net.version == r.version and net.overlaps(r) for r in _POD_RANGES)


@dataclass(frozen=True)
class Peer:
    """One element of ``from``/``to``.

    kind ``pods``: pods matching ``pods`` in the namespaces matching ``namespaces``
    (``None``: only ``namespace``, the policy's own; ``namespace`` empty: any).
    kind ``cidr``: addresses in ``cidr`` minus ``excepts``. kind ``entity``: Cilium entities.
    """

    kind: str
    pods: LabelSelector = field(default_factory=LabelSelector)
    namespaces: LabelSelector | None = None
    namespace: str = ""
    cidr: str = ""
    excepts: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    cilium: bool = False

    def matches_pod(self, pod: PodView) -> bool:
        """Definitely selects ``pod``."""
        if self.kind == "pods":
            if self.namespace and pod.namespace != self.namespace:
                return False
            if self.namespaces is not None and not self.namespaces.matches(pod.ns_labels):
                return False
            labels = pod.cilium_labels() if self.cilium else pod.labels
            return self.pods.matches(labels)
        if self.kind == "entity":
            return bool({"all", "cluster"} & set(self.entities))
        return False

    def may_match_pod(self, pod: PodView) -> bool:
        """Selects ``pod`` or might (an ipBlock over private ranges may hold pod IPs)."""
        if self.matches_pod(pod):
            return True
        return self.kind == "cidr" and cidr_may_hold_pods(self.cidr)

    @property
    def external(self) -> str:
        """Which addresses outside the cluster it admits: ``all``, ``some`` or ``none``."""
        if self.kind == "cidr":
            if cidr_covers_everything(self.cidr):
                return "some" if self.excepts else "all"
            return "some"
        if self.kind == "entity":
            return "all" if {"all", "world"} & set(self.entities) else "none"
        return "none"

    @property
    def all_pods(self) -> bool:
        """Selects every pod of every namespace."""
        if self.kind == "entity":
            return bool({"all", "cluster"} & set(self.entities))
        if self.kind != "pods" or self.namespace or not self.pods.empty:
            return False
        return self.namespaces is None or self.namespaces.empty

    def __str__(self) -> str:
        if self.kind == "cidr":
            extra = f" except {', '.join(self.excepts)}" if self.excepts else ""
            return f"addresses {self.cidr}{extra}"
        if self.kind == "entity":
            return f"entities {', '.join(self.entities)}"
        pods = "all pods" if self.pods.empty else f"pods {self.pods}"
        if self.namespace:
            where = f"namespace {self.namespace}"
        elif self.namespaces is None or self.namespaces.empty:
            where = "every namespace"
        else:
            where = f"namespaces {self.namespaces}"
        return f"{pods} in {where}"


@dataclass(frozen=True)
class PortMatch:
    port: int | str | None  # None: every port of the protocol
    protocol: str = "TCP"
    end_port: int | None = None

    def matches(self, port: int | None, protocol: str, dst: PodView) -> bool:
        if self.protocol != "ANY" and protocol != self.protocol:
            return False
        if self.port is None or port is None:
            return True
        if isinstance(self.port, str):
            return dst.named_port(self.port, protocol) == port
        if self.end_port is not None:
            return self.port <= port <= self.end_port
        return self.port == port

    def __str__(self) -> str:
        if self.port is None:
            return f"all {self.protocol} ports"
        rng = f"{self.port}-{self.end_port}" if self.end_port else str(self.port)
        return f"{self.protocol} {rng}"


@dataclass(frozen=True)
class PolicyRule:
    """One ingress/egress rule. ``peers`` None: every source; ``ports`` None: every port."""

    peers: tuple[Peer, ...] | None
    ports: tuple[PortMatch, ...] | None
    line: int
    index: int

    def port_ok(self, port: int | None, protocol: str, dst: PodView) -> bool:
        return self.ports is None or any(p.matches(port, protocol, dst) for p in self.ports)

    def peer_ok(self, pod: PodView, maybe: bool = True) -> bool:
        if self.peers is None:
            return True
        return any(p.may_match_pod(pod) if maybe else p.matches_pod(pod) for p in self.peers)

    @property
    def allows_everyone(self) -> bool:
        """Every source (or every outside address: ipBlock 0.0.0.0/0, Cilium world/all)."""
        return self.peers is None or any(p.external == "all" for p in self.peers)

    @property
    def allows_all_pods(self) -> bool:
        return self.allows_everyone or any(p.all_pods for p in self.peers or ())

    def ports_text(self) -> str:
        return "every port" if self.ports is None else "ports " + ", ".join(map(str, self.ports))

    def peers_text(self) -> str:
        if self.peers is None:
            return "every source"
        return "; ".join(str(p) for p in self.peers)


@dataclass
class Policy:
    """A NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, normalised.

    ``ingress``/``egress`` is ``None`` when the policy does not isolate that direction, else
    the allow rules (an empty list denies everything). ``*_deny`` are Cilium deny rules.
    """

    obj: K8sObject
    namespace: str  # "" for cluster-wide
    selector: LabelSelector
    cilium: bool
    ingress: list[PolicyRule] | None
    egress: list[PolicyRule] | None
    ingress_line: int
    egress_line: int
    ingress_deny: list[PolicyRule] = field(default_factory=list)
    egress_deny: list[PolicyRule] = field(default_factory=list)
    # Directions whose rules add allows without isolating (Cilium enableDefaultDeny: false).
    no_default_deny: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.obj.kind} {ns}{self.obj.name}"

    def selects(self, pod: PodView) -> bool:
        if self.namespace and pod.namespace != self.namespace:
            return False
        return self.selector.matches(pod.cilium_labels() if self.cilium else pod.labels)

    def isolates(self, direction: str) -> bool:
        return self.rules(direction) is not None and direction not in self.no_default_deny

    def rules(self, direction: str) -> list[PolicyRule] | None:
        return self.ingress if direction == "ingress" else self.egress

    def deny_rules(self, direction: str) -> list[PolicyRule]:
        return self.ingress_deny if direction == "ingress" else self.egress_deny

    def line(self, direction: str) -> int:
        return self.ingress_line if direction == "ingress" else self.egress_line
