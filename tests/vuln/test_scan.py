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
