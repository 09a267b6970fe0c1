"""JUnit XML for CI dashboards: one testsuite per practice, one testcase per (rule, resource).

A rule that ran and found nothing is one passing testcase in each practice it
serves; findings of a rule on one resource are one testcase with a single
``<failure>`` listing them; a testcase whose findings are all suppressed is
``<skipped>``. Input errors are ``<error>`` testcases of a last suite,
``meshward.inputs``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from meshward.findings.finding import Finding
from meshward.practices import PRACTICES
from meshward.reporters.interface import Report, Reporter
from meshward.reporters.summary import TOOL_NAME, ordered

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with characters XML cannot hold shown as ``\\xNN`` (ElementTree escapes the rest)."""
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def resource_key(f: Finding) -> str:
    if f.resource is not None:
        return str(f.resource)
    if f.service:
        return f"service/{f.service}"
    return f.location.path


@dataclass
class _Case:
    rule_id: str
    resource: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed_by]


class JunitReporter(Reporter):
    def render(self, report: Report) -> str:
        root = ET.Element("testsuites", name=xml_text(f"{TOOL_NAME} {report.command}"))
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for code in PRACTICES:
            suite = self._practice_suite(report, code)
            if suite is not None:
                root.append(suite)
                _add_counts(totals, suite)
        if report.errors:
            suite = _errors_suite(report)
            root.append(suite)
            _add_counts(totals, suite)
        for k, v in totals.items():
            root.set(k, str(v))
        root.set("time", f"{report.duration_s:.3f}")
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

    def _practice_suite(self, report: Report, code: str) -> ET.Element | None:
        cases: dict[tuple[str, str], _Case] = {}
        for f in ordered(report.findings):
            if code in f.practices:
                key = (f.rule_id, resource_key(f))
                cases.setdefault(key, _Case(*key)).findings.append(f)
        failing_rules = {rule_id for rule_id, _ in cases}
        clean = sorted(r.id for r in report.rules if code in r.practices
                       and r.id not in failing_rules)
        if not cases and not clean:
            return None
        suite = ET.Element("testsuite", name=f"{TOOL_NAME}.{code}")
        classname = f"{TOOL_NAME}.{code}"
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        titles = {r.id: r.title for r in report.rules}
        for rule_id in clean:
            name = f"{rule_id}: {titles[rule_id]}" if titles.get(rule_id) else rule_id
            ET.SubElement(suite, "testcase", name=xml_text(name), classname=classname)
            counts["tests"] += 1
        for (rule_id, resource), case in sorted(cases.items()):
            first = case.findings[0]
            tc = ET.SubElement(suite, "testcase", name=xml_text(f"{rule_id} {resource}"),
                               classname=classname, file=xml_text(first.location.path))
            if first.location.line:
                tc.set("line", str(first.location.line))
            counts["tests"] += 1
            active = case.active
            if active:
                counts["failures"] += 1
                fail = ET.SubElement(tc, "failure", type=active[0].severity.value,
                                     message=xml_text(_failure_message(active)))
                fail.text = xml_text("\n".join(_failure_line(f) for f in active))
            else:
                counts["skipped"] += 1
                by = "; ".join(sorted({f.suppressed_by for f in case.findings}))
                ET.SubElement(tc, "skipped", message=xml_text(f"suppressed by {by}"))
        for k, v in counts.items():
            suite.set(k, str(v))
        suite.set("time", "0")
        return suite


def _failure_message(active: list[Finding]) -> str:
    f = active[0]
    more = f" (+{len(active) - 1} more)" if len(active) > 1 else ""
    return f"{f.location}: {f.message}{more}"


def _failure_line(f: Finding) -> str:
    line = f"{f.severity.value.upper()} {f.rule_id} {f.location} {f.message}"
    if f.evidence:
        line += "\n  evidence: " + f.evidence.replace("\n", "\n    ")
    if f.remediation:
        line += "\n  fix: " + f.remediation.replace("\n", "\n    ")
    return line


def _errors_suite(report: Report) -> ET.Element:
    suite = ET.Element("testsuite", name=f"{TOOL_NAME}.inputs")
    for e in report.errors:
        tc = ET.SubElement(suite, "testcase", name=xml_text(f"read {e.path}"),
                           classname=f"{TOOL_NAME}.inputs", file=xml_text(e.path))
        if e.line:
            tc.set("line", str(e.line))
        err = ET.SubElement(tc, "error", type="InputError", message=xml_text(e.render()))
        err.text = xml_text(e.render())
    n = str(len(report.errors))
    for k, v in (("tests", n), ("failures", "0"), ("errors", n), ("skipped", "0"),
                 ("time", "0")):
        suite.set(k, v)
    return suite


def _add_counts(totals: dict[str, int], suite: ET.Element) -> None:
    for k in totals:
        totals[k] += int(suite.get(k, "0"))
