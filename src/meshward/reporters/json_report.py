"""The JSON format: versioned, stable key order, every field of every finding.

The shape is documented in docs/json-schema.md and checked by the JSON Schema
shipped beside this module (``meshward-report.schema.json``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from meshward.errors import InputError
from meshward.findings.finding import Finding
from meshward.reporters.interface import Report, Reporter, dumps
from meshward.reporters.summary import (
    SEVERITIES,
    TOOL_NAME,
    TOOL_URI,
    TOOL_VERSION,
    ordered,
    practice_rows,
    severity_counts,
    status_counts,
)

SCHEMA_VERSION = 1
SCHEMA_FILE = "meshward-report.schema.json"


def load_schema() -> dict[str, Any]:
    """The JSON Schema every document of :class:`JsonReporter` validates against."""
    text = resources.files("meshward.reporters").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class JsonReporter(Reporter):
    """All findings, active and suppressed (``suppressed`` tells which), most severe first."""

    def render(self, report: Report) -> str:
        return dumps(to_document(report))


def to_document(report: Report) -> dict[str, Any]:
    rows = practice_rows(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION, "information_uri": TOOL_URI},
        "run": {
            "command": report.command,
            "root": report.root,
            "duration_s": round(report.duration_s, 3),
        },
        "findings": [finding_dict(f) for f in ordered(report.findings)],
        "errors": [error_dict(e) for e in report.errors],
        "notices": list(report.notices),
        "summary": {
            "findings": len(report.active),
            "by_severity": _by_severity(report.active),
            "suppressed": len(report.suppressed),
            "files_read": report.files_read,
            "services": report.services,
            "errors": len(report.errors),
            "notices": len(report.notices),
            "rules_run": len(report.rules),
            "practice_status": status_counts(rows),
            "practices": [
                {
                    "code": r.code,
                    "title": r.title,
                    "status": r.status,
                    "rules": list(r.rules),
                    "findings": r.active,
                    "by_severity": {s.value: r.counts[s] for s in SEVERITIES},
                    "suppressed": r.suppressed,
                }
                for r in rows
            ],
        },
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "mode": f.mode.value,
        "practices": list(f.practices),
        "message": f.message,
        "location": {"path": f.location.path, "line": f.location.line},
        "resource": None if f.resource is None else {
            "kind": f.resource.kind,
            "namespace": f.resource.namespace,
            "name": f.resource.name,
        },
        "service": f.service,
        "evidence": f.evidence,
        "remediation": f.remediation,
        "key": f.key,
        "fingerprint": f.fingerprint,
        "suppressed": bool(f.suppressed_by),
        "suppressed_by": f.suppressed_by,
        "extra": [{"name": k, "value": v} for k, v in f.extra],
        "identity": f.identity,
        "source": f.source,
    }


def error_dict(e: InputError) -> dict[str, Any]:
    return {"path": e.path, "line": e.line, "message": e.message, "hint": e.hint}


def _by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = severity_counts(findings)
    return {s.value: counts[s] for s in SEVERITIES}
