"""`meshward watch` as a user runs it: folders, rotated and gzip files, bad input, archive,
reporters, --follow across rotation, exit codes."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema

from meshward.cli.main import main
from meshward.reporters.json_report import load_schema
from meshward.watch.archive import verify
from tests.watch import samples as s
from tests.watch.conftest import FLEET

HUGE = "x" * (300 * 1024)


def _logs(folder: Path) -> dict[str, int]:
    """A rotated set with one alert per file, and every kind of bad input."""
    folder.mkdir()
    with gzip.open(folder / "proxy.log.2.gz", "wt", encoding="utf-8") as out:
        out.write(s.istio_outbound("web", "orders", 9000) + "\n")
        out.write(s.istio_outbound("worker", "payments", 8443, "/v1/charge") + "\n")
    (folder / "proxy.log.1").write_text(
        s.istio_outbound("web", "orders", 9000) + "\n"
        + s.istio_outbound("worker", "payments", 8443)[:70] + "\n"  # truncated
        + "\x00\x01\x02garbage\xff" + "\n"  # binary
        + HUGE + "\n", encoding="latin-1")
    (folder / "proxy.log").write_text(
        "this is not a log format at all\n"
        + s.istio_outbound("web", "payments", 8443, ts="2031-01-01T00:00:00.000Z") + "\n",
        encoding="utf-8")
    (folder / "audit.log").write_text(
        s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web") + "\n",
        encoding="utf-8")
    return {"lines": 9}


def test_watch_reports_alerts_and_names_every_bad_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    logs = tmp_path / "logs"
    expected = _logs(logs)
    archive, key = tmp_path / "archive", tmp_path / "archive.key"
    code = main(["watch", str(FLEET), "--logs", str(logs), "-f", "json",
                 "--archive", str(archive), "--archive-key", str(key)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert doc["run"]["command"] == "watch"
    jsonschema.validate(doc, load_schema())
    got = [(f["rule_id"], f["location"]["path"].rsplit("/", 1)[-1], f["location"]["line"],
            f["service"], f["identity"], f["source"]) for f in doc["findings"]]
    assert sorted(got) == [
        ("MWW01", "proxy.log", 2, "payments", "", "10.244.1.21:46520"),
        ("MWW01", "proxy.log.2.gz", 2, "payments", "", "10.244.2.17:46520"),
        ("MWW03", "audit.log", 1, "payments", "system:serviceaccount:shop:web", "10.244.1.21"),
    ]
    assert all(f["mode"] == "watch" for f in doc["findings"])
    notes = doc["notices"]
    p1, p0 = logs / "proxy.log.1", logs / "proxy.log"
    assert f"{p1}:2: truncated or malformed: the line stops early or is not valid for its format" in notes
    assert any(n.startswith(f"{p1}:3: binary garbage") for n in notes)
    assert any(n.startswith(f"{p1}:4: huge line") for n in notes)
    assert any(n.startswith(f"{p0}:1: unknown format") for n in notes)
    assert any(n.startswith(f"{p0}:2: clock skew") for n in notes)
    assert notes[0].startswith(f"read {expected['lines']} line(s), 5 recognised")
    # Nothing lost from the archive: every line, the huge and binary ones byte for byte.
    result = verify(archive)
    assert (result.ok, result.lines) == (True, expected["lines"])
    stored = (archive / "seg-000001.log").read_bytes().split(b"\n")
    assert HUGE.encode() in stored and "\x00\x01\x02garbage\xff".encode("latin-1") in stored


def test_sarif_carries_identity_and_source(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "audit.log"
    log.write_text(s.audit("get", "secrets", "shop", "payments-keys",
                           "system:serviceaccount:shop:web") + "\n", encoding="utf-8")
    assert main(["watch", str(FLEET), "--logs", str(log), "-f", "sarif"]) == 1
    run = json.loads(capsys.readouterr().out)["runs"][0]
    [result] = run["results"]
    assert result["properties"]["identity"] == "system:serviceaccount:shop:web"
    assert result["properties"]["source"] == "10.244.1.21"
    assert result["properties"]["mode"] == "watch"
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    # only an audit log was read: the detectors of audit events ran, the others did not
    assert rules == ["MWW03", "MWW04", "MWW05", "MWW07"]
    assert rules[run["results"][0]["ruleIndex"]] == "MWW03"
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]]
    assert "not run: MWW01, MWW02, MWW08, MWW09: no access-log (Envoy, Istio, Linkerd, nginx) " \
           "event in the logs read" in notes
    assert "not run: MWW06: no Falco event in the logs read" in notes


def test_practices_are_not_met_by_detectors_without_events(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "access.log"
    log.write_text(s.istio_outbound("web", "orders", 9000) + "\n", encoding="utf-8")
    assert main(["watch", str(FLEET), "--logs", str(log), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    status = {p["code"]: (p["status"], p["rules"]) for p in doc["summary"]["practices"]}
    assert status["LOG-ANOMALY"] == ("met", ["MWW01", "MWW02", "MWW08", "MWW09"])
    assert status["LOG-RUNTIME"] == ("not checked", [])  # no Falco line was read
    assert status["SEC-LEASTPRIV"] == ("not checked", [])  # no audit event was read
    assert "not run: MWW03, MWW04, MWW05, MWW07: no Kubernetes audit event in the logs read" \
        in doc["notices"]


def test_since_and_clean_logs_exit_0(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "proxy.log"
    log.write_text(s.istio_outbound("worker", "payments", 8443) + "\n", encoding="utf-8")
    assert main(["watch", str(FLEET), "--logs", str(log), "--since", "2026-12-02"]) == 0
    assert main(["watch", str(FLEET), "--logs", str(log), "--since", "2026-11-30T00:00Z"]) == 1
    capsys.readouterr()


def test_missing_logs_and_bad_options(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["watch", str(FLEET), "--logs", str(tmp_path / "nope.log"), "-f", "json"]) == 2
    captured = capsys.readouterr()
    assert "nope.log: no such log file or folder" in captured.err
    assert main(["watch", str(FLEET)]) == 2
    assert "give the logs to watch with --logs" in capsys.readouterr().err
    assert main(["watch", str(FLEET), "--logs", "x", "--since", "yesterday"]) == 2
    assert main(["watch", str(FLEET), "--logs", "x", "--sink", "ftp://h"]) == 2
    assert "unknown scheme ftp" in capsys.readouterr().err


def _wait_lines(proc: subprocess.Popen[str], n: int, timeout: float = 20.0) -> list[str]:
    out: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while len(out) < n and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            out.append(line)
    return out


def test_follow_across_rotation(tmp_path: Path) -> None:
    log = tmp_path / "proxy.log"
    log.write_text(s.istio_outbound("web", "orders", 9000) + "\n", encoding="utf-8")
    archive = tmp_path / "archive"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshward.cli.main", "watch", str(FLEET), "--logs", str(log),
         "--follow", "-f", "jsonl", "--archive", str(archive), "--archive-key",
         str(tmp_path / "k")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        with open(log, "a", encoding="utf-8") as out:
            out.write(s.istio_outbound("worker", "payments", 8443) + "\n")
        first = _wait_lines(proc, 1)
        assert json.loads(first[0])["key"] == "worker->payments"
        log.rename(tmp_path / "proxy.log.1")  # logrotate's default: rename, then create
        with open(tmp_path / "proxy.log.1", "a", encoding="utf-8") as out:
            out.write(s.istio_outbound("web", "payments", 8443) + "\n")  # late write, old file
        log.write_text(s.linkerd_json("worker", "web", 8080) + "\n", encoding="utf-8")
        more = _wait_lines(proc, 2)
        assert sorted(json.loads(x)["key"] for x in more) == ["web->payments", "worker->web"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 1, err
    assert "read 4 line(s), 4 recognised" in err
    assert verify(archive).lines == 4


def test_state_learns_external_hosts_then_alerts_on_new_ones(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    def egress(host: str) -> str:
        return s.istio_outbound("orders", "payments", 443).replace(
            '"payments:443"', f'"{host}:443"').replace(
            "outbound|443||payments.shop.svc.cluster.local", "PassthroughCluster")

    state = tmp_path / "state.json"
    first, second = tmp_path / "day1.log", tmp_path / "day2.log"
    first.write_text(egress("api.stripe.com") + "\n", encoding="utf-8")
    second.write_text(egress("api.stripe.com") + "\n" + egress("paste.exfil.example.net") + "\n",
                      encoding="utf-8")
    assert main(["watch", str(FLEET), "--logs", str(first), "--state", str(state),
                 "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert ("MWW08 learned 1 external destination(s) into the state file; alerts on new ones "
            "start with the next run") in doc["notices"]
    assert list(json.loads(state.read_text())["external"]) == ["api.stripe.com"]
    assert main(["watch", str(FLEET), "--logs", str(second), "--state", str(state),
                 "-f", "json"]) == 1
    [f] = json.loads(capsys.readouterr().out)["findings"]
    assert (f["rule_id"], f["service"], f["location"]["line"]) == ("MWW08", "orders", 2)


def test_stdin_and_every_reporter(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    line = s.istio_outbound("worker", "payments", 8443) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    assert main(["watch", str(FLEET), "--logs", "-", "-f", "jsonl"]) == 1
    alert = json.loads(capsys.readouterr().out)
    assert alert["location"] == {"path": "<stdin>", "line": 1} and alert["rule_id"] == "MWW01"
    log = tmp_path / "p.log"
    log.write_text(line, encoding="utf-8")
    for fmt, needle in (("junit", 'failures="2"'), ("markdown", "MWW01"),
                        ("text", "worker called payments")):
        assert main(["watch", str(FLEET), "--logs", str(log), "-f", fmt]) == 1
        out = capsys.readouterr().out
        assert needle in out, (fmt, out[:500])


def test_evidence_is_redacted(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    key = "sk_live_" + "51H8xQ2eZvKYlo2C0aBcDeFgHiJkLmNoPqRsTuVwXyZ01"
    log = tmp_path / "p.log"
    log.write_text(s.istio_outbound("worker", "payments", 8443, f"/v1/charge?api_key={key}")
                   + "\n", encoding="utf-8")
    assert main(["watch", str(FLEET), "--logs", str(log), "-f", "json"]) == 1
    out = capsys.readouterr().out
    [f] = json.loads(out)["findings"]
    assert key not in out
    assert "api_key=sk_l…(" in f["evidence"] or "api_key=sk_…(" in f["evidence"], f["evidence"]


def test_config_ignores_and_disables_alerts(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / ".meshward.yaml"
    config.write_text("disable: [MWW06]\nignore:\n  - rule: MWW04\n    service: web\n"
                      "    reason: break-glass drill on web\n", encoding="utf-8")
    log = tmp_path / "audit.log"
    log.write_text(s.audit("create", "pods", "shop", "web-6c9f8d7b5c-h2kqz", "alice@example.com",
                           subresource="exec") + "\n" + s.falco("Critical") + "\n",
                   encoding="utf-8")
    code = main(["watch", str(FLEET), "--logs", str(log), "--config", str(config), "-f", "json"])
    [f] = json.loads(capsys.readouterr().out)["findings"]
    assert code == 0
    assert (f["rule_id"], f["suppressed"]) == ("MWW04", True)
    assert f["suppressed_by"] == f"config {config}:3 (break-glass drill on web)"
    assert main(["watch", str(FLEET), "--logs", str(log), "--config", str(config),
                 "-f", "jsonl"]) == 0
    assert capsys.readouterr().out == ""  # suppressed alerts are not streamed


def test_a_state_path_that_is_not_a_state_is_never_overwritten(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "audit.log"
    text = s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web") + "\n"
    log.write_text(text, encoding="utf-8")
    # the audit log given as --state by mistake: read as logs, left as it is
    assert main(["watch", str(FLEET), "--logs", str(log), "--state", str(log), "-f", "json"]) == 1
    assert log.read_text(encoding="utf-8") == text
    notices = json.loads(capsys.readouterr().out)["notices"]
    assert any(n.startswith(f"{log}: not a meshward watch state (") and "left untouched" in n
               for n in notices)


def test_unwritable_state_archive_and_key_are_usage_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "access.log"
    log.write_text(s.istio_outbound("web", "orders", 9000) + "\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for extra, said in (
            (["--state", str(blocker / "state.json")], f"--state {blocker / 'state.json'}: "
                                                       "cannot create its folder"),
            (["--state", str(tmp_path)], f"--state {tmp_path}: is a folder"),
            (["--archive", str(blocker / "archive")], f"archive {blocker / 'archive'}: "),
            (["--archive", str(tmp_path / "a"), "--archive-key", str(blocker / "k" / "key")],
             f"archive {tmp_path / 'a'}: ")):
        assert main(["watch", str(FLEET), "--logs", str(log), *extra]) == 2, extra
        err = capsys.readouterr().err
        assert f"meshward: error: {said}" in err and "Traceback" not in err, err
