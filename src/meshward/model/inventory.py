"""The inventory: every object read, and the logical services they make up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum

from meshward.errors import InputError
from meshward.model.cloud import CloudResource
from meshward.model.compose import ComposeFile, ComposeService
from meshward.model.dockerfile import Dockerfile
from meshward.model.kubernetes import EnvVar, K8sObject, Workload
from meshward.model.source import Location


class Exposure(Enum):
    """Who can reach a service, from the narrowest to the widest."""

    INTERNAL = "internal"  # only its own pod/containers, or loopback
    CLUSTER = "cluster"  # other workloads of the cluster or compose network
    NODE = "node"  # anyone who can reach a node/host port
    PUBLIC = "public"  # a load balancer, ingress or external IP

    @property
    def rank(self) -> int:
        return _EXPOSURE_RANK[self]

    def widest(self, other: Exposure) -> Exposure:
        return self if self.rank >= other.rank else other


_EXPOSURE_RANK = {e: i for i, e in enumerate(Exposure)}


@dataclass
class Deployment:
    """One place a service runs: a Kubernetes workload or a compose service."""

    environment: str  # kubernetes | compose
    scope: str  # the namespace, or the compose file
    kind: str
    name: str
    location: Location
    images: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    exposure: Exposure = Exposure.INTERNAL
    exposure_reasons: list[str] = field(default_factory=list)
    identity: str = ""


@dataclass
class Service:
    """The logical microservice, across every environment it is deployed to."""

    name: str
    deployments: list[Deployment] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    compose_services: list[ComposeService] = field(default_factory=list)
    k8s_services: list[K8sObject] = field(default_factory=list)
    dns_names: set[str] = field(default_factory=set)
    owners: dict[str, str] = field(default_factory=dict)
    cloud_resources: list[CloudResource] = field(default_factory=list)  # ECS, Lambda, RDS...

    @property
    def images(self) -> list[str]:
        return sorted({i for d in self.deployments for i in d.images if i})

    @property
    def ports(self) -> list[int]:
        return sorted({p for d in self.deployments for p in d.ports})

    @property
    def exposure(self) -> Exposure:
        out = Exposure.INTERNAL
        for d in self.deployments:
            out = out.widest(d.exposure)
        return out

    @property
    def identities(self) -> list[str]:
        return sorted({d.identity for d in self.deployments if d.identity})

    @property
    def environments(self) -> list[str]:
        return sorted({f"{d.environment}:{d.scope}" for d in self.deployments})

    @property
    def env(self) -> list[EnvVar]:
        out: list[EnvVar] = []
        for w in self.workloads:
            for c in w.containers:
                out.extend(c.env)
        for cs in self.compose_services:
            out.extend(cs.environment)
        return out

    @property
    def secret_refs(self) -> list[str]:
        refs = {e.ref_name for e in self.env if e.source == "secretKeyRef" and e.ref_name}
        for cs in self.compose_services:
            refs.update(cs.secrets)
        return sorted(refs)


@dataclass
class Inventory:
    """Everything one scan read, plus the input errors and notices it met."""

    root: str
    roots: list[str] = field(default_factory=list)  # every path scanned (root is the first)
    objects: list[K8sObject] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    compose_files: list[ComposeFile] = field(default_factory=list)
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    services: dict[str, Service] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    files_read: int = 0
    text_files: list[str] = field(default_factory=list)  # every readable file seen, for detectors
    cloud_resources: list[CloudResource] = field(default_factory=list)  # Terraform, plans, live

    def __post_init__(self) -> None:
        self._by_kind: dict[str, list[K8sObject]] | None = None
        self._owner: dict[int, str] = {}
        self._selects: dict[int, list[Workload]] = {}

    def assign(self, thing: object, service: str) -> None:
        """Record that a workload or compose service belongs to ``service``."""
        self._owner[id(thing)] = service

    def by_kind(self, *kinds: str) -> list[K8sObject]:
        if self._by_kind is None:
            index: dict[str, list[K8sObject]] = defaultdict(list)
            for obj in self.objects:
                index[obj.kind].append(obj)
            self._by_kind = dict(index)
        out: list[K8sObject] = []
        for kind in kinds:
            out.extend(self._by_kind.get(kind, []))
        return out

    def invalidate(self) -> None:
        self._by_kind = None

    @property
    def compose_services(self) -> list[ComposeService]:
        return [s for f in self.compose_files for s in f.services]

    def namespaces(self) -> list[str]:
        found = {o.namespace for o in self.objects if not o.cluster_scoped and o.namespace}
        found.update(o.name for o in self.by_kind("Namespace"))
        return sorted(found)

    def service_of(self, thing: Workload | ComposeService | K8sObject) -> Service | None:
        """The logical service a workload or compose service belongs to."""
        name = self._owner.get(id(thing))
        return self.services.get(name) if name else None

    def record_selection(self, k8s_service: K8sObject, workload: Workload) -> None:
        """Record that a Kubernetes Service's selector picks ``workload``'s pods."""
        self._selects.setdefault(id(k8s_service), []).append(workload)

    def selected_by(self, k8s_service: K8sObject) -> list[Workload]:
        """The workloads whose pods a Kubernetes Service selects (same namespace, selector match)."""
        return list(self._selects.get(id(k8s_service), ()))

    def service_name_of(self, thing: Workload | ComposeService | K8sObject) -> str | None:
        return self._owner.get(id(thing))
