"""Assemble the page: template, inlined styles and scripts, and the data as JSON."""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from meshward import __version__

_PACKAGE = "meshward.reporters.html"
# The page's own script, in order: shared data and helpers, then the tables (usable at once),
# then the graph (drawn last, it may take a while on a large fleet).
SCRIPTS = ("base.js", "tables.js", "graph.js")


def _asset(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text("utf-8")


def _script_safe(text: str) -> str:
    """Text that cannot end the ``<script>`` element holding it."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def data_json(document: dict[str, Any]) -> str:
    """The data as JSON safe inside ``<script type="application/json">``."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(document: dict[str, Any]) -> str:
    title = f"meshward report: {document.get('meta', {}).get('root', '')}"
    vendor = _script_safe(_asset("vendor/cytoscape.min.js"))
    licence = _asset("vendor/cytoscape.LICENSE").strip().replace("--", "- -")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<meta name=\"generator\" content=\"meshward {html.escape(__version__)}\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n",
        f"<title>{html.escape(title)}</title>\n",
        "<style>\n", _asset("report.css"), "</style>\n</head>\n<body>\n",
        _asset("body.html"),
        "<script type=\"application/json\" id=\"meshward-data\">", data_json(document),
        "</script>\n",
        f"<!-- Cytoscape.js, inlined unchanged. Its licence:\n{licence}\n-->\n",
        "<script>\n", vendor, "\n</script>\n",
        *(part for name in SCRIPTS
          for part in ("<script>\n", _script_safe(_asset(name)), "\n</script>\n")),
        "</body>\n</html>\n",
    ])
