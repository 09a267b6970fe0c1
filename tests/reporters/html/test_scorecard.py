"""The scorecard's "ways": read from the rules', checks' and detectors' metadata."""

from __future__ import annotations

from dataclasses import replace

from meshward.checks.registry import all_rules, get_rule
from meshward.findings.finding import Mode
from meshward.generate.serves import all_serves
from meshward.practices import PRACTICES
from meshward.reporters.html.scorecard import scorecard, ways
from meshward.reporters.interface import Report
from meshward.watch.detectors import all_infos
from tests.reporters.sample import make_finding


def test_probe_and_image_checks_verify_rules_audit_detectors_watch() -> None:
    registry = ways("SUP-REGISTRY")
    assert "MWI01" in registry["verify"] and "MWI01" not in registry["audit"]
    assert "MW303" in registry["audit"] and "MW303" not in registry["verify"]
    assert "MWP01" in ways("AUTH-PENTEST")["verify"]
    anomaly = ways("LOG-ANOMALY")
    assert "MWW02" in anomaly["watch"] and not anomaly["audit"] and not anomaly["verify"]
    assert "meshward catalog (Backstage catalog entries)" in ways("DOC-CATALOG")["fix"]
    assert "MWW30" in ways("LOG-TAMPER")["verify"]  # `meshward archive verify`
    assert ways("SUP-PIPELINE")["watch"] == [] and ways("SUP-PIPELINE")["verify"] == []


def test_every_rule_check_detector_and_generator_is_counted_once_per_practice_it_names() -> None:
    everything = [(r.id, r.mode.value, r.practices) for r in all_rules()]
    everything += [(d.id, "watch", d.practices) for d in all_infos()]
    everything += [(str(s), "fix", s.practices) for s in all_serves()]
    for code in PRACTICES:
        served = ways(code)
        expected = {(name, way) for name, way, practices in everything if code in practices}
        listed = {(name, way) for way, names in served.items() for name in names}
        assert listed == expected, code
        assert sum(len(v) for v in served.values()) == len(expected), code


def test_a_way_ran_only_for_the_practices_its_results_name() -> None:
    mwi01 = get_rule("MWI01")
    assert mwi01 is not None and mwi01.mode is Mode.VERIFY
    finding = replace(make_finding(mwi01, "k8s/web.yaml", 3, "image from docker.io"),
                      mode=Mode.VERIFY)
    report = Report(command="report", root=".", findings=[finding], rules=(mwi01,))
    rows = {row["code"]: row for row in scorecard(report)}
    assert rows["SUP-REGISTRY"]["ran"] == {"audit": False, "verify": True, "fix": False,
                                           "watch": False}
    assert rows["SUP-REGISTRY"]["status"] == "gaps"
    # The probe checks serve AUTH-PENTEST too, but none ran in this report.
    assert rows["AUTH-PENTEST"]["ran"]["verify"] is False
    assert rows["AUTH-PENTEST"]["ways"]["verify"]
