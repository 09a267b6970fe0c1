"""Markdown for pull-request comments: headline, findings table, fixes, the guide's scorecard.

The whole comment stays under :data:`MAX_BYTES` (GitHub refuses comments over
65,536 characters); rows that do not fit are dropped with a note saying how
many and how to see them all.
"""

from __future__ import annotations

from meshward.findings.finding import Finding
from meshward.reporters.interface import Report, Reporter
from meshward.reporters.summary import (
    NOT_CHECKED,
    SEVERITIES,
    guide_line,
    ordered,
    practice_rows,
    severity_counts,
)

MAX_BYTES = 60_000
_RESERVE = 1_000  # room kept for truncation notes (one per section at most)


def cell(text: str) -> str:
    """``text`` safe inside a table cell: no pipes, no raw HTML, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.strip().splitlines()) or " "


def code(text: str) -> str:
    """An inline code span that survives backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{cell(text)}{pad}{fence}"


def _size(lines: list[str]) -> int:
    return sum(len(line.encode()) + 1 for line in lines)


class MarkdownReporter(Reporter):
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def render(self, report: Report) -> str:
        head = [self._headline(report), ""]
        tail = self._practices(report)
        budget = self.max_bytes - _RESERVE - _size(head) - _size(tail)
        active = ordered(report.active)
        # (lines, what they list), in the order shown; budget goes first to those with
        # the lowest priority number, so a long findings table cannot push out the fixes.
        sections: list[tuple[int, list[str], str]] = []
        if report.errors:
            lines = ["### Input errors", ""]
            lines += [f"- {code(e.path + (f':{e.line}' if e.line else ''))}: {cell(e.message)}"
                      + (f" ({cell(e.hint)})" if e.hint else "") for e in report.errors]
            sections.append((0, [*lines, ""], "input errors"))
        if report.notices:
            lines = ["### Notices", "", *(f"- {cell(n)}" for n in report.notices), ""]
            sections.append((1, lines, "notices"))
        if active:
            sections.append((3, self._table(active), "findings"))
            sections.append((2, self._fixes(active), "remediation entries"))
        if report.show_suppressed and report.suppressed:
            sections.append((4, self._suppressed(report), "suppressed findings"))
        fitted: dict[int, list[str]] = {}
        for prio, lines, what in sorted(sections, key=lambda s: s[0]):
            kept = _fit(lines, budget)
            if len(kept) < len(lines):
                dropped = _dropped(lines, kept)
                kept += _close_open(kept)
                kept += ["", f"> **Truncated:** {dropped} more {what} not shown "
                         "to keep this comment short; run with `--format json` for the full "
                         "report.", ""]
            budget -= _size(kept)
            fitted[prio] = kept
        body = [line for prio, _, _ in sections for line in fitted[prio]]
        return "\n".join(head + body + tail).rstrip("\n") + "\n"

    def _headline(self, report: Report) -> str:
        active = report.active
        counts = severity_counts(active)
        parts = [f"{counts[s]} {s.value}" for s in SEVERITIES if counts[s]]
        text = f"## meshward {report.command}: {len(active)} finding{'s' * (len(active) != 1)}"
        if parts:
            text += f" ({', '.join(parts)})"
        extra = [f"{len(report.suppressed)} suppressed"]
        if report.errors:
            extra.append(f"{len(report.errors)} input error{'s' * (len(report.errors) != 1)}")
        extra.append(f"{report.files_read} files, {report.services} services")
        return f"{text}; {'; '.join(extra)}"

    def _row(self, f: Finding) -> str:
        where = code(str(f.location))
        if f.resource is not None:
            where += f"<br>{cell(str(f.resource))}"
        return (f"| **{f.severity.value}** | {cell(f.rule_id)} | {where} | {cell(f.message)} |")

    def _table(self, findings: list[Finding]) -> list[str]:
        rows = [self._row(f) for f in findings]
        return ["| Severity | Rule | Location | Message |", "|---|---|---|---|", *rows, ""]

    def _fixes(self, findings: list[Finding]) -> list[str]:
        by_rule: dict[str, list[Finding]] = {}
        for f in findings:
            if f.remediation:
                by_rule.setdefault(f.rule_id, []).append(f)
        lines: list[str] = []
        for rule_id in sorted(by_rule):
            group = by_rule[rule_id]
            n = len(group)
            summary = f"{cell(rule_id)} {cell(group[0].title)}: how to fix ({n} finding{'s' * (n != 1)})"
            lines.append(f"<details><summary>{summary}</summary>\n\n"
                         f"{_quote(group[0].remediation)}\n\n</details>")
        return [*lines, ""] if lines else []

    def _suppressed(self, report: Report) -> list[str]:
        n = len(report.suppressed)
        lines = [f"<details><summary>{n} suppressed finding{'s' * (n != 1)}</summary>", "",
                 "| Severity | Rule | Location | Suppressed by |", "|---|---|---|---|"]
        for f in ordered(report.suppressed):
            lines.append(f"| {f.severity.value} | {cell(f.rule_id)} | {code(str(f.location))} "
                         f"| {cell(f.suppressed_by)} |")
        return [*lines, "", "</details>", ""]

    def _practices(self, report: Report) -> list[str]:
        rows = practice_rows(report)
        checked = [r for r in rows if r.status != NOT_CHECKED]
        lines = ["### Practices of the guide", "", guide_line(rows), ""]
        if checked:
            lines += ["| Practice | Status | Findings | Suppressed | Rules |", "|---|---|---|---|---|"]
            for r in checked:
                found = ", ".join(f"{r.counts[s]} {s.value}" for s in SEVERITIES if r.counts[s])
                rules = ", ".join(r.rules) or "-"
                lines.append(f"| {r.code} | {r.status} | {found or '0'} | {r.suppressed} "
                             f"| {cell(rules)} |")
            lines.append("")
        unchecked = [r.code for r in rows if r.status == NOT_CHECKED]
        if unchecked:
            lines += [f"Not checked by this run: {', '.join(unchecked)}.", ""]
        return lines


def _quote(text: str) -> str:
    """Remediation as Markdown text; HTML-escaped so it cannot close the ``<details>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").strip()


def _fit(lines: list[str], budget: int) -> list[str]:
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(line.encode()) + 1
        if used > budget:
            break
        kept.append(line)
    return kept


def _dropped(lines: list[str], kept: list[str]) -> int:
    """How many table rows, list items or whole ``<details>`` entries were left out."""
    rest = lines[len(kept):]
    return sum(1 for line in rest
               if (line.startswith(("| ", "- ")) and not line.startswith("| Severity"))
               or (line.startswith("<details>") and "</details>" in line))


def _close_open(kept: list[str]) -> list[str]:
    """Close a ``<details>`` block the cut left open."""
    opened = sum(1 for line in kept if line.startswith("<details><summary>") and
                 "</details>" not in line)
    closed = sum(1 for line in kept if line == "</details>")
    return ["", "</details>"] * (opened - closed)
