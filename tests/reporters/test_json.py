"""The JSON format: key order, every field, and validity against the shipped JSON Schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from meshward.findings.finding import Mode
from meshward.reporters.json_report import JsonReporter, load_schema
from tests.reporters.sample import PLAINTEXT, make_finding, sample_report


def _doc(**kw: Any) -> dict[str, Any]:
    out = JsonReporter().render(sample_report(**kw))
    assert out.endswith("}\n")
    doc: dict[str, Any] = json.loads(out)
    return doc


def _validate(doc: dict[str, Any]) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_top_level_shape_and_order() -> None:
    doc = _doc()
    assert list(doc) == ["schema_version", "tool", "run", "findings", "errors", "notices",
                         "summary"]
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "meshward", "version": "0.1.0",
                           "information_uri": "https://github.com/meshward/meshward"}
    assert doc["run"] == {"command": "scan", "root": "fleet", "duration_s": 0.0}
    _validate(doc)


def test_every_finding_field() -> None:
    doc = _doc()
    # all findings, suppressed too, most severe first then by file
    assert [(f["rule_id"], f["location"]["path"], f["suppressed"]) for f in doc["findings"]] == [
        ("MWT01", "k8s/jobs.yaml", True), ("MWT01", "k8s/web.yaml", False),
        ("MWT02", "compose.yaml", False)]
    web = doc["findings"][1]
    assert list(web) == ["rule_id", "title", "severity", "confidence", "mode", "practices",
                         "message", "location", "resource", "service", "evidence",
                         "remediation", "key", "fingerprint", "suppressed", "suppressed_by",
                         "extra", "identity", "source"]
    assert (web["identity"], web["source"]) == ("", "")  # set by watch alerts only
    assert web["location"] == {"path": "k8s/web.yaml", "line": 12}
    assert web["resource"] == {"kind": "Deployment", "namespace": "shop", "name": "web"}
    assert web["severity"] == "high" and web["confidence"] == "high" and web["mode"] == "audit"
    assert web["practices"] == ["AUTH-LEASTPRIV"]
    assert len(web["fingerprint"]) == 32
    assert doc["findings"][0]["suppressed_by"] == "comment at k8s/jobs.yaml:2"
    db = doc["findings"][2]
    assert db["resource"] is None and db["service"] == "orders"
    assert db["practices"] == ["TLS-PLAINTEXT", "SEC-HARDCODED"]
    assert db["evidence"] == "postgres://orders@db/orders"


def test_errors_notices_summary() -> None:
    doc = _doc()
    assert doc["errors"] == [{"path": "k8s/bad.yaml", "line": 4,
                              "message": "mapping values are not allowed here",
                              "hint": "check the indentation"}]
    assert len(doc["notices"]) == 1 and doc["notices"][0].startswith("meshward.yaml:9: ")
    s = doc["summary"]
    assert s["findings"] == 2 and s["suppressed"] == 1
    assert s["by_severity"] == {"critical": 0, "high": 1, "medium": 1, "low": 0, "info": 0}
    assert (s["files_read"], s["services"], s["errors"], s["notices"], s["rules_run"]) == (
        5, 3, 1, 1, 2)
    assert s["practice_status"] == {"met": 0, "gaps": 3, "waived": 0, "not checked": 26}
    assert len(s["practices"]) == 29
    lp = next(p for p in s["practices"] if p["code"] == "AUTH-LEASTPRIV")
    assert lp == {"code": "AUTH-LEASTPRIV",
                  "title": "Each workload runs with the least privilege it needs.",
                  "status": "gaps", "rules": ["MWT01"], "findings": 1,
                  "by_severity": {"critical": 0, "high": 1, "medium": 0, "low": 0, "info": 0},
                  "suppressed": 1}


def test_extra_mode_and_unicode_validate() -> None:
    f = make_finding(PLAINTEXT, "dir with space/ünïcode.yaml", 0, "naïve \"quote\" <tag>",
                     mode=Mode.VERIFY, extra=(("port", "5432"), ("scheme", "postgres")))
    doc = _doc(findings=[f], errors=[], notices=[], duration_s=1.23456)
    got = doc["findings"][0]
    assert got["extra"] == [{"name": "port", "value": "5432"},
                            {"name": "scheme", "value": "postgres"}]
    assert got["mode"] == "verify" and got["location"]["line"] == 0
    assert got["message"] == "naïve \"quote\" <tag>"
    assert doc["run"]["duration_s"] == 1.235
    _validate(doc)


def test_schema_rejects_drift() -> None:
    doc = _doc()
    doc["findings"][1]["unknown"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)
    doc = _doc()
    doc["findings"][1]["suppressed_by"] = "baseline"  # suppressed is False
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)


def test_output_is_deterministic() -> None:
    r = sample_report()
    assert JsonReporter().render(r) == JsonReporter().render(r)
    shuffled = sample_report(findings=list(reversed(r.findings)))
    assert JsonReporter().render(shuffled) == JsonReporter().render(r)
