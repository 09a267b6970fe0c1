"""Renderings of the service graph: text, JSON, Graphviz DOT, Mermaid."""

from __future__ import annotations

from enum import Enum

from meshward.model.graph import ServiceGraph


class GraphFormat(Enum):
    TEXT = "text"
    JSON = "json"
    DOT = "dot"
    MERMAID = "mermaid"


def render_graph(graph: ServiceGraph, fmt: GraphFormat) -> str:
    from meshward.reporters.graph import dot, json_graph, mermaid, text

    match fmt:
        case GraphFormat.TEXT:
            return text.render(graph)
        case GraphFormat.JSON:
            return json_graph.render(graph)
        case GraphFormat.DOT:
            return dot.render(graph)
        case GraphFormat.MERMAID:
            return mermaid.render(graph)
