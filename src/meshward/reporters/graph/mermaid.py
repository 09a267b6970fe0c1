"""The graph as a Mermaid flowchart (renders in GitHub Markdown)."""

from __future__ import annotations

import re

from meshward.model.graph import EXTERNAL, ServiceGraph


def _id(name: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def render(graph: ServiceGraph) -> str:
    out = ["flowchart LR", f'  {_id(EXTERNAL)}(["{EXTERNAL}"])']
    for name, svc in graph.services.items():
        label = f"{name}<br/><small>{svc.exposure.value}</small>"
        out.append(f'  {_id(name)}["{label}"]')
    for e in graph.sorted_edges():
        ports = ",".join(str(p) for p in e.ports)
        if e.blocked_by_policy:
            arrow = f"-. blocked {ports} .-x" if ports else "-. blocked .-x"
        elif ports:
            arrow = f"-->|{ports}|"
        else:
            arrow = "-->"
        out.append(f"  {_id(e.source)} {arrow} {_id(e.target)}")
    for src, dst, _ in graph.unused_allowed:
        out.append(f"  {_id(src)} -. allowed, unused .-> {_id(dst)}")
    return "\n".join(out) + "\n"
