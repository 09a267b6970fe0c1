"""Backstage ``catalog-info.yaml`` entities from the inventory and the graph.

One file per service: a ``Component`` (type ``service``) or, for data stores, a
``Resource``; an ``API`` for each Component that others call or that is public. Owner,
system and lifecycle come from labels/annotations when present, else ``unknown`` with a
TODO in the description. ``dependsOn`` lists the callees from the graph. Annotations say
where it runs, its open ports, who may call it and its exposure; :mod:`meshward.checks.rules.catalog_drift`
reads ``meshward.io/ports`` and ``dependsOn`` back to spot drift.
"""

from __future__ import annotations

import re
from typing import Any

from meshward.checks.context import ScanContext
from meshward.generate.model import Generated, Manifest, dns_name
from meshward.generate.serves import Serves
from meshward.model.graph import EXTERNAL
from meshward.model.inventory import Service

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward catalog", "Backstage catalog entries", ("DOC-CATALOG", "DOC-DRIFT"))

API_VERSION = "backstage.io/v1alpha1"
ANN_RUNS_IN = "meshward.io/runs-in"
ANN_PORTS = "meshward.io/ports"
ANN_CALLERS = "meshward.io/callers"
ANN_EXPOSURE = "meshward.io/exposure"
K8S_ID = "backstage.io/kubernetes-id"

_DATA = re.compile(r"(?:^|[/_-])(postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|redis|valkey|memcached|"
                   r"rabbitmq|kafka|nats|cassandra|elasticsearch|opensearch|etcd|minio)"
                   r"(?:$|[:@/_-])", re.IGNORECASE)
_RESOURCE_TYPE = {"redis": "cache", "valkey": "cache", "memcached": "cache", "rabbitmq": "queue",
                  "kafka": "queue", "nats": "queue", "minio": "storage"}
OWNER_KEYS = ("backstage.io/owner", "meshward.io/owner", "owner", "team")
SYSTEM_KEYS = ("backstage.io/system", "meshward.io/system", "app.kubernetes.io/part-of")
LIFECYCLE_KEYS = ("backstage.io/lifecycle", "meshward.io/lifecycle", "lifecycle")


def resource_type(svc: Service) -> str | None:
    """``database``, ``cache``, ``queue``... when the service is a data store, else ``None``."""
    for image in svc.images or [svc.name]:
        m = _DATA.search(image.split("@")[0])
        if m:
            return _RESOURCE_TYPE.get(m.group(1).lower(), "database")
    m = _DATA.search(svc.name)
    return _RESOURCE_TYPE.get(m.group(1).lower(), "database") if m else None


def _labels(svc: Service) -> dict[str, str]:
    merged: dict[str, str] = {}
    for w in svc.workloads:
        merged.update({**w.obj.labels, **w.pod_labels, **w.obj.annotations})
    for cs in svc.compose_services:
        merged.update(cs.labels)
    return merged


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str:
    for k in keys:
        if values.get(k):
            return values[k]
    return ""


def owner_of(svc: Service) -> str:
    return _first({**_labels(svc), **svc.owners}, OWNER_KEYS) or next(
        (v for k, v in sorted(svc.owners.items()) if k.endswith("/owner") and v), "")


def entity_ref(ctx: ScanContext, name: str) -> str:
    svc = ctx.inventory.services.get(name)
    kind = "resource" if svc is not None and resource_type(svc) else "component"
    return f"{kind}:{dns_name(name)}"


def _ports(svc: Service) -> str:
    return ", ".join(str(p) for p in svc.ports)


def entities(ctx: ScanContext, svc: Service) -> list[dict[str, Any]]:
    """The catalog entities describing one service."""
    labels = _labels(svc)
    owner = owner_of(svc)
    system = _first(labels, SYSTEM_KEYS)
    lifecycle = _first(labels, LIFECYCLE_KEYS)
    callers = [e.source for e in ctx.graph.callers(svc.name)]
    callees = [e.target for e in ctx.graph.callees(svc.name)]
    public = EXTERNAL in callers
    who = ", ".join("outside callers" if c == EXTERNAL else c for c in callers) or "nobody known"
    runs = "; ".join(f"{d.environment}:{d.scope} ({d.kind} {d.name})" for d in svc.deployments)
    reasons = sorted({r for d in svc.deployments for r in d.exposure_reasons})
    exposure = svc.exposure.value + (f" ({'; '.join(reasons)})" if reasons else "")
    todo = [f"TODO: set {what}" for what, v in (("the owner", owner), ("the lifecycle", lifecycle))
            if not v]
    description = (f"Runs in {runs}. Open ports: {_ports(svc) or 'none'}. May be called by: {who}. "
                   f"Exposure: {exposure}." + (" " + "; ".join(todo) + "." if todo else ""))
    name = dns_name(svc.name)
    annotations = {K8S_ID: svc.name, ANN_RUNS_IN: runs, ANN_PORTS: _ports(svc),
                   ANN_CALLERS: who, ANN_EXPOSURE: exposure}
    meta: dict[str, Any] = {"name": name, "description": description, "annotations": annotations}
    rtype = resource_type(svc)
    spec: dict[str, Any] = {"type": rtype or "service", "owner": owner or "unknown"}
    if not rtype:
        spec["lifecycle"] = lifecycle or "unknown"
    if system:
        spec["system"] = dns_name(system)
    if callees:
        spec["dependsOn"] = [entity_ref(ctx, c) for c in callees]
    out: list[dict[str, Any]] = []
    provides = not rtype and svc.ports and (callers or public)
    if provides:
        spec["providesApis"] = [f"{name}-api"]
    out.append({"apiVersion": API_VERSION, "kind": "Resource" if rtype else "Component",
                "metadata": meta, "spec": spec})
    if provides:
        schemes = sorted({s for e in ctx.graph.callers(svc.name) for s in e.schemes})
        grpc = "grpc" in schemes or any(p.name.startswith("grpc") for w in svc.workloads
                                         for ct in w.containers for p in ct.ports)
        api_type = "grpc" if grpc else ("openapi" if {"http", "https"} & set(schemes)
                                        else "unknown")
        api_spec: dict[str, Any] = {
            "type": api_type, "lifecycle": lifecycle or "unknown", "owner": owner or "unknown"}
        if system:
            api_spec["system"] = dns_name(system)
        api_spec["definition"] = (
            f"The {'' if api_type == 'unknown' else api_type + ' '}API of {svc.name} on port(s) {_ports(svc)}. meshward found no "
            "definition in the deployment files: TODO replace this text with the "
            "definition (or a $text reference to it).\n")
        out.append({"apiVersion": API_VERSION, "kind": "API",
                    "metadata": {"name": f"{name}-api",
                                 "description": f"What {svc.name} serves on {_ports(svc)}."},
                    "spec": api_spec})
    return out


def generate(ctx: ScanContext) -> Generated:
    out = Generated()
    for name, svc in ctx.inventory.services.items():
        if not svc.deployments:
            continue
        for i, body in enumerate(entities(ctx, svc)):
            why = [f"Backstage catalog entry for {name}, written by meshward catalog."] if i == 0 else []
            out.manifests.append(Manifest(body, f"{dns_name(name)}/catalog-info.yaml", why))
    unowned = [n for n, s in ctx.inventory.services.items() if s.deployments and not owner_of(s)]
    if unowned:
        out.note(f"no owner label or annotation on {', '.join(unowned)}: owner set to "
                 "`unknown` with a TODO")
    return out
