"""The graph as Graphviz DOT."""

from __future__ import annotations

from meshward.model.graph import EXTERNAL, ServiceGraph

_SHAPE = {"public": "doubleoctagon", "node": "octagon", "cluster": "box", "internal": "box"}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(graph: ServiceGraph) -> str:
    out = ["digraph meshward {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    out.append(f"  {_q(EXTERNAL)} [shape=plaintext];")
    for name, svc in graph.services.items():
        out.append(f"  {_q(name)} [shape={_SHAPE[svc.exposure.value]}, "
                   f"tooltip={_q(svc.exposure.value)}];")
    for e in graph.sorted_edges():
        attrs = [f"label={_q(','.join(str(p) for p in e.ports))}"] if e.ports else []
        if e.blocked_by_policy:
            attrs += ["color=red", "style=dashed", 'xlabel="blocked"']
        elif e.confidence.value != "high":
            attrs.append("style=dotted")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {_q(e.source)} -> {_q(e.target)}{suffix};")
    for src, dst, _ in graph.unused_allowed:
        out.append(f"  {_q(src)} -> {_q(dst)} [color=gray, style=dotted, xlabel=\"allowed, unused\"];")
    out.append("}")
    return "\n".join(out) + "\n"
