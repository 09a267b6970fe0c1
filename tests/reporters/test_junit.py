"""JUnit XML: parses, one suite per practice, failures with file:line, errors, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from meshward.errors import InputError
from meshward.reporters.junit import JunitReporter, xml_text
from tests.reporters.sample import PLAINTEXT, make_finding, sample_report


def _root(**kw: object) -> ET.Element:
    out = JunitReporter().render(sample_report(**kw))
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    return ET.fromstring(out.encode())


def test_suites_and_counts() -> None:
    root = _root()
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("name", "tests", "failures", "errors", "skipped")} == {
        "name": "meshward scan", "tests": "5", "failures": "3", "errors": "1", "skipped": "1"}
    assert [s.get("name") for s in root] == [
        "meshward.AUTH-LEASTPRIV", "meshward.TLS-PLAINTEXT", "meshward.SEC-HARDCODED",
        "meshward.inputs"]
    lp = root[0]
    assert [c.get("name") for c in lp] == ["MWT01 CronJob/ops/cron", "MWT01 Deployment/shop/web"]
    assert lp[0].find("skipped") is not None
    assert lp[0].find("skipped").get("message") == "suppressed by comment at k8s/jobs.yaml:2"  # type: ignore[union-attr]
    fail = lp[1].find("failure")
    assert fail is not None
    assert fail.get("message") == 'k8s/web.yaml:12: container "web" is privileged'
    assert fail.get("type") == "high"
    assert fail.text == ('HIGH MWT01 k8s/web.yaml:12 container "web" is privileged\n'
                         "  evidence: privileged: true\n"
                         "  fix: Set securityContext.privileged: false.")
    assert (lp[1].get("file"), lp[1].get("line")) == ("k8s/web.yaml", "12")


def test_input_errors() -> None:
    suite = _root()[3]
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    err = suite[0].find("error")
    assert err is not None
    assert err.get("message") == (
        "k8s/bad.yaml:4: mapping values are not allowed here (check the indentation)")
    assert err.get("type") == "InputError"


def test_clean_rules_pass_and_grouping() -> None:
    f1 = make_finding(PLAINTEXT, "compose.yaml", 7, "one", service="orders", key="A")
    f2 = make_finding(PLAINTEXT, "compose.yaml", 9, "two", service="orders", key="B")
    root = _root(findings=[f1, f2], errors=[])
    lp = root[0]
    assert lp.get("name") == "meshward.AUTH-LEASTPRIV"
    assert [(c.get("name"), len(c)) for c in lp] == [("MWT01: Privileged container", 0)]
    tp = root[1]
    (case,) = list(tp)
    fail = case.find("failure")
    assert fail is not None
    assert fail.get("message") == "compose.yaml:7: one (+1 more)"
    assert fail.text is not None and fail.text.count("MEDIUM MWT02") == 2
    assert root.get("tests") == "3" and root.get("failures") == "2"


def test_escaping_and_control_characters() -> None:
    nasty = 'a <b> & "c" ]]> \x1b[31m \x00 end'
    f = make_finding(PLAINTEXT, "we<ird>&.yaml", 3, nasty, evidence=nasty)
    out = JunitReporter().render(sample_report(
        findings=[f], errors=[InputError("x&y.yaml", 2, nasty)]))
    root = ET.fromstring(out.encode())
    fail = root.find(".//failure")
    assert fail is not None
    assert fail.get("message") == 'we<ird>&.yaml:3: a <b> & "c" ]]> \\x1b[31m \\x00 end'
    assert xml_text("ok\ttab\nline") == "ok\ttab\nline"
    err = root.find(".//error")
    assert err is not None and err.get("message", "").startswith("x&y.yaml:2: a <b>")


def test_empty_run_is_valid() -> None:
    root = _root(findings=[], errors=[], rules=())
    assert len(root) == 0 and root.get("tests") == "0"
