"""`meshward probe` on the command line: report formats, exit codes, refusals, inventory mode."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from meshward.checks.registry import all_rules, not_at_rest
from meshward.cli.main import main
from meshward.probe.runner import PROBE_RULES
from tests.probe.conftest import StartApp, endpoint, write_targets
from tests.probe.servers.certs import Pki

ALLOWED_PRACTICES = {"AUTH-PENTEST", "AUTH-JWT", "TLS-CONFIG", "TLS-MTLS", "ENV-EDGE", "ENV-PORTS"}


def test_every_probe_check_is_a_documented_rule() -> None:
    probe_rules = {r.id: r for r in all_rules() if r.id.startswith("MWP")}
    assert set(probe_rules) == set(PROBE_RULES)
    for r in probe_rules.values():
        assert set(r.practices) <= ALLOWED_PRACTICES and r.practices
        assert r.targets == ("files",) and r.check is not_at_rest and r.cwe.startswith("CWE-")
        assert list(r.check(None)) == []  # type: ignore[arg-type]


def test_findings_exit_1_with_json(pki: Pki, start_app: StartApp, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    app = start_app("alg_none")
    path = write_targets(tmp_path, [endpoint(pki, app.port)])
    out = tmp_path / "report.json"
    assert main(["probe", str(path), "-f", "json", "-o", str(out), "--select", "MWP0*"]) == 1
    doc = json.loads(out.read_text())
    assert doc["run"]["command"] == "probe"
    assert [(f["rule_id"], f["mode"], f["severity"]) for f in doc["findings"]] == [
        ("MWP02", "verify", "critical")]
    assert doc["errors"] == []


def test_clean_exit_0_and_fail_on(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("no_nbf")  # MWP06 is medium
    path = write_targets(tmp_path, [endpoint(pki, app.port)])
    out = tmp_path / "r.json"
    assert main(["probe", str(path), "-f", "json", "-o", str(out), "--select", "MWP06",
                 "--fail-on", "high"]) == 0
    assert [f["rule_id"] for f in json.loads(out.read_text())["findings"]] == ["MWP06"]
    clean = start_app()
    path = write_targets(tmp_path, [endpoint(pki, clean.port)])
    assert main(["probe", str(path), "-f", "json", "-o", str(out)]) == 0


def test_inline_comment_suppresses(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("alg_none")
    path = write_targets(tmp_path, [endpoint(pki, app.port)])
    text = path.read_text().replace("- name: orders", "- name: orders  # meshward:ignore MWP02 lab")
    path.write_text(text)
    out = tmp_path / "r.json"
    assert main(["probe", str(path), "-f", "json", "-o", str(out), "--select", "MWP02"]) == 0
    [f] = json.loads(out.read_text())["findings"]
    assert f["suppressed_by"].startswith("comment at ")


def test_refusal_exits_2_before_any_traffic(pki: Pki, start_app: StartApp, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    app = start_app()
    path = write_targets(tmp_path, [endpoint(pki, app.port),
                                    {"name": "far", "url": "https://192.0.2.10/"}])
    assert main(["probe", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("meshward: error: refusing to probe 192.0.2.10 (endpoint far)")
    assert app.app.requests == 0


def test_input_error_exits_2_without_traffic(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("endpoints:\n  - url: https://127.0.0.1:1/\n    expects: magic\n")
    out = tmp_path / "r.json"
    assert main(["probe", str(path), "-f", "json", "-o", str(out)]) == 2
    [e] = json.loads(out.read_text())["errors"]
    assert (e["line"], e["message"]) == (3, "`expects` 'magic' is not one of token, "
                                            "client_cert, none")
    assert main(["probe", str(tmp_path / "missing.yaml")]) == 2
    assert "targets file" in capsys.readouterr().err


def test_inventory_mode(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("debug", "mtls_off")
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    with socket.socket() as db_port, socket.socket() as closed:
        db_port.bind(("127.0.0.1", 0))
        db_port.listen()
        closed.bind(("127.0.0.1", 0))
        (deploy / "compose.yaml").write_text(f"""\
services:
  orders:
    image: example/orders:1.0
    ports: ["{app.port}:{app.port}"]
  db:
    image: postgres:16
    expose: ["{db_port.getsockname()[1]}"]
  cache:
    image: redis:7
""")
        path = write_targets(tmp_path, [], defaults={"ca": str(pki.ca_pem)}, inventory={
            "path": "deploy", "services": {
                "orders": f"https://127.0.0.1:{app.port}/api/orders",
                "db": f"http://127.0.0.1:{closed.getsockname()[1]}/"}})
        out = tmp_path / "r.json"
        assert main(["probe", str(path), "-f", "json", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    got = sorted((f["rule_id"], f["service"], f["location"]["line"]) for f in doc["findings"])
    lines = path.read_text().splitlines()
    orders_line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("orders:"))
    db_line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("db:"))
    assert got == [("MWP31", "orders", orders_line)] * 5 + [("MWP32", "db", db_line)]
    assert ("1 service(s) of the inventory have no base URL in "
            f"{path} and were not probed: cache") in doc["notices"]


def test_inventory_unknown_service_is_an_input_error(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "compose.yaml").write_text("services:\n  orders:\n    image: x:1\n")
    path = write_targets(tmp_path, [], inventory={
        "path": "deploy", "services": {"payments": "https://127.0.0.1:1/"}})
    out = tmp_path / "r.json"
    assert main(["probe", str(path), "-f", "json", "-o", str(out)]) == 2
    [e] = json.loads(out.read_text())["errors"]
    assert e["message"] == "service payments is not in the inventory at " + str(deploy)
