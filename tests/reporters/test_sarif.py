"""SARIF 2.1.0: validity against the OASIS schema and the fields code scanning reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from meshward.findings.finding import Confidence, Finding, Severity
from meshward.model.source import Location
from meshward.reporters.sarif import SarifReporter, artifact_location, rule_name
from tests.conftest import REPO
from tests.reporters.sample import sample_report

SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def _sarif(**kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SarifReporter().render(sample_report(**kw)))
    return doc


def _validate(doc: dict[str, Any]) -> None:
    if not SCHEMA.is_file():
        pytest.skip("SARIF schema file is absent")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)


def test_valid_against_schema() -> None:
    _validate(_sarif())
    _validate(_sarif(findings=[], errors=[], notices=[], root=""))


def test_driver_and_rules() -> None:
    run = _sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("meshward", "0.1.0")
    assert driver["informationUri"] == "https://github.com/meshward/meshward"
    assert [r["id"] for r in driver["rules"]] == ["MWT01", "MWT02"]
    r0 = driver["rules"][0]
    assert r0["name"] == "PrivilegedContainer"
    assert r0["shortDescription"] == {"text": "Privileged container"}
    assert r0["fullDescription"] == {"text": "A privileged container can take over its node."}
    assert r0["help"]["text"] == ("A privileged container can take over its node.\n\n"
                                  "Remediation: Set securityContext.privileged: false.")
    assert "## Remediation\n\nSet securityContext.privileged: false." in r0["help"]["markdown"]
    assert r0["helpUri"] == "https://github.com/meshward/meshward/blob/main/docs/rules/MWT01.md"
    assert r0["properties"]["tags"] == ["security", "AUTH-LEASTPRIV", "external/cwe/cwe-250"]
    assert r0["properties"]["security-severity"] == "8.0"
    assert r0["properties"]["precision"] == "high"
    assert driver["rules"][1]["properties"]["precision"] == "medium"
    assert driver["rules"][1]["defaultConfiguration"] == {"level": "warning"}


def test_results() -> None:
    run = _sarif()["runs"][0]
    results = run["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("MWT01", 0, "error"), ("MWT01", 0, "error"), ("MWT02", 1, "warning")]
    web = results[1]
    assert web["message"] == {"text": 'container "web" is privileged'}
    phys = web["locations"][0]["physicalLocation"]
    assert phys == {"artifactLocation": {"uri": "k8s/web.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 12}}
    assert web["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "Deployment/shop/web")
    assert web["partialFingerprints"] == {"meshwardFingerprint/v1": sample_report().findings[0]
                                          .fingerprint}
    assert "suppressions" not in web
    assert results[0]["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                           "justification": "comment at k8s/jobs.yaml:2"}]
    assert run["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": Path("fleet").resolve().as_uri() + "/"}}


def test_external_suppression_and_whole_file() -> None:
    f = Finding(rule_id="MWS001", title="AWS access key", severity=Severity.CRITICAL,
                confidence=Confidence.LOW, practices=("SEC-HARDCODED",), message="AWS key",
                location=Location(".env", 0), evidence="AKIA****MPLE",
                suppressed_by="baseline").with_fingerprint()
    doc = _sarif(findings=[f])
    run = doc["runs"][0]
    # a finding whose rule is not in the run's rule list still gets a descriptor
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["MWT01", "MWT02", "MWS001"]
    res = run["results"][0]
    assert res["ruleIndex"] == 2 and res["level"] == "error"
    assert res["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": ".env", "uriBaseId": "%SRCROOT%"}}
    assert res["suppressions"][0]["kind"] == "external"
    assert res["suppressions"][0]["justification"] == "baseline"
    assert run["tool"]["driver"]["rules"][2]["properties"]["security-severity"] == "9.5"
    _validate(doc)


def test_errors_and_notices_are_notifications() -> None:
    inv = _sarif()["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (err,) = inv["toolExecutionNotifications"]
    assert err["level"] == "error"
    assert err["message"]["text"] == "mapping values are not allowed here (check the indentation)"
    assert err["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "k8s/bad.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4}}
    (note,) = inv["toolConfigurationNotifications"]
    assert note["level"] == "note"
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 9}
    clean = _sarif(errors=[], notices=[])["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True}


def test_uris(tmp_path: Path) -> None:
    assert artifact_location("a b/c#d.yaml", "x") == {"uri": "a%20b/c%23d.yaml",
                                                      "uriBaseId": "%SRCROOT%"}
    inside = tmp_path / "k8s" / "a.yaml"
    assert artifact_location(str(inside), str(tmp_path)) == {"uri": "k8s/a.yaml",
                                                             "uriBaseId": "%SRCROOT%"}
    outside = Path("/etc/other.yaml")
    assert artifact_location(str(outside), str(tmp_path)) == {"uri": "file:///etc/other.yaml"}
    assert rule_name("Runs as root (UID 0)") == "RunsAsRootUID0"


def test_schema_check_is_real() -> None:
    doc = _sarif()
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)


def test_internal_error_has_no_file_location() -> None:
    from meshward.errors import InputError

    crash = InputError("<meshward>", 0, "rule MWT02 failed: KeyError: 'x'")
    doc = _sarif(errors=[crash])
    (note,) = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note == {"level": "error", "message": {"text": "rule MWT02 failed: KeyError: 'x'"},
                    "descriptor": {"id": "input-error"}}
    _validate(doc)
