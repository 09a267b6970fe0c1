"""``meshward report``: embedded probe and secrets results, and what it refuses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from meshward.cli.main import main
from meshward.pipeline import scan
from meshward.practices import PRACTICES
from tests.conftest import REPO
from tests.probe.test_urls import FAST, open_server  # noqa: F401  (the fixture)

SHOP = REPO / "examples" / "shop"


def page_data(html: Path) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="meshward-data">(.*?)</script>',
                  html.read_text(), re.S)
    assert m
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def test_report_of_the_example(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(SHOP), "-o", str(out)]) == 0
    data = page_data(out)
    result = scan([SHOP])
    assert [p["code"] for p in data["practices"]] == list(PRACTICES)
    assert {n["id"] for n in data["graph"]["nodes"]} == set(result.inventory.services)
    assert len(data["findings"]) == len(result.findings)
    assert sum(1 for f in data["findings"] if f["suppressed"]) == 1
    web = next(n for n in data["graph"]["nodes"] if n["id"] == "web")
    assert web["public"] is True and "orders" in web["callees"] and "(external)" in web["callers"]
    edges = {(e["source"], e["target"]): e for e in data["graph"]["edges"]}
    assert edges[("web", "orders")]["enc"] == "plaintext"
    assert {e["seg"] for e in edges.values()} >= {"blocked", "n/a"}
    ways = next(p for p in data["practices"] if p["code"] == "DOC-CATALOG")["ways"]
    assert ways["fix"] == ["meshward catalog (Backstage catalog entries)",
                           "meshward catalog (Markdown inventory)"] and "MW951" in ways["audit"]
    assert data["history"] is None
    assert main(["report", str(SHOP), "-o", str(out), "--fail-on", "critical"]) == 1


def test_probe_and_secrets_results_are_embedded(open_server: Any, tmp_path: Path) -> None:  # noqa: F811
    url = f"http://127.0.0.1:{open_server.server_address[1]}/api"
    probe, secrets = tmp_path / "probe.json", tmp_path / "secrets.json"
    assert main(["probe", url, *FAST, "-f", "json", "-o", str(probe)]) == 1
    assert main(["secrets", str(SHOP), "-f", "json", "-o", str(secrets)]) == 1
    out = tmp_path / "r.html"
    assert main(["report", str(SHOP), "-o", str(out), "--probe", str(probe),
                 "--secrets", str(secrets)]) == 0
    data = page_data(out)
    from_probe = sorted(f["rule_id"] for f in data["findings"] if f["found_by"] == "probe")
    assert from_probe == ["MWP01", "MWP20", "MWP30"]
    # The secrets the scan already found are not listed twice.
    scan_places = {(f["rule_id"], f["location"]["path"], f["location"]["line"])
                   for f in data["findings"] if f["found_by"] == "scan"}
    for f in data["findings"]:
        if f["found_by"] == "secrets":
            assert (f["rule_id"], f["location"]["path"], f["location"]["line"]) not in scan_places
    status = {p["code"]: p for p in data["practices"]}
    assert status["AUTH-PENTEST"]["status"] == "gaps"  # "not checked" without the probe
    assert status["AUTH-PENTEST"]["ran"]["verify"] is True
    assert [e["command"] for e in data["embedded"]] == ["probe", "secrets"]


def test_wrong_embedded_files_stop_before_the_scan(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    secrets = tmp_path / "secrets.json"
    assert main(["secrets", str(SHOP), "-f", "json", "-o", str(secrets)]) == 1
    out = tmp_path / "r.html"
    assert main(["report", str(SHOP), "-o", str(out), "--probe", str(secrets)]) == 2
    assert "a report of `meshward secrets`, expected meshward probe" in capsys.readouterr().err
    assert not out.exists()
    assert main(["report", str(SHOP), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_watch_results_are_embedded_and_every_path_is_named(tmp_path: Path) -> None:
    from tests.watch.samples import audit, falco

    logs = tmp_path / "falco.log"
    logs.write_text(falco("Critical") + "\n" + audit(
        "create", "pods", "shop", "orders-5d8f7c9b6d-x2x9z", "jane@example.com",
        subresource="exec", source_ip="203.0.113.9") + "\n")
    watch = tmp_path / "watch.json"
    assert main(["watch", str(SHOP), "--logs", str(logs), "-f", "json", "-o", str(watch)]) == 1
    other = tmp_path / "other"
    other.mkdir()
    (other / "compose.yaml").write_text("services:\n  api:\n    image: api:1\n")
    out = tmp_path / "r.html"
    assert main(["report", str(SHOP), str(other), "-o", str(out), "--watch", str(watch)]) == 0
    data = page_data(out)
    assert data["meta"]["root"] == f"{SHOP}, {other}"
    assert "api" in {n["id"] for n in data["graph"]["nodes"]}
    from_watch = [f["rule_id"] for f in data["findings"] if f["found_by"] == "watch"]
    assert sorted(from_watch) == ["MWW04", "MWW06"]
    alert = next(f for f in data["findings"] if f["rule_id"] == "MWW04")
    # Who did it and from where survive the JSON round trip (the card of an alert shows them).
    assert (alert["identity"], alert["source"]) == ("jane@example.com", "203.0.113.9")
    falco_alert = next(f for f in data["findings"] if f["rule_id"] == "MWW06")
    assert {"name": "falco_rule", "value": "Terminal shell in container"} in falco_alert["extra"]
    rows = {p["code"]: p for p in data["practices"]}
    assert rows["LOG-RUNTIME"]["ran"]["watch"] is True
    assert rows["LOG-TAMPER"]["ran"]["watch"] is False
    assert "MWW06" in rows["LOG-RUNTIME"]["ways"]["watch"]
    assert [e["command"] for e in data["embedded"]] == ["watch"]
    # A watch report given as a probe report is refused, naming what is expected.
    assert main(["report", str(SHOP), "-o", str(out), "--probe", str(watch)]) == 2
