"""Read back a JSON report (docs/json-schema.md) written by an earlier run.

Used by ``meshward diff`` (two reports) and ``meshward report --probe/--secrets`` (results
embedded in the HTML page). A file that is not such a report is a :class:`UsageError` naming
the file and what is wrong with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshward.checks.registry import Rule, get_rule
from meshward.errors import UsageError
from meshward.findings.finding import (
    Confidence,
    Finding,
    Mode,
    ResourceRef,
    Severity,
)
from meshward.model.source import Location
from meshward.reporters.json_report import SCHEMA_VERSION


@dataclass
class LoadedReport:
    path: str
    command: str
    root: str
    findings: list[Finding] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    errors: int = 0


def _bad(path: Path, what: str) -> UsageError:
    return UsageError(f"{path}: {what}",
                      "give a report written by `meshward scan|secrets|probe -f json -o FILE`")


def _finding(path: Path, i: int, raw: Any) -> Finding:
    if not isinstance(raw, dict):
        raise _bad(path, f"findings[{i}] is not an object")
    try:
        loc = raw.get("location") or {}
        res = raw.get("resource")
        return Finding(
            rule_id=str(raw["rule_id"]), title=str(raw.get("title", "")),
            severity=Severity(raw["severity"]), confidence=Confidence(raw.get("confidence", "high")),
            practices=tuple(str(p) for p in raw.get("practices", [])),
            message=str(raw.get("message", "")),
            location=Location(str(loc.get("path", "")), int(loc.get("line", 0))),
            resource=None if not isinstance(res, dict) else ResourceRef(
                str(res.get("kind", "")), str(res.get("name", "")), str(res.get("namespace", ""))),
            service=raw.get("service") or None, evidence=str(raw.get("evidence", "")),
            remediation=str(raw.get("remediation", "")), mode=Mode(raw.get("mode", "audit")),
            key=str(raw.get("key", "")), fingerprint=str(raw["fingerprint"]),
            suppressed_by=str(raw.get("suppressed_by", "")),
            extra=tuple((str(x.get("name", "")), str(x.get("value", "")))
                        for x in raw.get("extra", []) if isinstance(x, dict)),
        )
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise _bad(path, f"findings[{i}] is not a meshward finding ({exc!s})") from None


def read_report(path: Path, expect: tuple[str, ...] = ()) -> LoadedReport:
    """Load ``path``; when ``expect`` is given, its ``run.command`` must be one of them."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _bad(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, f"cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise _bad(path, f"line {exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get("tool", {}).get("name") != "meshward":
        raise _bad(path, "not a meshward JSON report (no tool.name = meshward)")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise _bad(path, f"report schema_version {doc.get('schema_version')!r}; this meshward "
                         f"reads {SCHEMA_VERSION}")
    run = doc.get("run") or {}
    command = str(run.get("command", ""))
    if expect and command not in expect:
        raise _bad(path, f"a report of `meshward {command}`, expected "
                         f"{' or '.join('meshward ' + e for e in expect)}")
    raw = doc.get("findings")
    if not isinstance(raw, list):
        raise _bad(path, "no findings array")
    rules: dict[str, Rule] = {}
    summary = doc.get("summary") or {}
    for row in summary.get("practices", []) if isinstance(summary, dict) else []:
        for rid in row.get("rules", []) if isinstance(row, dict) else []:
            r = get_rule(str(rid))
            if r is not None:
                rules[r.id] = r
    errors = summary.get("errors", 0) if isinstance(summary, dict) else 0
    return LoadedReport(str(path), command, str(run.get("root", "")),
                        [_finding(path, i, f) for i, f in enumerate(raw)],
                        sorted(rules.values(), key=lambda r: r.id),
                        int(errors) if isinstance(errors, int) else 0)
