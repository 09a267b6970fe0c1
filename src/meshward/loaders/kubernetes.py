"""Kubernetes manifests (YAML or JSON, multi-document, ``List`` kinds, kubectl dumps)."""

from __future__ import annotations

from typing import Any

from meshward.errors import InputError
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.loaders.yamlsrc import Document, ParseError, iter_yaml_documents, parse_json
from meshward.model.kubernetes import (
    WORKLOAD_KINDS,
    Container,
    ContainerPort,
    EnvVar,
    K8sObject,
    Workload,
    pod_spec_path,
)
from meshward.model.source import Location, YMap, as_map, as_seq, dig, line_of

LIST_KINDS = frozenset({"List"})


# Kinds of the built-in API groups; a kind outside these for a built-in group is a typo.
BUILTIN_KINDS: dict[str, frozenset[str]] = {
    "v1": frozenset({"Pod", "Service", "ServiceAccount", "Secret", "ConfigMap", "Namespace",
                     "PersistentVolumeClaim", "PersistentVolume", "ReplicationController",
                     "Endpoints", "LimitRange", "ResourceQuota", "Node", "Event", "List",
                     "PodTemplate", "Binding", "ComponentStatus"}),
    "apps": frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                       "ControllerRevision"}),
    "batch": frozenset({"Job", "CronJob"}),
    "networking.k8s.io": frozenset({"NetworkPolicy", "Ingress", "IngressClass", "IPAddress",
                                    "ServiceCIDR"}),
    "rbac.authorization.k8s.io": frozenset({"Role", "ClusterRole", "RoleBinding",
                                            "ClusterRoleBinding"}),
    "policy": frozenset({"PodDisruptionBudget", "PodSecurityPolicy", "Eviction"}),
}


def looks_like_kubernetes(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("kind"), str) and "apiVersion" in value


def kind_error(api_version: str, kind: str) -> str:
    """A message when ``kind`` does not exist in a built-in API group, else empty."""
    group = api_version.split("/", 1)[0] if "/" in api_version else "v1"
    known = BUILTIN_KINDS.get(group)
    if known is None or kind in known or kind.endswith("List"):
        return ""
    close = [k for k in known if k.lower() == kind.lower() or sorted(k.lower()) == sorted(kind.lower())]
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown kind {kind!r} for apiVersion {api_version}{hint}"


def parse_documents(src: SourceFile) -> tuple[list[Document], InputError | None]:
    """All documents of a YAML or JSON file; the error (if any) comes after the good ones."""
    docs: list[Document] = []
    if src.path.endswith(".json"):
        try:
            return [Document(parse_json(src.text), 1, 0)], None
        except ParseError as exc:
            return [], InputError(src.path, exc.line, f"invalid JSON: {exc.message}",
                                  "fix the syntax; the rest of the tree was still scanned")
    try:
        for doc in iter_yaml_documents(src.text):
            docs.append(doc)
    except ParseError as exc:
        return docs, InputError(src.path, exc.line, f"invalid YAML: {exc.message}",
                                "fix the syntax; documents before it were still read")
    return docs, None


def load_documents(src: SourceFile, docs: list[Document], default_namespace: str = "default",
                   origin: str = "file", origin_dir: str = "") -> LoadResult:
    """Turn parsed documents into Kubernetes objects, expanding ``List`` kinds."""
    out = LoadResult()
    for doc in docs:
        _load_value(src, doc.value, doc.line, default_namespace, origin, origin_dir, out)
    return out


def _load_value(src: SourceFile, value: Any, line: int, default_namespace: str, origin: str,
                origin_dir: str, out: LoadResult) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        out.errors.append(InputError(src.path, line_of(value, line),
                                     f"expected a Kubernetes object, found {type(value).__name__}",
                                     "each document must be a mapping with apiVersion and kind"))
        return
    kind = value.get("kind")
    if kind == "List" or (isinstance(kind, str) and kind.endswith("List")
                              and isinstance(value.get("items"), list)):
        for item in as_seq(value.get("items")):
            _load_value(src, item, line_of(item, line), default_namespace, origin, origin_dir, out)
        return
    if not isinstance(kind, str) or not kind:
        out.errors.append(InputError(src.path, line_of(value, line), "document has no `kind`",
                                     "add apiVersion and kind, or exclude the file"))
        return
    api_version = value.get("apiVersion")
    obj_line = line_of(value, line)
    if not isinstance(api_version, str):
        out.errors.append(InputError(src.path, obj_line, f"{kind} has no `apiVersion`",
                                     "add apiVersion (e.g. apps/v1)"))
        return
    problem = kind_error(api_version, kind)
    if problem:
        out.errors.append(InputError(src.path, value.line_of("kind") if isinstance(value, YMap)
                                     else obj_line, problem, "the object was kept but not checked"))
    meta = value.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        out.errors.append(InputError(src.path, obj_line, f"{kind}: metadata must be a mapping"))
        return
    meta = as_map(meta)
    name = meta.get("name") or meta.get("generateName") or ""
    if not isinstance(name, str):
        out.errors.append(InputError(src.path, line_of(meta, obj_line),
                                     f"{kind}: metadata.name must be text, found {name!r}"))
        return
    ns = meta.get("namespace")
    body = value if isinstance(value, YMap) else as_map(value)
    obj = K8sObject(
        api_version=api_version, kind=kind, name=name or "(unnamed)",
        namespace=str(ns) if ns else default_namespace, body=body,
        location=Location(src.path, obj_line), origin=origin, origin_dir=origin_dir,
        namespace_explicit=bool(ns),
    )
    out.objects.append(obj)


