"""``meshward report PATH... -o report.html``: the graph, the scorecard and the findings in one
self-contained HTML page, with what changed since the previous run when ``--history`` is given."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from meshward import __version__
from meshward.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, config_for, with_baseline
from meshward.errors import UsageError
from meshward.findings.finding import Finding, Severity
from meshward.history.delta import compare, tracked
from meshward.history.store import History, open_history
from meshward.pipeline import scan
from meshward.reporters.interface import Report
from meshward.reporters.json_read import LoadedReport, read_report


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report", help="write one HTML page: service graph, the guide's scorecard, findings",
        description="Scan PATH and write a self-contained HTML report (opens from disk, fetches "
                    "nothing): the service graph grouped by environment, the scorecard per "
                    "practice of the guide, and every finding with evidence and fix.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the HTML file to write")
    p.add_argument("--history", metavar="FILE", type=Path,
                   help="SQLite file recording each run: the page shows new, fixed and still-open "
                        "findings since the previous run and a trend per practice")
    p.add_argument("--probe", action="append", default=[], metavar="FILE.json", type=Path,
                   help="embed the JSON report of an earlier `meshward probe` (repeatable)")
    p.add_argument("--secrets", action="append", default=[], metavar="FILE.json", type=Path,
                   help="embed the JSON report of an earlier `meshward secrets` (repeatable)")
    p.add_argument("--baseline", metavar="FILE", help="hide findings recorded in this baseline")
    p.add_argument("--config", metavar="FILE", help="config file (default: nearest .meshward.yaml)")
    p.add_argument("--fail-on", metavar="SEVERITY",
                   help="exit 1 when a finding at or above SEVERITY remains (default: never)")
    p.set_defaults(func=run)


def _merge(findings: list[Finding], extra: list[LoadedReport]) -> tuple[list[Finding], dict[str, str]]:
    """Add the embedded reports' findings; one already found by the scan is kept once (same
    fingerprint, or the same rule at the same file, line and evidence)."""
    seen = {f.fingerprint for f in findings}
    places = {(f.rule_id, f.location.path, f.location.line, f.evidence) for f in findings}
    sources: dict[str, str] = {}
    out = list(findings)
    for rep in extra:
        for f in rep.findings:
            place = (f.rule_id, f.location.path, f.location.line, f.evidence)
            if f.fingerprint in seen or place in places:
                continue
            seen.add(f.fingerprint)
            places.add(place)
            sources[f.fingerprint] = rep.command
            out.append(f)
    return out, sources


def _history_view(hist: History, active: list[Finding], report: Report) -> Any:
    from meshward.reporters.html.document import HistoryView
    from meshward.reporters.summary import practice_rows

    runs = hist.runs()
    if not runs:
        return None
    previous = runs[-1]
    delta = compare(hist.findings(previous.id), [tracked(f) for f in active])
    trend: dict[str, list[int]] = {}
    past = hist.practice_counts(limit=19)
    for row in practice_rows(report):
        trend[row.code] = [counts.get(row.code, 0) for _, counts in past] + [row.active]
    return HistoryView(str(hist.path), len(runs), previous.id, previous.recorded_at, delta, trend)


def run(args: argparse.Namespace) -> int:
    from meshward.reporters.html.document import Embedded, build_document
    from meshward.reporters.html.page import render_page

    fail_on = None
    if args.fail_on:
        try:
            fail_on = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    # Read what is embedded first: a wrong file stops the run before the scan.
    extra = [read_report(p, ("probe",)) for p in args.probe]
    extra += [read_report(p, ("secrets",)) for p in args.secrets]
    out = Path(args.output)
    if out.is_dir():
        raise UsageError(f"{out} is a folder", "give the HTML file to write, e.g. -o report.html")
    config = config_for(args, args.paths[0])
    result = scan(args.paths, config)
    errors: list[Any] = list(result.errors)
    findings, sources = _merge(result.findings, extra)
    findings = with_baseline(args, findings, errors)
    rules = {r.id: r for r in result.rules_run}
    for rep in extra:
        rules.update((r.id, r) for r in rep.rules)
    report = Report(command="report", root=str(args.paths[0]), findings=findings,
                    rules=tuple(rules[k] for k in sorted(rules)), errors=errors,
                    notices=result.notices, files_read=result.inventory.files_read,
                    services=len(result.inventory.services), duration_s=result.duration_s)
    embedded = [Embedded(r.path, r.command, r.root, len(r.findings), r.errors) for r in extra]

    def write(history: Any) -> None:
        page = render_page(build_document(report, result.context, sources, embedded, history))
        try:
            out.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}") from None

    if args.history:
        with open_history(args.history) as hist:
            view = _history_view(hist, report.active, report)
            write(view)
            hist.record("report", report.root, __version__, [tracked(f) for f in report.active])
        if view is not None:
            d = view.delta
            print(f"meshward: since run {view.previous_run} ({view.previous_at}): "
                  f"{len(d.new)} new, {len(d.fixed)} fixed, {len(d.still_open)} still open",
                  file=sys.stderr)
    else:
        write(None)
    active = report.active
    print(f"meshward: wrote {out} ({len(active)} findings, {report.services} services)",
          file=sys.stderr)
    for e in errors:
        print(f"meshward: input error: {e.render()}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if fail_on is not None and any(f.severity >= fail_on for f in active):
        return EXIT_FINDINGS
    return EXIT_OK
