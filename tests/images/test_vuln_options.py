"""`meshward images --osv DIR --sbom FILE`: known vulnerabilities through meshward.vuln."""

from __future__ import annotations

import json
from pathlib import Path

from meshward.cli.main import main
from tests.conftest import FIXTURES

CASE = FIXTURES / "rules" / "MWV02" / "fail"


def test_osv_and_sbom_add_vulnerability_findings(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    # The image is on Docker Hub, which this test cannot reach: the registry checks are
    # `not run`, the vulnerability join still works offline.
    code = main(["images", str(CASE), "--osv", str(CASE / "osv"), "--sbom",
                 str(CASE / "sbom.spdx.json"), "--timeout", "2", "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1
    got = [(f["rule_id"], f["evidence"]) for f in doc["findings"]]
    assert got == [("MWV02", "DSA-5673-1 libc6@2.36-9+deb12u4")]
    assert doc["findings"][0]["service"] == "api"
    assert any(n.startswith("not run: MWI03") for n in doc["notices"])
    practices = {p["code"]: (p["status"], p["rules"]) for p in doc["summary"]["practices"]}
    assert practices["SUP-VULN"][0] == "gaps"
    # Only checks that ran count: no registry answered, so SUP-PROVENANCE is not "met".
    assert practices["SUP-PROVENANCE"][0] == "not checked"


def test_missing_osv_folder_is_a_usage_error(tmp_path: Path, capsys: object) -> None:
    code = main(["images", str(CASE), "--osv", str(tmp_path / "nope")])
    assert code == 2


def test_an_sbom_without_vulnerability_data_and_no_osv_is_no_pass(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code = main(["images", str(CASE), "--sbom", str(CASE / "sbom.spdx.json"), "--timeout", "2",
                 "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (code, doc["findings"]) == (0, [])
    practices = {p["code"]: (p["status"], p["rules"]) for p in doc["summary"]["practices"]}
    assert practices["SUP-VULN"] == ("not checked", [])
    assert any("SBOM with" in n and "no vulnerability data" in n for n in doc["notices"])
    # with the OSV export, the SBOM's packages were matched: MWV02 ran, MWV01 had no data
    main(["images", str(CASE), "--sbom", str(CASE / "sbom.spdx.json"), "--osv",
          str(CASE / "osv"), "--timeout", "2", "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    practices = {p["code"]: (p["status"], p["rules"]) for p in doc["summary"]["practices"]}
    assert practices["SUP-VULN"] == ("gaps", ["MWV02"])
