"""Reports found in a scanned tree feed `meshward scan` (MWV01), without doubled errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from meshward.config import Config
from meshward.pipeline import scan
from tests.vuln import documents as docs
from tests.vuln.test_join import DEPLOY


def test_report_beside_manifests_and_broken_one(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(DEPLOY.format(name="web", image="python:3.12-slim"))
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "trivy.json").write_text(json.dumps(docs.TRIVY, indent=2))
    partial = json.loads(json.dumps(docs.TRIVY))
    del partial["Results"][1]["Vulnerabilities"][0]["InstalledVersion"]
    (tmp_path / "ci" / "trivy-2.json").write_text(json.dumps(partial, indent=2))
    (tmp_path / "ci" / "broken.json").write_text('{\n  "SchemaVersion": 2,\n  "Results": [\n')
    (tmp_path / "dashboard.json").write_text(json.dumps({"panels": [], "title": "x"}))
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=["MWV01"])
    got = sorted((f.location.path, f.location.line, dict(f.extra)["vulnerability"], f.service,
                  dict(f.extra)["source"]) for f in result.findings)
    assert got == sorted([
        # files are read in name order; the same vulnerability of the same image is one finding
        ("web.yaml", 15, "CVE-2024-2961", "web", "ci/trivy-2.json:33"),
        ("web.yaml", 15, "CVE-2023-31484", "web", "ci/trivy-2.json:65"),
        ("web.yaml", 15, "CVE-2024-6345", "web", "ci/trivy.json:86"),  # skipped in trivy-2
    ])
    assert sorted(e.render() for e in result.errors) == [
        "ci/broken.json:4: invalid JSON: Expecting value (fix the syntax; the rest of the tree "
        "was still scanned)",
        "ci/trivy-2.json:86: Trivy report: vulnerability CVE-2024-6345 of setuptools has no "
        "'InstalledVersion' (the entry was skipped; the rest was read)",
    ]


def test_cli_json_and_sarif_carry_the_vulnerability_as_data(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from meshward.cli.main import main
    from tests.conftest import FIXTURES

    fixture = FIXTURES / "rules" / "MWV01" / "fail"
    out = tmp_path / "report.json"
    assert main(["scan", str(fixture), "--select", "MWV01", "-f", "json", "-o", str(out)]) == 1
    report = json.loads(out.read_text())
    found = {(f"{f['resource']['kind']}/{f['resource']['name']}", f["service"], f["severity"],
              {e["name"]: e["value"] for e in f["extra"]}["fixed"]) for f in report["findings"]}
    assert found == {
        ("Image/docker.io/library/python:3.12-slim", "web", "high", "2.36-9+deb12u7"),
        ("Image/registry.example.com/shop/worker:1.4.0", "worker", "high", "3.0.11-1~deb12u2"),
    }
    assert main(["scan", str(fixture), "--select", "MWV01", "--fail-on", "critical"]) == 0
    sarif = tmp_path / "report.sarif"
    assert main(["scan", str(fixture), "--select", "MWV01", "-f", "sarif", "-o", str(sarif)]) == 1
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert sorted(r["properties"]["extra"]["vulnerability"] for r in results) == [
        "CVE-2023-5363", "CVE-2024-2961"]


def test_sup_vuln_is_not_met_without_vulnerability_data(tmp_path: Path) -> None:
    from meshward.reporters.interface import Report
    from meshward.reporters.summary import practice_rows

    (tmp_path / "web.yaml").write_text(DEPLOY.format(name="web", image="python:3.12-slim"))

    def status(result: object) -> tuple[str, tuple[str, ...]]:
        report = Report(command="scan", root=str(tmp_path), findings=result.findings,  # type: ignore[attr-defined]
                        rules=result.rules_run)  # type: ignore[attr-defined]
        [row] = [r for r in practice_rows(report) if r.code == "SUP-VULN"]
        return row.status, row.rules

    bare = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=["MWV*"])
    assert status(bare) == ("not checked", ())
    assert [n for n in bare.notices if n.startswith("not run: MWV")] == [
        "not run: MWV01: no Trivy/Grype JSON report or SBOM with vulnerability data among the "
        "scanned files",
        "not run: MWV02: no SBOM package list together with an OSV export (`osv:` in "
        ".meshward.yaml)",
        "not run: MWV03: no lockfile in the tree together with an OSV export (`osv:` in "
        ".meshward.yaml)"]
    clean = json.loads(json.dumps(docs.TRIVY))
    for result in clean["Results"]:
        result["Vulnerabilities"] = []
    (tmp_path / "trivy.json").write_text(json.dumps(clean))
    scanned = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=["MWV*"])
    assert status(scanned) == ("met", ("MWV01",))  # a report that lists none is a pass


def test_text_report_groups_vulnerabilities_per_service_and_image(capsys) -> None:  # type: ignore[no-untyped-def]
    from meshward.cli.main import main
    from tests.conftest import FIXTURES

    assert main(["scan", str(FIXTURES / "rules" / "MWV01" / "fail"), "--select", "MWV01"]) == 1
    out = capsys.readouterr().out
    block = out.split("Vulnerabilities per service and image (2)\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "  service web",
        "    Image/docker.io/library/python:3.12-slim: 1 high; 1 fixable",
        "      high     CVE-2024-2961 libc6 2.36-9+deb12u4: fixed in 2.36-9+deb12u7",
        "  service worker",
        "    Image/registry.example.com/shop/worker:1.4.0: 1 high; 1 fixable",
        "      high     CVE-2023-5363 libssl3 3.0.11-1~deb12u1: fixed in 3.0.11-1~deb12u2"]
    assert main(["scan", str(FIXTURES / "rules" / "MWV01" / "pass"), "--select", "MWV01"]) == 0
    assert "Vulnerabilities per service" not in capsys.readouterr().out
