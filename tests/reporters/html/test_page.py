"""The page itself: the vendored library inlined unchanged, data that cannot break out."""

from __future__ import annotations

import json
import re
from importlib import resources

from meshward.reporters.html.page import data_json, render_page


def _vendor(name: str) -> str:
    return resources.files("meshward.reporters.html").joinpath(f"vendor/{name}").read_text()


def test_cytoscape_is_inlined_unchanged_with_its_licence() -> None:
    page = render_page({"meta": {"root": "fleet"}})
    assert _vendor("cytoscape.min.js") in page
    licence = _vendor("cytoscape.LICENSE")
    assert "Permission is hereby granted, free of charge" in licence
    assert licence.splitlines()[0] in page


def test_data_cannot_close_its_script_element() -> None:
    hostile = {"findings": [{"message": "</script><script>alert(1)</script><!-- & -->"}]}
    text = data_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile
    page = render_page({"meta": {"root": "<b>x</b>"}, **hostile})
    assert "<script>alert(1)" not in page
    assert "<title>meshward report: &lt;b&gt;x&lt;/b&gt;</title>" in page
    m = re.search(r'<script type="application/json" id="meshward-data">(.*?)</script>', page, re.S)
    assert m and json.loads(m.group(1))["findings"] == hostile["findings"]
