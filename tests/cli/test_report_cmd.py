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
    assert ways["fix"] == ["meshward catalog"] and "MW951" in ways["audit"]
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
    from_probe = sorted(f["rule_id"] for f in data["findings"] if f["source"] == "probe")
    assert from_probe == ["MWP01", "MWP20", "MWP30"]
    # The secrets the scan already found are not listed twice.
    scan_places = {(f["rule_id"], f["location"]["path"], f["location"]["line"])
                   for f in data["findings"] if f["source"] == "scan"}
    for f in data["findings"]:
        if f["source"] == "secrets":
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
