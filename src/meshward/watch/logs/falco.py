"""Falco alerts as written with ``json_output: true`` (stdout, file or program output)."""

from __future__ import annotations

from typing import Any

from meshward.watch.event import RUNTIME, LogEvent
from meshward.watch.logs.times import iso

NAME = "falco"


def matches(doc: dict[str, Any]) -> bool:
    return "rule" in doc and "priority" in doc and "output" in doc


def _field(fields: dict[str, Any], *names: str) -> str:
    for n in names:
        v = fields.get(n)
        if isinstance(v, str) and v and v != "<NA>":
            return v
    return ""


def parse(doc: dict[str, Any]) -> LogEvent | None:
    rule, priority, output = doc.get("rule"), doc.get("priority"), doc.get("output")
    if not (isinstance(rule, str) and isinstance(priority, str) and isinstance(output, str)):
        return None
    raw_fields = doc.get("output_fields")
    fields = raw_fields if isinstance(raw_fields, dict) else {}
    time = doc.get("time")
    return LogEvent(
        RUNTIME, NAME, ts=iso(time) if isinstance(time, str) else None,
        rule=rule, priority=priority, output=output,
        namespace=_field(fields, "k8s.ns.name", "ka.target.namespace"),
        pod=_field(fields, "k8s.pod.name", "ka.target.name"),
        container=_field(fields, "container.name"),
        user=_field(fields, "user.name", "ka.user.name"),
        extra={k: _field(fields, k) for k in ("container.image.repository", "proc.cmdline",
                                              "fd.name", "container.id", "fd.rip", "fd.cip")
               if _field(fields, k)} | _field_map(doc, "hostname"),
    )


def _field_map(doc: dict[str, Any], name: str) -> dict[str, str]:
    value = doc.get(name)
    return {name: value} if isinstance(value, str) and value else {}
