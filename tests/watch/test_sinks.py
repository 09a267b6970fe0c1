"""Alerts delivered to a real rsyslogd (UDP and TCP) and to a local HTTP server."""

from __future__ import annotations

import os
import re
from pathlib import Path

from meshward.cli.main import main
from meshward.findings.finding import Finding
from meshward.watch.sinks.select import open_sink
from tests.watch import samples as s
from tests.watch.conftest import FLEET, Feed
from tests.watch.servers import Collector, Rsyslog


def _alert(feed: Feed) -> Finding:
    [f] = feed([s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web")])
    return f


def test_syslog_udp_and_tcp_reach_rsyslog_as_rfc5424(feed: Feed, rsyslog: Rsyslog) -> None:
    f = _alert(feed)
    for url in (f"syslog+udp://127.0.0.1:{rsyslog.udp_port}",
                f"syslog+tcp://127.0.0.1:{rsyslog.tcp_port}"):
        sink = open_sink(url)
        sink.send(f)
        sink.close()
    lines = rsyslog.wait_lines(" meshward ", 2)
    assert len(lines) == 2
    pattern = re.compile(
        r'^<107>1 \S+ \S+ meshward ' + str(os.getpid()) + r' MWW03 \[meshward@32473 '
        r'rule="MWW03" severity="high" practices="LOG-ANOMALY,SEC-LEASTPRIV" service="payments" '
        r'owner="team-payments" identity="system:serviceaccount:shop:web" source="10.244.1.21" '
        r'location="access.log:1" fingerprint="[0-9a-f]{32}"\] (\ufeff)?service account shop/web '
        r'\(service web\) did get on Secret shop/payments-keys \(used only by payments\)$')
    for line in lines:
        assert pattern.match(line), line


def test_webhook_is_alertmanager_shaped(feed: Feed, collector: Collector) -> None:
    f = _alert(feed)
    open_sink(collector.url + "/hook").send(f)
    [req] = collector.requests
    assert req.path == "/hook" and req.headers["Content-Type"] == "application/json"
    body = req.body
    assert (body["version"], body["status"], body["receiver"]) == ("4", "firing", "meshward")
    [alert] = body["alerts"]
    assert alert["labels"] == {"alertname": "MWW03", "severity": "high", "mode": "watch",
                               "practices": "LOG-ANOMALY,SEC-LEASTPRIV", "service": "payments",
                               "owner": "team-payments"}
    assert alert["annotations"]["identity"] == "system:serviceaccount:shop:web"
    assert alert["annotations"]["source"] == "10.244.1.21"
    assert alert["startsAt"] == "2026-12-01T10:00:00Z"
    assert alert["endsAt"] == "0001-01-01T00:00:00Z"


def test_alertmanager_api_splunk_hec_and_ecs(feed: Feed, collector: Collector) -> None:
    f = _alert(feed)
    base = collector.url.removeprefix("http://")
    open_sink(f"alertmanager+http://{base}").send(f)
    open_sink(f"splunk+http://{base}?token=11111111-2222-3333-4444-555555555555&index=sec").send(f)
    open_sink(f"ecs+http://{base}/meshward-alerts/_doc").send(f)
    am, hec, ecs = collector.requests
    assert am.path == "/api/v2/alerts" and am.body[0]["labels"]["alertname"] == "MWW03"
    assert hec.path == "/services/collector/event"
    assert hec.headers["Authorization"] == "Splunk 11111111-2222-3333-4444-555555555555"
    assert (hec.body["sourcetype"], hec.body["index"]) == ("_json", "sec")
    assert hec.body["event"]["rule_id"] == "MWW03" and hec.body["event"]["identity"] == (
        "system:serviceaccount:shop:web")
    assert ecs.path == "/meshward-alerts/_doc"
    doc = ecs.body
    assert doc["event"]["kind"] == "alert" and doc["rule"]["id"] == "MWW03"
    assert (doc["service"]["name"], doc["user"]["name"], doc["source"]["ip"]) == (
        "payments", "system:serviceaccount:shop:web", "10.244.1.21")
    assert doc["@timestamp"] == "2026-12-01T10:00:00Z" and doc["ecs"]["version"]


def test_test_alerts_reads_back_from_rsyslog_and_http(rsyslog: Rsyslog, collector: Collector,
                                                      capsys) -> None:  # type: ignore[no-untyped-def]
    readback = f"?readback={rsyslog.out}"
    code = main(["watch", "--test-alerts",
                 "--sink", f"syslog+udp://127.0.0.1:{rsyslog.udp_port}{readback}",
                 "--sink", f"syslog+tcp://127.0.0.1:{rsyslog.tcp_port}{readback}",
                 "--sink", collector.url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"ok   syslog+udp://127.0.0.1:{rsyslog.udp_port}: delivered (read back from" in out
    assert f"ok   syslog+tcp://127.0.0.1:{rsyslog.tcp_port}: delivered (read back from" in out
    assert "3 of 3 sink(s) delivered the test alert" in out
    marker = collector.requests[0].body["alerts"][0]["annotations"]["evidence"]
    assert rsyslog.out.read_text("utf-8").count(marker) == 2


def test_test_alerts_fails_on_any_failure(rsyslog: Rsyslog, collector: Collector,
                                          capsys) -> None:  # type: ignore[no-untyped-def]
    collector.status = 500
    dead = Collector().start()
    dead_url = dead.url
    dead.stop()
    code = main(["watch", "--test-alerts", "--sink", collector.url, "--sink", dead_url,
                 "--sink", f"syslog+tcp://127.0.0.1:{rsyslog.tcp_port}?readback={rsyslog.out}"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL webhook {collector.url}/: not delivered: HTTP 500 Internal Server Error\n" in out
    assert f"FAIL webhook {dead_url}/" in out
    assert "1 of 3 sink(s) delivered the test alert" in out


def test_watch_sends_alerts_to_rsyslog(tmp_path: Path, rsyslog: Rsyslog, capsys) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "audit.log"
    log.write_text(s.audit("create", "pods", "shop", "web-6c9f8d7b5c-h2kqz", "alice@example.com",
                           subresource="exec") + "\n", encoding="utf-8")
    code = main(["watch", str(FLEET), "--logs", str(log), "-f", "jsonl",
                 "--sink", f"syslog+tcp://127.0.0.1:{rsyslog.tcp_port}"])
    assert code == 1
    assert '"rule_id": "MWW04"' in capsys.readouterr().out
    assert "did exec into pod shop/web-6c9f8d7b5c-h2kqz" in rsyslog.wait_for("MWW04")
