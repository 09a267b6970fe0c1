from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from meshward.config import load_config
from meshward.findings.suppress import apply_baseline, read_baseline, write_baseline
from meshward.pipeline import scan

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  annotations: {annotations}
spec:
  containers:
  - name: c
    image: x:1
    securityContext:
      privileged: true{comment}
"""


def _write(folder: Path, name: str, annotations: str = "{}", comment: str = "", pad: int = 0) -> None:
    (folder / f"{name}.yaml").write_text("\n" * pad + POD.format(name=name, annotations=annotations,
                                                                  comment=comment))


def _active(result) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return sorted((f.rule_id, f.location.path, f.location.line) for f in result.findings
                  if not f.suppressed_by)


def test_fingerprint_survives_line_shifts(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    before = {f.fingerprint for f in scan([tmp_path], select=["MW101"]).findings}
    _write(tmp_path, "a", pad=7)
    after = scan([tmp_path], select=["MW101"]).findings
    assert [f.location.line for f in after] == [18]
    assert {f.fingerprint for f in after} == before and len(before) == 1


def test_annotation_and_comment_suppressions(tmp_path: Path) -> None:
    _write(tmp_path, "a", annotations='{"meshward.io/ignore": "MW101"}')
    _write(tmp_path, "b", annotations='{"meshward.io/ignore": "MW999"}')
    _write(tmp_path, "c", comment="  # meshward:ignore MW101 debugging agent")
    result = scan([tmp_path], select=["MW101"])
    assert _active(result) == [("MW101", "b.yaml", 11)]
    by = {f.location.path: f.suppressed_by for f in result.findings}
    assert by["a.yaml"] == "annotation meshward.io/ignore on Pod/default/a"
    assert by["c.yaml"] == "comment at c.yaml:11"


def test_config_ignores_with_reason_and_expiry(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    _write(tmp_path, "b")
    (tmp_path / ".meshward.yaml").write_text(
        "ignore:\n"
        "  - rule: MW101\n    path: a.yaml\n    reason: node agent needs it\n    expires: 2027-01-01\n"
        "  - rule: MW101\n    resource: Pod/default/b\n    reason: old exception\n    expires: 2026-01-01\n"
        "  - rule: MW1*\n")
    cfg = load_config(tmp_path / ".meshward.yaml")
    assert [e.render() for e in cfg.errors] == [
        f"{tmp_path}/.meshward.yaml:10: ignore of MW1* has no `reason` (say why the finding is accepted)"]
    result = scan([tmp_path], cfg, today=dt.date(2026, 6, 1), select=["MW101"])
    assert _active(result) == [("MW101", "b.yaml", 11)]
    assert result.notices == [
        ".meshward.yaml:6: ignore of MW101 expired on 2026-01-01 and no longer hides "
        "findings (reason was: old exception)"]
    later = scan([tmp_path], cfg, today=dt.date(2027, 2, 1), select=["MW101"])
    assert _active(later) == [("MW101", "a.yaml", 11), ("MW101", "b.yaml", 11)]


def test_baseline_round_trip(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    first = scan([tmp_path], select=["MW101"]).findings
    base = tmp_path / "baseline.json"
    base.write_text(write_baseline(first))
    assert json.loads(base.read_text())["meshward_baseline"] == 1
    _write(tmp_path, "b")
    prints, errors = read_baseline(base)
    assert errors == []
    after = apply_baseline(scan([tmp_path], select=["MW101"]).findings, prints)
    assert [(f.location.path, f.suppressed_by) for f in after] == [("a.yaml", "baseline"), ("b.yaml", "")]
    (tmp_path / "bad.json").write_text("{")
    assert read_baseline(tmp_path / "bad.json")[1][0].render().startswith(f"{tmp_path}/bad.json:1: baseline is not JSON")
