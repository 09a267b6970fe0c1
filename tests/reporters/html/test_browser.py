"""The HTML report in a real headless Chromium: nodes, scorecard rows, a click on a node."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from meshward.cli.main import main
from meshward.pipeline import scan
from meshward.practices import PRACTICES
from tests.conftest import CORPUS, REPO
from tests.reporters.html.browser import Page, chromium, dump_dom

SHOP = REPO / "examples" / "shop"
SHOP_SERVICES = {
    "catalog", "orders", "payments", "postgres", "redis", "web", "worker",
    "shop-payments",  # the load balancer of examples/shop/cloud
}
# Bounds the large reports must render within on the CI machine (2 shared cores).
SYNTHETIC_SERVICES = 1500
SYNTHETIC_RENDER_BOUND_S = 60.0
CORPUS_X20_RENDER_BOUND_S = 30.0


@pytest.fixture(scope="module")
def shop_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "shop.html"
    assert main(["report", str(SHOP), "-o", str(out)]) == 0
    return out


def test_the_example_services_are_the_ones_the_scan_finds() -> None:
    assert set(scan([SHOP]).inventory.services) == SHOP_SERVICES


def test_the_page_loads_nothing_from_the_network(shop_html: Path) -> None:
    text = shop_html.read_text()
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", text)
    assert "default-src 'none'" in text
    assert "Copyright (c) 2016-2026, The Cytoscape Consortium" in text  # the licence travels along


def test_dump_dom_lists_every_service_and_one_row_per_practice(shop_html: Path) -> None:
    chromium()
    dom = dump_dom(shop_html.as_uri())
    assert 'data-ready="true"' in dom
    assert 'data-graph-ready="true"' in dom
    listed = set(re.findall(r'<li data-service="([^"]+)"', dom))
    assert listed == SHOP_SERVICES
    rows = re.findall(r'<tr class="row" data-practice="([^"]+)"', dom)
    assert rows == list(PRACTICES)
    # The findings table shows the first page of active findings, most severe first.
    table, _, suppressed = dom.partition('<table id="suppressed"')
    active = [f for f in scan([SHOP]).findings if not f.suppressed_by]
    assert table.count('<tr class="f"') == len(active)
    assert suppressed.count('<tr class="f"') == 1
    assert "1 suppressed finding" in dom


def test_click_on_a_node_shows_its_card(shop_html: Path, tmp_path_factory: pytest.TempPathFactory
                                        ) -> None:
    chromium()
    page = Page(shop_html.as_uri())
    try:
        page.wait_for("document.body && document.body.getAttribute('data-graph-ready') === 'true'")
        nodes = page.eval("meshwardGraph.nodes('.svc').map(function(n){return n.id()})")
        assert set(nodes) == SHOP_SERVICES
        groups = page.eval("meshwardGraph.nodes('.env').map(function(n){return n.data('label')})")
        # one environment per box: services also run by compose (and payments in the cloud)
        # sit in their namespace's box; the card lists every place
        assert groups == ["namespace shop", "terraform cloud"]
        assert page.eval("meshwardGraph.nodes('.public').map(function(n){return n.id()}).sort()"
                         ) == ["payments", "shop-payments", "web"]
        # A node port is a dashed blue ring, never the critical fill's purple; both in the legend.
        ring = page.eval("(function(){var n=meshwardGraph.nodes('.nodeport');"
                         "return n.map(function(x){return [x.id(), x.style('border-style'),"
                         "x.style('border-color')]})})()")
        assert ring == [["postgres", "dashed", "rgb(31,79,191)"]]
        legend = page.eval("document.getElementById('legend').innerText")
        assert "public entry" in legend and "node port" in legend
        page.send("Runtime.evaluate", expression="document.getElementById('graph')"
                  ".scrollIntoView({block: 'center'})")
        time.sleep(0.3)
        x, y = page.eval(
            "(function(){var n=meshwardGraph.getElementById('orders').renderedPosition();"
            "var r=document.getElementById('graph').getBoundingClientRect();"
            "return [r.left+n.x, r.top+n.y];})()")
        assert page.eval("document.getElementById('card').getAttribute('data-service')") is None
        page.click(x, y)
        page.wait_for("document.getElementById('card').getAttribute('data-service') === 'orders'",
                      timeout=10)
        card = page.eval("document.getElementById('card').innerText")
        assert card.startswith("orders")
        assert "Deployment orders in namespace shop" in card
        assert "ComposeService orders in compose compose/docker-compose.yml" in card
        for label in ("runs in", "images", "ports", "identity", "owner", "secrets", "callers",
                      "callees", "findings"):
            assert f"{label}\n" in card or f"{label}\t" in card, (label, card)
        assert "Deployment orders in namespace shop\nk8s/orders.yaml:1" in card
        assert page.eval("meshwardGraph.getElementById('orders').selected()") is True
        shot = page.screenshot(tmp_path_factory.mktemp("screens") / "shop-report.png")
        print(f"\nscreenshot: {shot}")
        assert shot.stat().st_size > 20000
        # A callee link opens its card; "internet" among the callers is apart from the links.
        page.eval("Array.from(document.querySelectorAll('#card a'))"
                  ".filter(function(a){return a.textContent === 'postgres'})[0].click()")
        page.wait_for("document.getElementById('card').getAttribute('data-service') === "
                      "'postgres'", timeout=10)
        gaps = page.eval(
            "(function(){var dt=Array.from(document.querySelectorAll('#card dt'))"
            ".filter(function(d){return d.textContent === 'callers'})[0];"
            "var items=Array.from(dt.nextElementSibling.querySelectorAll('.links > *'));"
            "return [items.map(function(x){return x.textContent}), items.slice(1).map("
            "function(x,i){return x.getBoundingClientRect().left - "
            "items[i].getBoundingClientRect().right})];})()")
        assert gaps[0][0] == "internet" and len(gaps[0]) >= 2
        assert all(g >= 6 for g in gaps[1]), gaps
    finally:
        page.close()


def test_filters_narrow_the_findings_table(shop_html: Path) -> None:
    chromium()
    page = Page(shop_html.as_uri())
    try:
        page.wait_for("document.body && document.body.getAttribute('data-ready') === 'true'")
        worker = [f for f in scan([SHOP]).findings if f.service == "worker" and not f.suppressed_by]
        expected = len(worker)
        least = [f for f in worker if "AUTH-LEASTPRIV" in f.practices]
        page.eval("(function(){var s=document.getElementById('f-service'); s.value='worker';"
                  "s.dispatchEvent(new Event('change'));})()")
        rows = page.eval("Array.from(document.querySelectorAll('#findings tr.f'))"
                         ".map(function(r){return r.getAttribute('data-service')})")
        assert rows == ["worker"] * expected and expected > 0
        page.eval("(function(){var s=document.getElementById('f-practice'); "
                  "s.value='AUTH-LEASTPRIV'; s.dispatchEvent(new Event('change'));})()")
        both = page.eval("document.querySelectorAll('#findings tr.f').length")
        assert both == len(least) and 0 < both < expected
        page.eval("document.querySelector('#findings tr.f').click()")
        detail = page.eval("document.querySelector('#findings tr.detail').innerText")
        assert "EVIDENCE" in detail.upper() and "FIX" in detail.upper()
        first = sorted(least, key=lambda f: f.sort_key())[0]
        assert f"{first.location.path}:{first.location.line}" in detail
        assert first.message in detail
    finally:
        page.close()


def test_an_embedded_alert_shows_who_and_the_scorecard_its_ways(tmp_path: Path) -> None:
    from tests.watch.samples import audit, falco

    chromium()
    logs = tmp_path / "falco.log"
    logs.write_text(falco("Critical") + "\n" + audit(
        "create", "pods", "shop", "orders-5d8f7c9b6d-x2x9z", "jane@example.com",
        subresource="exec", source_ip="203.0.113.9") + "\n")
    watch, html = tmp_path / "watch.json", tmp_path / "r.html"
    assert main(["watch", str(SHOP), "--logs", str(logs), "-f", "json", "-o", str(watch)]) == 1
    assert main(["report", str(SHOP), "-o", str(html), "--watch", str(watch)]) == 0
    page = Page(html.as_uri())
    try:
        page.wait_for("document.body && document.body.getAttribute('data-ready') === 'true'")
        page.eval("(function(){var s=document.getElementById('f-source'); s.value='watch';"
                  "s.dispatchEvent(new Event('change'));})()")
        rows = page.eval("Array.from(document.querySelectorAll('#findings tr.f'))"
                         ".map(function(r){return r.getAttribute('data-rule')})")
        assert sorted(rows) == ["MWW04", "MWW06"]
        page.eval("document.querySelector('#findings tr.f[data-rule=\"MWW04\"]').click()")
        detail = page.eval("document.querySelector('#findings tr.detail').innerText")
        assert "identity jane@example.com  ·  source 203.0.113.9" in detail
        assert "from watch" in detail
        ways = page.eval("Array.from(document.querySelectorAll("
                         "'#scorecard tr[data-practice=\"LOG-ANOMALY\"] .way'))"
                         ".map(function(w){return w.textContent + ':' + w.className})")
        assert ways == ["audit:way", "verify:way", "fix:way", "watch:way on ran"]
    finally:
        page.close()


def test_history_columns_show_severity_for_every_finding(tmp_path: Path) -> None:
    chromium()
    tree = tmp_path / "shop"
    shutil.copytree(SHOP, tree)
    hist, html = tmp_path / "h.db", tmp_path / "r.html"
    assert main(["report", str(tree), "-o", str(html), "--history", str(hist)]) == 0
    worker = tree / "k8s" / "worker.yaml"
    worker.write_text(worker.read_text().replace("privileged: true", "privileged: false"))
    assert main(["report", str(tree), "-o", str(html), "--history", str(hist)]) == 0
    page = Page(html.as_uri())
    try:
        page.wait_for("document.body && document.body.getAttribute('data-ready') === 'true'")
        cols = page.eval(
            "Array.from(document.querySelectorAll('#history .col')).map(function(c){"
            "return [c.querySelector('h3').textContent, Array.from(c.querySelectorAll('li'))"
            ".map(function(li){var b=li.querySelector('.badge'); return b ? b.textContent : ''})]})")
        titles = [title for title, _ in cols]
        assert titles[0].startswith("New (") and titles[1] == "Fixed (1)"
        assert titles[2].startswith("Still open (")
        assert cols[1][1] == ["critical"]  # the privileged worker
        for _, badges in cols:
            assert badges and all(b in {"critical", "high", "medium", "low", "info"}
                                  for b in badges)
    finally:
        page.close()


def _render_seconds(html: Path) -> tuple[float, int]:
    """Seconds from opening the page to the graph drawn (Chromium's start included)."""
    start = time.monotonic()
    page = Page(html.as_uri())
    try:
        page.wait_for("document.body && document.body.getAttribute('data-graph-ready') === "
                      "'true'", timeout=180)
        elapsed = time.monotonic() - start
        shot = page.screenshot(html.with_suffix(".png"))
        print(f"\nscreenshot: {shot}")
        return elapsed, int(page.eval("meshwardGraph.nodes('.svc').length"))
    finally:
        page.close()


def test_a_synthetic_fleet_of_thousands_of_services_renders_within_bound(
        tmp_path: Path) -> None:
    chromium()
    from bench.scan.generate import generate

    generate(tmp_path / "fleet", SYNTHETIC_SERVICES)
    out = tmp_path / "fleet.html"
    assert main(["report", str(tmp_path / "fleet"), "-o", str(out)]) == 0
    seconds, nodes = _render_seconds(out)
    print(f"\n{SYNTHETIC_SERVICES} services: graph drawn in {seconds:.1f}s "
          f"({out.stat().st_size / 1e6:.1f} MB page)")
    assert nodes == SYNTHETIC_SERVICES
    assert seconds < SYNTHETIC_RENDER_BOUND_S


def test_the_corpus_times_twenty_renders_within_bound(tmp_path: Path) -> None:
    chromium()
    corpus = next((c for c in (CORPUS, REPO.parent.parent / "shared" / "corpus") if c.is_dir()),
                  None)
    if corpus is None:
        pytest.skip("../shared/corpus is not present")
    for i in range(20):
        shutil.copytree(corpus, tmp_path / "tree" / f"copy-{i:02d}", symlinks=True)
    out = tmp_path / "corpus.html"
    assert main(["report", str(tmp_path / "tree"), "-o", str(out)]) in (0, 2)
    seconds, nodes = _render_seconds(out)
    print(f"\ncorpus x20: {nodes} services, graph drawn in {seconds:.1f}s "
          f"({out.stat().st_size / 1e6:.1f} MB page)")
    assert nodes > 0
    assert seconds < CORPUS_X20_RENDER_BOUND_S
