"""The terminal format: findings grouped by service or file, then the guide's scorecard."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from meshward.findings.finding import Finding, ResourceRef, Severity
from meshward.reporters.interface import Report, Reporter
from meshward.reporters.summary import (
    GAPS,
    MET,
    NOT_CHECKED,
    SEVERITIES,
    WAIVED,
    guide_line,
    ordered,
    practice_rows,
    totals_line,
)
from meshward.vuln.group import render_text as render_vulns

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOR = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: _DIM,
}
_STATUS_COLOR = {GAPS: "\x1b[31m", WAIVED: "\x1b[33m", MET: "\x1b[32m", NOT_CHECKED: _DIM}
_SEV_WIDTH = max(len(s.value) for s in Severity)
_INDENT = "      "
_SHORT = {"critical": "crit", "medium": "med"}


class TextReporter(Reporter):
    """Plain text for a terminal; ANSI colour only when ``Report.color`` is set."""

    _color: bool = False

    def render(self, report: Report) -> str:
        self._color = report.color
        self._width = report.width
        if report.quiet:
            return self._quiet(report)
        out: list[str] = []
        active = report.active
        if active:
            out += self._groups(active)
        else:
            out.append("No findings.")
        vulns = [f for f in active if "SUP-VULN" in f.practices and dict(f.extra).get("vulnerability")]
        if vulns:  # the same findings, counted per service and image (base image of a build)
            out += ["", self._head(f"Vulnerabilities per service and image ({len(vulns)})")]
            out += [f"  {line}" for line in render_vulns(vulns).splitlines()]
        if report.show_suppressed and report.suppressed:
            out += ["", self._head(f"Suppressed findings ({len(report.suppressed)})")]
            for f in ordered(report.suppressed):
                out += self._finding(f)
                out.append(f"{_INDENT}suppressed by: {f.suppressed_by}")
        if report.errors:
            out += ["", self._head(f"Input errors ({len(report.errors)})")]
            out += [f"  {e.render()}" for e in report.errors]
        if report.notices:
            out += ["", self._head(f"Notices ({len(report.notices)})")]
            out += [f"  {n}" for n in report.notices]
        out += ["", *self._practices(report)]
        out += ["", self._head(totals_line(report))]
        return "\n".join(out) + "\n"

    def _quiet(self, report: Report) -> str:
        """Only the summary: the guide's line and the totals (input errors are never hidden)."""
        out: list[str] = []
        if report.errors:
            out += [self._head(f"Input errors ({len(report.errors)})")]
            out += [f"  {e.render()}" for e in report.errors]
        out += [guide_line(practice_rows(report)), self._head(totals_line(report))]
        return "\n".join(out) + "\n"

    # -- pieces -------------------------------------------------------------------------

    _width: int = 0

    def _wrap(self, line: str, indent: str) -> list[str]:
        """``line`` wrapped to the terminal width, continuation lines under ``indent``."""
        if self._width <= 0 or len(line) <= self._width:
            return [line]
        width = max(self._width, len(indent) + 20)
        return textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False,
                             break_long_words=False) or [line]

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self._color else text

    def _head(self, text: str) -> str:
        return self._paint(_BOLD, text)

    def _groups(self, findings: Iterable[Finding]) -> list[str]:
        groups: dict[tuple[int, str], list[Finding]] = {}
        for f in findings:
            key = (0, f.service) if f.service else (1, f.location.path)
            groups.setdefault(key, []).append(f)
        out: list[str] = []
        for (kind, name), members in sorted(groups.items()):
            if out:
                out.append("")
            label = f"service {name}" if kind == 0 else name
            out.append(self._head(f"{label} ({len(members)})"))
            for f in ordered(members):
                out += self._finding(f)
        return out

    def _finding(self, f: Finding) -> list[str]:
        word = f.severity.value.upper()
        sev = word + " " * (_SEV_WIDTH - len(word))
        parts = [sev, f.rule_id, str(f.location)]
        if f.resource is not None and not names_resource(f.message, f.resource):
            parts.append(str(f.resource))
        parts.append(f.message)
        lines = self._wrap("  " + " ".join(parts), _INDENT)  # wrapped as plain text...
        lines[0] = "  " + self._paint(_SEVERITY_COLOR[f.severity], word) + lines[0][2 + len(word):]
        if f.evidence:
            lines += self._block("evidence: ", f.evidence)
        if f.remediation:
            lines += self._block("fix: ", f.remediation)
        return lines

    def _block(self, label: str, text: str) -> list[str]:
        pad = _INDENT + " " * len(label)
        return [w for line in _block(label, text) for w in self._wrap(line, pad)]

    def _practices(self, report: Report) -> list[str]:
        rows = practice_rows(report)
        code_w = max(len(r.code) for r in rows)
        status_w = max(len(w) for w in (GAPS, WAIVED, MET, NOT_CHECKED))
        sev_heads = [_SHORT.get(s.value, s.value).upper() for s in SEVERITIES]
        head = (f"  {'PRACTICE'.ljust(code_w)}  {'STATUS'.ljust(status_w)}  "
                + "  ".join(h.rjust(4) for h in sev_heads) + "  SUPP  RULES")
        out = [self._head("Practices of the guide"), head]
        for r in rows:
            status = (self._paint(_STATUS_COLOR[r.status], r.status)
                      + " " * (status_w - len(r.status)))
            nums = "  ".join(str(r.counts[s]).rjust(4) for s in SEVERITIES)
            rules = ",".join(r.rules) if r.rules else "-"
            out.append(f"  {r.code.ljust(code_w)}  {status}  {nums}  "
                       f"{str(r.suppressed).rjust(4)}  {rules}")
        out.append(guide_line(rows))
        return out


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def names_resource(message: str, r: ResourceRef) -> bool:
    """Does the message already name the finding's object (kind, namespace and name)?

    ``container worker of Deployment shop/worker runs privileged`` names
    ``Deployment/shop/worker``; ``compose service web ...`` names ``ComposeService/web``;
    ``orders is configured to call ...`` does not name ``Deployment/sock-shop/orders`` (kind
    and namespace would be lost), so the text reporter prints the object before it.
    """
    name = r.name.split("#", 1)[0]
    if r.kind == "ServiceEdge":
        return all(end.strip() in message for end in name.split("->"))
    if not name or name not in message:
        return False
    if r.namespace and r.namespace not in message:
        return False
    low = message.lower()
    return "/" in name or r.kind.lower() in low or _CAMEL.sub(" ", r.kind).lower() in low


def _block(label: str, text: str) -> list[str]:
    """``label`` then ``text``, every continuation line aligned under the first."""
    lines = text.splitlines() or [""]
    pad = _INDENT + " " * len(label)
    return [f"{_INDENT}{label}{lines[0]}", *(f"{pad}{line}" for line in lines[1:])]
