"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

Every rule of the run becomes a ``reportingDescriptor``; every finding (active
or suppressed, the latter with ``suppressions``) a ``result``; input errors and
notices become notifications of the single invocation.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from meshward.checks.registry import Rule
from meshward.errors import InputError
from meshward.findings.finding import Confidence, Finding, Severity
from meshward.reporters.interface import Report, Reporter, dumps
from meshward.reporters.summary import (
    TOOL_NAME,
    TOOL_URI,
    TOOL_VERSION,
    notice_location,
    ordered,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "meshwardFingerprint/v1"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub reads this CVSS-like score (a string holding a number) to rank security alerts:
# >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_IN_SOURCE = ("comment", "annotation")


class SarifReporter(Reporter):
    def render(self, report: Report) -> str:
        return dumps(to_sarif(report))


def to_sarif(report: Report) -> dict[str, Any]:
    findings = ordered(report.findings)
    descriptors, index = _descriptors(report.rules, findings)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "semanticVersion": TOOL_VERSION,
                "informationUri": TOOL_URI,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{report.command}/"},
        "invocations": [_invocation(report)],
        "results": [_result(f, index[f.rule_id], report.root) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "command": report.command,
            "filesRead": report.files_read,
            "services": report.services,
        },
    }
    if report.root:
        root_uri = (report.root if _URI.match(report.root)
                    else Path(report.root).resolve().as_uri()).rstrip("/") + "/"
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri}}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def rule_name(title: str) -> str:
    """A title as an identifier-like SARIF rule name: ``"Runs as root"`` -> ``"RunsAsRoot"``."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _descriptors(
    rules: tuple[Rule, ...], findings: list[Finding]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    out: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for r in sorted(rules, key=lambda r: r.id):
        if r.id not in index:
            index[r.id] = len(out)
            out.append(_rule_descriptor(r))
    # Findings from engines outside the rule registry still need a descriptor to point at.
    for f in findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(out)
            out.append(_finding_descriptor(f))
    return out, index


def _rule_descriptor(r: Rule) -> dict[str, Any]:
    text = f"{r.rationale}\n\nRemediation: {r.remediation}"
    markdown = f"**{r.title}**\n\n{r.rationale}\n\n## Remediation\n\n{r.remediation}"
    if r.references:
        markdown += "\n\n## References\n\n" + "\n".join(f"- {ref}" for ref in r.references)
    tags = ["security", *r.practices]
    if r.cwe:
        tags.append(f"external/cwe/{r.cwe.lower()}")
    return {
        "id": r.id,
        "name": rule_name(r.title),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.rationale or r.title},
        "help": {"text": text, "markdown": markdown},
        "helpUri": r.help_uri,
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[r.severity],
            "precision": PRECISION[r.confidence],
            "problem.severity": LEVEL[r.severity],
            "severity": r.severity.value,
            "practices": list(r.practices),
            "lifecycle": r.lifecycle,
        },
    }


def _finding_descriptor(f: Finding) -> dict[str, Any]:
    return {
        "id": f.rule_id,
        "name": rule_name(f.title),
        "shortDescription": {"text": f.title or f.rule_id},
        "help": {"text": f.remediation or f.title or f.rule_id},
        "defaultConfiguration": {"level": LEVEL[f.severity]},
        "properties": {
            "tags": ["security", *f.practices],
            "security-severity": SECURITY_SEVERITY[f.severity],
            "precision": PRECISION[f.confidence],
            "severity": f.severity.value,
            "practices": list(f.practices),
        },
    }


_URI = re.compile(r"^[a-z][a-z0-9+.-]*://")


def artifact_location(path: str, root: str) -> dict[str, Any]:
    """A relative URI against ``%SRCROOT%``; an absolute ``file:`` URI outside the root; a
    live resource's own URI (``aws://eu-west-1/ec2/...``) as it is."""
    if _URI.match(path):
        return {"uri": path}
    p = Path(path)
    if p.is_absolute() and root:
        try:
            p = p.relative_to(Path(root).resolve())
        except ValueError:
            try:
                p = p.relative_to(Path(root))
            except ValueError:
                return {"uri": p.as_uri()}
    elif p.is_absolute():
        return {"uri": p.as_uri()}
    rel = PurePosixPath(*p.parts).as_posix() if p.parts else "."
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _physical(path: str, line: int, root: str) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": artifact_location(path, root)}
    if line > 0:
        loc["region"] = {"startLine": line}
    return {"physicalLocation": loc}


def _result(f: Finding, rule_index: int, root: str) -> dict[str, Any]:
    location = _physical(f.location.path, f.location.line, root)
    if f.resource is not None:
        location["logicalLocations"] = [
            {"name": f.resource.name, "fullyQualifiedName": str(f.resource),
             "kind": f.resource.kind}
        ]
    props: dict[str, Any] = {
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "mode": f.mode.value,
        "practices": list(f.practices),
    }
    if f.service:
        props["service"] = f.service
    if f.evidence:
        props["evidence"] = f.evidence
    if f.remediation:
        props["remediation"] = f.remediation
    if f.extra:
        props["extra"] = {k: v for k, v in f.extra}
    if f.identity:
        props["identity"] = f.identity
    if f.source:
        props["source"] = f.source
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [location],
    }
    if f.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.suppressed_by:
        kind = "inSource" if f.suppressed_by.startswith(_IN_SOURCE) else "external"
        result["suppressions"] = [
            {"kind": kind, "status": "accepted", "justification": f.suppressed_by}
        ]
    result["properties"] = props
    return result


def _error_notification(e: InputError, root: str) -> dict[str, Any]:
    text = f"{e.message} ({e.hint})" if e.hint else e.message
    note: dict[str, Any] = {"level": "error", "message": {"text": text}}
    if e.path and not e.path.startswith("<"):  # "<meshward>", "<stdin>": not a file
        note["locations"] = [_physical(e.path, e.line, root)]
    note["descriptor"] = {"id": "input-error"}
    return note


def _invocation(report: Report) -> dict[str, Any]:
    errors = [_error_notification(e, report.root) for e in report.errors]
    notices = []
    for text in report.notices:
        note: dict[str, Any] = {"level": "note", "message": {"text": text}}
        where = notice_location(text)
        if where is not None:
            note["locations"] = [_physical(where[0], where[1], report.root)]
        notices.append(note)
    inv: dict[str, Any] = {"executionSuccessful": not report.errors}
    if errors:
        inv["toolExecutionNotifications"] = errors
    if notices:
        inv["toolConfigurationNotifications"] = notices
    return inv
