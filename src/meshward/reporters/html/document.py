"""The data the page is drawn from: one JSON-ready document built from a scan and its extras."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from meshward import __version__
from meshward.checks.context import ScanContext
from meshward.findings.finding import Finding
from meshward.history.delta import Delta
from meshward.reporters.interface import Report
from meshward.reporters.json_report import error_dict, finding_dict
from meshward.reporters.summary import ordered, practice_rows, status_counts

from .graphdata import graph_data
from .scorecard import scorecard

STILL_OPEN_SAMPLE = 200


@dataclass
class Embedded:
    """A JSON report of an earlier run shown in the page (``--probe``/``--secrets``)."""

    path: str
    command: str
    root: str
    findings: int
    errors: int


@dataclass
class HistoryView:
    """What the history file says about this run."""

    file: str
    runs: int  # runs recorded before this one
    previous_run: int
    previous_at: str
    delta: Delta
    trend: dict[str, list[int]] = field(default_factory=dict)  # practice -> counts, oldest first


def build_document(report: Report, ctx: ScanContext, sources: dict[str, str],
                   embedded: list[Embedded], history: HistoryView | None = None,
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """``sources`` maps a finding's fingerprint to the command that found it (default scan)."""
    findings: list[Finding] = ordered(report.findings)
    rows = []
    for f in findings:
        row = finding_dict(f)
        row["source"] = sources.get(f.fingerprint, "scan")
        rows.append(row)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    hist: dict[str, Any] | None = None
    if history is not None:
        d = history.delta
        hist = {
            "file": history.file, "runs": history.runs, "previous_run": history.previous_run,
            "previous_at": history.previous_at,
            "new": [t.fingerprint for t in d.new],
            "fixed": [t.as_dict() for t in d.fixed],
            "still_open": len(d.still_open),
            "still_open_sample": [t.as_dict() for t in d.still_open[:STILL_OPEN_SAMPLE]],
        }
    return {
        "meta": {
            "root": report.root, "generated_at": stamp, "version": __version__,
            "files_read": report.files_read, "services": report.services,
            "duration_s": round(report.duration_s, 3),
            "embedded": [f"{e.command} results" for e in embedded],
        },
        "guide": status_counts(practice_rows(report)),
        "practices": scorecard(report, history.trend if history else None),
        "findings": rows,
        "graph": graph_data(ctx, findings),
        "history": hist,
        "embedded": [{"path": e.path, "command": e.command, "root": e.root,
                      "findings": e.findings, "errors": e.errors} for e in embedded],
        "errors": [error_dict(e) for e in report.errors],
        "notices": list(report.notices),
    }
