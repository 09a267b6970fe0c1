"""Kubernetes objects as loaded, and the workload view rules use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from meshward.findings.finding import ResourceRef
from meshward.model.source import Location, YMap, YSeq, as_map, as_seq, dig, dig_line

WORKLOAD_KINDS = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
     "ReplicationController", "DeploymentConfig"}
)
CORE_KINDS = WORKLOAD_KINDS | frozenset(
    {"Service", "Ingress", "NetworkPolicy", "ServiceAccount", "Role", "ClusterRole",
     "RoleBinding", "ClusterRoleBinding", "Secret", "ConfigMap", "Namespace",
     "PodDisruptionBudget", "HorizontalPodAutoscaler", "IngressClass", "LimitRange",
     "ResourceQuota", "PersistentVolumeClaim", "PersistentVolume", "StorageClass",
     "Endpoints", "EndpointSlice", "PodSecurityPolicy", "CustomResourceDefinition",
     "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
     "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PriorityClass",
     "APIService", "Lease", "RuntimeClass", "CSIDriver"}
)
CLUSTER_SCOPED_KINDS = frozenset(
    {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
     "CustomResourceDefinition", "MutatingWebhookConfiguration", "IngressClass",
     "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "PriorityClass",
     "ValidatingAdmissionPolicyBinding", "APIService", "RuntimeClass", "CSIDriver",
     "PodSecurityPolicy", "CiliumClusterwideNetworkPolicy", "ClusterIssuer",
     "ClusterSecretStore", "GatewayClass", "ClusterPolicy"}
)


@dataclass
class K8sObject:
    """One Kubernetes object. ``body`` keeps every line; ``origin`` says how it was read.

    ``origin`` is ``file`` for a plain manifest, ``kustomize`` or ``helm`` for an
    object rendered from the directory named by ``origin_dir``.
    """

    api_version: str
    kind: str
    name: str
    namespace: str
    body: YMap
    location: Location
    origin: str = "file"
    origin_dir: str = ""
    namespace_explicit: bool = False

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.kind, self.name, "" if self.cluster_scoped else self.namespace)

    @property
    def cluster_scoped(self) -> bool:
        return self.kind in CLUSTER_SCOPED_KINDS

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""

    @property
    def metadata(self) -> YMap:
        return as_map(self.body.get("metadata"))

    @property
    def spec(self) -> YMap:
        return as_map(self.body.get("spec"))

    @property
    def labels(self) -> dict[str, str]:
        return _str_map(self.metadata.get("labels"))

    @property
    def annotations(self) -> dict[str, str]:
        return _str_map(self.metadata.get("annotations"))

    def get(self, *path: str | int) -> Any:
        return dig(self.body, *path)

    def line(self, *path: str | int) -> int:
        """The line of ``path`` in the body (falls back to the object's first line)."""
        return dig_line(self.body, *path) or self.location.line

    def at(self, *path: str | int) -> Location:
        """A :class:`Location` for ``path`` in this object."""
        return Location(self.location.path, self.line(*path))


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


@dataclass
class EnvVar:
    """One environment variable of a container, wherever it was defined."""

    name: str
    value: str | None
    source: str  # literal | secretKeyRef | configMapKeyRef | fieldRef | resourceFieldRef | file
    location: Location
    ref_name: str = ""  # the Secret/ConfigMap named by a *KeyRef
    ref_key: str = ""


@dataclass
class ContainerPort:
    port: int
    protocol: str = "TCP"
    name: str = ""
    host_port: int | None = None
    host_ip: str = ""
    line: int = 0


@dataclass
class Container:
    """A container of a pod template: regular, init or ephemeral."""

    name: str
    image: str
    role: str  # container | init | ephemeral
    body: YMap
    path: str  # the file, for locations
    env: list[EnvVar] = field(default_factory=list)
    ports: list[ContainerPort] = field(default_factory=list)

    @property
    def security_context(self) -> YMap:
        return as_map(self.body.get("securityContext"))

    def line(self, *path: str | int) -> int:
        return dig_line(self.body, *path) or self.body.line

    def at(self, *path: str | int) -> Location:
        return Location(self.path, self.line(*path))


@dataclass
class Workload:
    """A Kubernetes object that runs pods, with its pod template unpacked."""

    obj: K8sObject
    pod_spec: YMap
    pod_metadata: YMap
    pod_spec_path: tuple[str, ...]
    containers: list[Container]

    @property
    def kind(self) -> str:
        return self.obj.kind

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def namespace(self) -> str:
        return self.obj.namespace

    @property
    def ref(self) -> ResourceRef:
        return self.obj.ref

    @property
    def pod_labels(self) -> dict[str, str]:
        labels = _str_map(self.pod_metadata.get("labels"))
        return labels or (self.obj.labels if self.obj.kind == "Pod" else {})

    @property
    def pod_annotations(self) -> dict[str, str]:
        return _str_map(self.pod_metadata.get("annotations"))

    @property
    def replicas(self) -> int | None:
        """Declared replicas for controllers that have them; ``None`` when not set."""
        value = self.obj.spec.get("replicas")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def service_account(self) -> str:
        sa = self.pod_spec.get("serviceAccountName") or self.pod_spec.get("serviceAccount")
        return str(sa) if sa else "default"

    def pod_line(self, *path: str | int) -> int:
        return dig_line(self.pod_spec, *path) or self.pod_spec.line or self.obj.location.line

    def pod_at(self, *path: str | int) -> Location:
        return Location(self.obj.location.path, self.pod_line(*path))

    @property
    def all_containers(self) -> list[Container]:
        return self.containers


POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_spec_path(kind: str) -> tuple[str, ...]:
    return POD_SPEC_PATHS.get(kind, ("spec", "template", "spec"))


def seq_of_maps(value: Any) -> list[YMap]:
    return [m for m in as_seq(value) if isinstance(m, YMap)]


__all__ = [
    "CLUSTER_SCOPED_KINDS",
    "CORE_KINDS",
    "WORKLOAD_KINDS",
    "Container",
    "ContainerPort",
    "EnvVar",
    "K8sObject",
    "Workload",
    "YSeq",
    "pod_spec_path",
    "seq_of_maps",
]
