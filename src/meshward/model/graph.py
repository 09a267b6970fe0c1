"""The service graph: who calls whom, with the evidence for each edge."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.findings.finding import Confidence
from meshward.model.inventory import Service
from meshward.model.source import Location

EXTERNAL = "(external)"
"""The pseudo-service standing for callers outside the fleet (internet, users)."""

_CONF_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why meshward believes an edge exists."""

    kind: str  # env | configmap | depends_on | links | ingress | loadbalancer | istio | gateway-route
    location: Location
    detail: str
    confidence: Confidence = Confidence.HIGH
    scheme: str = ""  # the URL scheme the caller uses, when the evidence shows one
    port: int | None = None
    variable: str = ""  # the environment variable or ConfigMap key holding the address
    value: str = ""  # the whole value, as written


@dataclass
class Edge:
    source: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    # Set by the zero-trust evaluation: does segmentation let this call through?
    blocked_by_policy: bool = False
    policy_note: str = ""

    @property
    def confidence(self) -> Confidence:
        best = Confidence.LOW
        for ev in self.evidence:
            if _CONF_RANK[ev.confidence] > _CONF_RANK[best]:
                best = ev.confidence
        return best

    @property
    def ports(self) -> list[int]:
        return sorted({e.port for e in self.evidence if e.port is not None})

    @property
    def schemes(self) -> list[str]:
        return sorted({e.scheme for e in self.evidence if e.scheme})

    @property
    def location(self) -> Location:
        return min(e.location for e in self.evidence) if self.evidence else Location("")


@dataclass
class ServiceGraph:
    services: dict[str, Service]
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    # Allowed by policy but used by no declared edge, filled by segmentation evaluation.
    unused_allowed: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, source: str, target: str, evidence: Evidence) -> None:
        if source == target:
            return
        edge = self.edges.get((source, target))
        if edge is None:
            edge = self.edges[(source, target)] = Edge(source, target)
        if evidence not in edge.evidence:
            edge.evidence.append(evidence)

    def callees(self, name: str) -> list[Edge]:
        return sorted((e for e in self.edges.values() if e.source == name), key=lambda e: e.target)

    def callers(self, name: str) -> list[Edge]:
        return sorted((e for e in self.edges.values() if e.target == name), key=lambda e: e.source)

    def sorted_edges(self) -> list[Edge]:
        return [self.edges[k] for k in sorted(self.edges)]
