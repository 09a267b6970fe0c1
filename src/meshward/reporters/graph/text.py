"""The graph as text: each service, where it runs, and its calls with evidence."""

from __future__ import annotations

from meshward.model.graph import EXTERNAL, Edge, ServiceGraph


def _edge_note(e: Edge) -> str:
    notes = []
    if e.ports:
        notes.append("port " + ",".join(str(p) for p in e.ports))
    if e.schemes:
        notes.append("scheme " + ",".join(e.schemes))
    notes.append(f"confidence {e.confidence.value}")
    if e.blocked_by_policy:
        notes.append("BLOCKED by NetworkPolicy" + (f": {e.policy_note}" if e.policy_note else ""))
    return "; ".join(notes)


def render(graph: ServiceGraph) -> str:
    out: list[str] = []
    for name, svc in graph.services.items():
        envs = ", ".join(svc.environments) or "-"
        out.append(f"{name}  [{svc.exposure.value}]  runs in {envs}")
        if svc.images:
            out.append(f"  images: {', '.join(svc.images)}")
        if svc.ports:
            out.append(f"  ports: {', '.join(str(p) for p in svc.ports)}")
        for e in graph.callees(name):
            out.append(f"  -> {e.target}  ({_edge_note(e)})")
            for ev in e.evidence[:3]:
                out.append(f"       {ev.location}  {ev.kind}: {ev.detail}")
            if len(e.evidence) > 3:
                out.append(f"       ... and {len(e.evidence) - 3} more places")
    entry = graph.callees(EXTERNAL)
    if entry:
        out.append(f"{EXTERNAL}  entry points")
        for e in entry:
            out.append(f"  -> {e.target}  ({e.evidence[0].detail})")
    for src, dst, why in graph.unused_allowed:
        out.append(f"allowed but unused: {src} -> {dst} ({why})")
    out.append(f"\n{len(graph.services)} services, "
               f"{sum(1 for e in graph.edges.values() if e.source != EXTERNAL)} calls, "
               f"{len(entry)} entry points")
    return "\n".join(out) + "\n"