def build_workload(obj: K8sObject, errors: list[InputError]) -> Workload | None:
    """The workload view of an object of a workload kind (``None`` for other kinds)."""
    if obj.kind not in WORKLOAD_KINDS:
        return None
    path = pod_spec_path(obj.kind)
    spec = dig(obj.body, *path)
    if not isinstance(spec, dict):
        errors.append(InputError(obj.location.path, obj.location.line,
                                 f"{obj.kind} {obj.name} has no pod spec at {'.'.join(path)}"))
        return None
    meta_path = (*path[:-1], "metadata") if obj.kind != "Pod" else ("metadata",)
    pod_meta = as_map(dig(obj.body, *meta_path))
    containers: list[Container] = []
    for field_name, role in (("initContainers", "init"), ("containers", "container"),
                             ("ephemeralContainers", "ephemeral")):
        raw = spec.get(field_name)
        if raw is None:
            continue
        if not isinstance(raw, list):
            errors.append(InputError(obj.location.path, line_of(raw, obj.line(*path)),
                                     f"{obj.kind} {obj.name}: {field_name} must be a list"))
            continue
        for item in raw:
            if not isinstance(item, YMap):
                errors.append(InputError(obj.location.path, obj.line(*path, field_name),
                                         f"{obj.kind} {obj.name}: a container must be a mapping"))
                continue
            containers.append(_container(obj, item, role, errors))
    return Workload(obj=obj, pod_spec=as_map(spec), pod_metadata=pod_meta,
                    pod_spec_path=path, containers=containers)


def _container(obj: K8sObject, body: YMap, role: str, errors: list[InputError]) -> Container:
    path = obj.location.path
    c = Container(name=str(body.get("name") or "(unnamed)"), image=str(body.get("image") or ""),
                  role=role, body=body, path=path)
    for item in as_seq(body.get("env")):
        if not isinstance(item, YMap) or not isinstance(item.get("name"), str):
            errors.append(InputError(path, line_of(item, body.line),
                                     f"container {c.name}: env entry without a name"))
            continue
        c.env.append(_env_var(path, item))
    for item in as_seq(body.get("ports")):
        if not isinstance(item, YMap):
            continue
        port = item.get("containerPort")
        if isinstance(port, bool) or not isinstance(port, int):
            errors.append(InputError(path, item.line_of("containerPort"),
                                     f"container {c.name}: containerPort {port!r} is not a number",
                                     "containerPort must be an integer 1-65535"))
            continue
        host_port = item.get("hostPort")
        c.ports.append(ContainerPort(
            port=port, protocol=str(item.get("protocol") or "TCP"), name=str(item.get("name") or ""),
            host_port=host_port if isinstance(host_port, int) and not isinstance(host_port, bool)
            else None,
            host_ip=str(item.get("hostIP") or ""), line=item.line))
    return c


def _env_var(path: str, item: YMap) -> EnvVar:
    name = str(item["name"])
    loc = Location(path, item.line)
    vf = item.get("valueFrom")
    if isinstance(vf, dict):
        for source in ("secretKeyRef", "configMapKeyRef"):
            ref = vf.get(source)
            if isinstance(ref, dict):
                return EnvVar(name, None, source, loc, str(ref.get("name") or ""),
                              str(ref.get("key") or ""))
        for source in ("fieldRef", "resourceFieldRef"):
            if source in vf:
                return EnvVar(name, None, source, loc)
        return EnvVar(name, None, "valueFrom", loc)
    value = item.get("value")
    return EnvVar(name, None if value is None else str(value), "literal", loc)


def load_kubernetes(src: SourceFile, docs: list[Document], default_namespace: str = "default") -> LoadResult:
    return load_documents(src, docs, default_namespace)
