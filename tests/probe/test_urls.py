"""`meshward probe URL...`: endpoints given as URLs, probed with defaults, same safety rules."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from meshward.cli.main import main
from meshward.probe.urls import URL_MODE_NOTICE
from tests.probe.conftest import StartApp

FAST = ["--rate", "4000", "--timeout", "3"]


class _Open(BaseHTTPRequestHandler):
    """A plain-HTTP service that answers everybody: what a forgotten internal API looks like."""

    requests = 0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests += 1
        body = b'{"orders": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def open_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Open)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_open_plaintext_url(open_server: ThreadingHTTPServer, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{open_server.server_address[1]}/api/orders"
    out = tmp_path / "probe.json"
    assert main(["probe", url, *FAST, "-f", "json", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    assert doc["run"]["root"] == url
    assert sorted(f["rule_id"] for f in doc["findings"]) == ["MWP01", "MWP20", "MWP30"]
    assert {f["service"] for f in doc["findings"]} == {url}
    assert doc["notices"][0] == URL_MODE_NOTICE
    assert any(n.startswith("not run: MWP02, MWP03") for n in doc["notices"])
    status = {p["code"]: p["status"] for p in doc["summary"]["practices"]}
    # Every JWT check was not run: the practice is not checked, never "met".
    assert status["AUTH-JWT"] == "not checked"
    assert status["AUTH-PENTEST"] == "gaps"
    assert 0 < _Open.requests <= 2000


def test_a_token_protected_url_with_defaults(start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("mtls_off")
    url = f"https://127.0.0.1:{app.port}/api/orders"
    out = tmp_path / "probe.json"
    main(["probe", url, *FAST, "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text())
    rules = {f["rule_id"] for f in doc["findings"]}
    assert "MWP01" not in rules  # it refuses a request without a token
    notices = "\n".join(doc["notices"])
    assert "MWP05, MWP06, MWP07, MWP08" in notices and "needs signing_key" in notices
    assert app.app.requests > 0


def test_text_names_the_endpoint_once(open_server: ThreadingHTTPServer,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{open_server.server_address[1]}/api"
    main(["probe", url, *FAST, "--select", "MWP01"])
    lines = [line for line in capsys.readouterr().out.splitlines() if " MWP01 " in line]
    assert lines == [f"  CRITICAL MWP01 <command line> {url} answered without a token"]


def test_two_urls_and_the_safety_rules(open_server: ThreadingHTTPServer, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    port = open_server.server_address[1]
    before = _Open.requests
    assert main(["probe", f"http://127.0.0.1:{port}/a", "https://192.0.2.10/", *FAST]) == 2
    assert "refusing to probe 192.0.2.10" in capsys.readouterr().err
    assert _Open.requests == before  # nothing was sent to the allowed one either
    targets = tmp_path / "targets.yaml"
    targets.write_text("endpoints: []\n")
    assert main(["probe", str(targets), f"http://127.0.0.1:{port}/"]) == 2
    assert "either one targets file or URLs" in capsys.readouterr().err
    assert main(["probe", "ftp://127.0.0.1/x"]) == 2
    assert "is not an http:// or https:// URL" in capsys.readouterr().err


def test_progress_of_a_probe(open_server: ThreadingHTTPServer) -> None:
    from meshward.probe.runner import run_probe
    from meshward.probe.safety import Allowlist
    from meshward.probe.targets import Limits
    from meshward.probe.urls import targets_from_urls
    from tests.reporters.test_text_terminal import _drawn

    port = open_server.server_address[1]
    t = targets_from_urls([f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"])
    drawn = _drawn(lambda: run_probe(t.endpoints, Limits(per_host_rate=4000, timeout=3),
                                     Allowlist([]), ["MWP01"]))
    assert "probing endpoints" in drawn and "2/2" in drawn
