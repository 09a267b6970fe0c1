"""``meshward diff OLD.json NEW.json``: what changed, in text, JSON and Markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from meshward.cli.main import main
from tests.conftest import REPO

SHOP = REPO / "examples" / "shop"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, set[str]]]:
    tmp = tmp_path_factory.mktemp("diff")
    tree = tmp / "shop"
    shutil.copytree(SHOP, tree)
    old, new = tmp / "old.json", tmp / "new.json"
    assert main(["scan", str(tree), "-f", "json", "-o", str(old)]) == 1
    worker = tree / "k8s" / "worker.yaml"
    worker.write_text(worker.read_text().replace("privileged: true", "privileged: false"))
    web = tree / "k8s" / "web.yaml"
    web.write_text(web.read_text().replace("image: registry.shop.example/web:", "image: web:"))
    assert main(["scan", str(tree), "-f", "json", "-o", str(new)]) == 1

    def active(p: Path) -> dict[str, dict[str, object]]:
        return {f["fingerprint"]: f for f in json.loads(p.read_text())["findings"]
                if not f["suppressed"]}

    a, b = active(old), active(new)
    sets = {"new": set(b) - set(a), "fixed": set(a) - set(b), "open": set(a) & set(b)}
    return old, new, sets


def test_json_lists_new_fixed_and_still_open(reports: tuple[Path, Path, dict[str, set[str]]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    old, new, sets = reports
    code = main(["diff", str(old), str(new), "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert {f["fingerprint"] for f in doc["new"]} == sets["new"]
    assert {f["fingerprint"] for f in doc["fixed"]} == sets["fixed"]
    assert {f["fingerprint"] for f in doc["still_open"]} == sets["open"]
    assert doc["summary"] == {"new": len(sets["new"]), "fixed": len(sets["fixed"]),
                              "still_open": len(sets["open"])}
    fixed_rules = {f["rule_id"] for f in doc["fixed"]}
    assert "MW101" in fixed_rules  # the privileged container is gone
    def count(path: Path) -> int:
        return sum(1 for f in json.loads(path.read_text())["findings"]
                   if not f["suppressed"] and "AUTH-LEASTPRIV" in f["practices"])

    least = next(p for p in doc["practices"] if p["code"] == "AUTH-LEASTPRIV")
    assert (least["before"], least["now"]) == (count(old), count(new))
    assert code == 1  # new findings at or above low


def test_text_and_markdown(reports: tuple[Path, Path, dict[str, set[str]]],
                           capsys: pytest.CaptureFixture[str]) -> None:
    old, new, sets = reports
    main(["diff", str(old), str(new)])
    text = capsys.readouterr().out
    assert (f"{len(sets['new'])} new, {len(sets['fixed'])} fixed, {len(sets['open'])} still open"
            in text.splitlines()[1])
    assert f"Fixed ({len(sets['fixed'])})" in text
    assert "MW101 k8s/worker.yaml:" in text
    main(["diff", str(old), str(new), "-f", "markdown"])
    md = capsys.readouterr().out
    assert md.startswith("## meshward: what changed\n")
    assert f"### Fixed findings ({len(sets['fixed'])})" in md
    assert "| severity | rule | where | service | message |" in md


def test_same_report_twice_changes_nothing(reports: tuple[Path, Path, dict[str, set[str]]],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    old, _, _ = reports
    assert main(["diff", str(old), str(old)]) == 0
    assert "0 new, 0 fixed" in capsys.readouterr().out


def test_fail_on_looks_at_new_findings_only(reports: tuple[Path, Path, dict[str, set[str]]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    old, new, _ = reports
    code = main(["diff", str(old), str(new), "--fail-on", "critical", "-f", "json"])
    new_severities = {f["severity"] for f in json.loads(capsys.readouterr().out)["new"]}
    assert "critical" not in new_severities and new_severities  # this edit adds no critical
    assert code == 0
    assert main(["diff", str(old), str(new), "--fail-on", min(
        new_severities, key=["info", "low", "medium", "high"].index)]) == 1


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    reports: tuple[Path, Path, dict[str, set[str]]]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  not json")
    assert main(["diff", str(bad), str(reports[1])]) == 2
    err = capsys.readouterr().err
    assert f"meshward: error: {bad}: line 2: not JSON" in err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"version": "2.1.0", "runs": []}))
    assert main(["diff", str(other), str(reports[1])]) == 2
    assert "not a meshward JSON report" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "missing.json"), str(reports[1])]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err
