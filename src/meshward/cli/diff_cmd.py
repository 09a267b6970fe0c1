"""``meshward diff OLD.json NEW.json``: new, fixed and still-open findings between two JSON
reports, as text, JSON or Markdown (for a CI comment)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import EXIT_FINDINGS, EXIT_OK
from meshward.errors import UsageError
from meshward.findings.finding import Severity
from meshward.history.delta import Delta, Tracked, compare, tracked
from meshward.practices import PRACTICES
from meshward.reporters.json_read import read_report

FORMATS = ("text", "json", "markdown")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff", help="new, fixed and still-open findings between two JSON reports",
        description="Compare two JSON reports (meshward scan|secrets|probe -f json) by finding "
                    "fingerprint. Exit 1 when a new finding is at or above --fail-on.")
    p.add_argument("old", type=Path, metavar="OLD.json")
    p.add_argument("new", type=Path, metavar="NEW.json")
    p.add_argument("-f", "--format", default="text", choices=FORMATS,
                   help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--fail-on", metavar="SEVERITY", default="low",
                   help="exit 1 when a NEW finding is at or above SEVERITY (default: low)")
    p.set_defaults(func=run)


def practice_trend(delta: Delta) -> list[tuple[str, int, int]]:
    """(practice, open before, open now) for every practice whose count changed or is open."""
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for t in [*delta.fixed, *delta.still_open]:
        for p in t.practices:
            before[p] = before.get(p, 0) + 1
    for t in [*delta.new, *delta.still_open]:
        for p in t.practices:
            after[p] = after.get(p, 0) + 1
    return [(code, before.get(code, 0), after.get(code, 0)) for code in PRACTICES
            if before.get(code, 0) or after.get(code, 0)]


def _line(t: Tracked) -> str:
    where = f"{t.path}:{t.line}" if t.line else t.path
    svc = f" [{t.service}]" if t.service else ""
    return f"{t.severity.upper():8} {t.rule_id} {where}{svc} {t.message}"


def render_text(delta: Delta, old: str, new: str) -> str:
    out = [f"meshward diff {old} -> {new}",
           f"{len(delta.new)} new, {len(delta.fixed)} fixed, {len(delta.still_open)} still open"]
    for title, items in (("New", delta.new), ("Fixed", delta.fixed)):
        out += ["", f"{title} ({len(items)})"]
        out += [f"  {_line(t)}" for t in items] or ["  none"]
    trend = practice_trend(delta)
    if trend:
        out += ["", "Per practice (open before -> now)"]
        w = max(len(c) for c, _, _ in trend)
        for code, b, a in trend:
            sign = "+" if a > b else "-" if a < b else "="
            out.append(f"  {code.ljust(w)}  {b:>5} -> {a:<5} {sign}")
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(delta: Delta) -> str:
    out = ["## meshward: what changed", "",
           f"**{len(delta.new)} new**, **{len(delta.fixed)} fixed**, "
           f"{len(delta.still_open)} still open.", ""]
    for title, items in (("New findings", delta.new), ("Fixed findings", delta.fixed)):
        out += [f"### {title} ({len(items)})", ""]
        if not items:
            out += ["None.", ""]
            continue
        out += ["| severity | rule | where | service | message |", "|---|---|---|---|---|"]
        for t in items:
            where = f"{t.path}:{t.line}" if t.line else t.path
            out.append(f"| {t.severity} | {t.rule_id} | `{_md_cell(where)}` | "
                       f"{_md_cell(t.service or '')} | {_md_cell(t.message)} |")
        out.append("")
    trend = practice_trend(delta)
    if trend:
        out += ["### Per practice", "", "| practice | before | now |", "|---|---:|---:|"]
        out += [f"| {code} | {b} | {a} |" for code, b, a in trend]
        out.append("")
    return "\n".join(out)


def render_json(delta: Delta, old: str, new: str) -> str:
    doc: dict[str, Any] = {"schema_version": 1, "old": old, "new": new, **delta.as_dict()}
    doc["practices"] = [{"code": c, "before": b, "now": a} for c, b, a in practice_trend(delta)]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        fail_on = Severity.parse(args.fail_on)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    old = read_report(args.old)
    new = read_report(args.new)
    delta = compare([tracked(f) for f in old.findings if not f.suppressed_by],
                    [tracked(f) for f in new.findings if not f.suppressed_by])
    if args.format == "json":
        text = render_json(delta, str(args.old), str(args.new))
    elif args.format == "markdown":
        text = render_markdown(delta)
    else:
        text = render_text(delta, str(args.old), str(args.new))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    if any(t.rank >= fail_on.rank for t in delta.new):
        return EXIT_FINDINGS
    return EXIT_OK
