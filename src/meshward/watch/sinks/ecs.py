"""Elastic Common Schema: one ECS document per alert, POSTed as is
(``ecs+http://HOST:9200/INDEX/_doc`` writes it into Elasticsearch)."""

from __future__ import annotations

import socket
from typing import Any

from meshward.findings.finding import Finding, Severity
from meshward.watch.sinks.http import HttpSink
from meshward.watch.sinks.interface import extra, now_iso

ECS_VERSION = "8.11.0"
SEVERITY = {Severity.CRITICAL: 99, Severity.HIGH: 73, Severity.MEDIUM: 47, Severity.LOW: 21,
            Severity.INFO: 1}


def ecs_document(f: Finding) -> dict[str, Any]:
    source_ip = f.source.rsplit(":", 1)[0] if f.source.count(":") == 1 else f.source
    doc: dict[str, Any] = {
        "@timestamp": extra(f, "time") or now_iso(),
        "ecs": {"version": ECS_VERSION},
        "message": f.message,
        "event": {"kind": "alert", "category": ["intrusion_detection"], "type": ["info"],
                  "severity": SEVERITY[f.severity], "created": now_iso(),
                  "dataset": "meshward.watch", "provider": "meshward"},
        "rule": {"id": f.rule_id, "name": f.title, "category": ",".join(f.practices),
                 "ruleset": "meshward"},
        "log": {"file": {"path": f.location.path}, "level": f.severity.value},
        "observer": {"hostname": socket.gethostname(), "product": "meshward", "type": "ids"},
        "labels": {"fingerprint": f.fingerprint, "practices": ",".join(f.practices)},
    }
    if f.service:
        doc["service"] = {"name": f.service}
    if extra(f, "owner"):
        doc["labels"]["owner"] = extra(f, "owner")
    if f.identity:
        doc["user"] = {"name": f.identity}
    if source_ip:
        doc["source"] = {"address": f.source, "ip": source_ip} if _is_ip(source_ip) else {
            "address": f.source}
    if f.evidence:
        doc["event"]["original"] = f.evidence
    return doc


def _is_ip(text: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except OSError:
        return False
    return True


class EcsSink(HttpSink):
    def body(self, finding: Finding) -> Any:
        return ecs_document(finding)
