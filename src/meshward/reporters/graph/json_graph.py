"""The graph as JSON (nodes with inventory facts, edges with evidence)."""

from __future__ import annotations

import json
from typing import Any

from meshward.model.graph import ServiceGraph


def to_data(graph: ServiceGraph) -> dict[str, Any]:
    nodes = []
    for name, svc in graph.services.items():
        nodes.append({
            "name": name,
            "exposure": svc.exposure.value,
            "environments": svc.environments,
            "images": svc.images,
            "ports": svc.ports,
            "identities": svc.identities,
            "dns_names": sorted(svc.dns_names),
            "owners": svc.owners,
            "secret_refs": svc.secret_refs,
            "deployments": [{"environment": d.environment, "scope": d.scope, "kind": d.kind,
                             "name": d.name, "file": d.location.path, "line": d.location.line,
                             "exposure": d.exposure.value, "why": d.exposure_reasons}
                            for d in svc.deployments],
        })
    edges = []
    for e in graph.sorted_edges():
        edges.append({
            "source": e.source, "target": e.target, "confidence": e.confidence.value,
            "ports": e.ports, "schemes": e.schemes, "blocked_by_policy": e.blocked_by_policy,
            "policy_note": e.policy_note,
            "evidence": [{"kind": ev.kind, "file": ev.location.path, "line": ev.location.line,
                          "detail": ev.detail, "confidence": ev.confidence.value}
                         for ev in e.evidence],
        })
    unused = [{"source": s, "target": t, "why": w} for s, t, w in graph.unused_allowed]
    return {"schema_version": 1, "services": nodes, "edges": edges, "allowed_unused": unused}


def render(graph: ServiceGraph) -> str:
    return json.dumps(to_data(graph), indent=2) + "\n"
