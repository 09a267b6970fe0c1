"""`meshward rules` and `explain` cover every check of every mode, and the docs index links them."""

from __future__ import annotations

import json
import re

import pytest

from meshward.checks.engine import finding_from_hit, static_rules
from meshward.checks.listing import all_checks, check_markdown
from meshward.checks.registry import Hit, all_rules, get_rule
from meshward.cli.main import main
from meshward.findings.finding import Mode
from meshward.model.source import Location
from meshward.watch.detectors import all_infos
from tests.conftest import REPO

DETECTORS = [f"MWW0{i}" for i in range(1, 10)]


def _listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["rules", "-f", "json", *args]) == 0
    data: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_rules_lists_rules_live_checks_and_detectors_with_their_mode(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = _listed(capsys)
    modes = {str(d["id"]): d["mode"] for d in data}
    assert set(modes) == {r.id for r in all_rules()} | {d.id for d in all_infos()}
    assert [i for i in modes if i.startswith("MWW")] == [*DETECTORS, "MWW30"]
    assert {modes[i] for i in DETECTORS} == {"watch"}
    assert {m for i, m in modes.items() if i.startswith(("MWP", "MWI"))} == {"verify"}
    assert modes["MWW30"] == "verify"  # `meshward archive verify`
    assert modes["MW101"] == modes["MWV01"] == "audit"
    by_id = {str(d["id"]): d for d in data}
    assert by_id["MWW03"]["command"] == "watch" and by_id["MWI10"]["command"] == "images"
    assert by_id["MWP02"]["command"] == "probe" and by_id["MWV02"]["command"] == "scan, images"
    assert by_id["MWW03"]["doc"] == "docs/detectors/MWW03.md"
    assert str(by_id["MWW03"]["help_uri"]).endswith("/docs/detectors/MWW03.md")
    for d in data:
        assert (REPO / str(d["doc"])).is_file(), d["doc"]
    ids = list(modes)  # families in order, numbers in order within them
    assert ids.index("MW101") < ids.index("MW981") < ids.index("MWI01") < ids.index("MWW09")


def test_rules_text_shows_the_mode_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^MWW01\s+watch\s+high\s+LOG-ANOMALY,ENV-PRIVATE\s+Call on no edge", out, re.M)
    assert re.search(r"^MWI10\s+verify\s+high\s+SUP-PROVENANCE\s", out, re.M)
    assert re.search(r"^MW101\s+audit\s+critical\s", out, re.M)
    n_audit = len(static_rules())
    n_verify = len(all_rules()) - n_audit
    assert (f"{n_audit + n_verify + 9} checks ({n_audit} audit, {n_verify} verify, 9 watch)"
            in out)


def test_practice_filter_works_across_modes(capsys: pytest.CaptureFixture[str]) -> None:
    anomaly = _listed(capsys, "--practice", "log-anomaly")
    assert [d["id"] for d in anomaly] == DETECTORS
    grants = {str(d["id"]): d["mode"] for d in _listed(capsys, "--practice", "ENV-GRANTS")}
    assert grants["MWW07"] == "watch" and "audit" in grants.values()
    prov = {str(d["mode"]) for d in _listed(capsys, "--practice", "SUP-PROVENANCE")}
    assert prov == {"audit", "verify"}
    vuln = _listed(capsys, "--practice", "SUP-VULN", "--mode", "audit")
    assert [d["id"] for d in vuln][-3:] == ["MWV01", "MWV02", "MWV03"]
    assert _listed(capsys, "--practice", "SUP-VULN", "--mode", "watch") == []
    verify = _listed(capsys, "--mode", "verify")
    assert verify and all(str(d["id"]).startswith(("MWP", "MWI")) or d["id"] == "MWW30"
                          for d in verify)
    tamper = _listed(capsys, "--practice", "LOG-TAMPER")
    assert [(d["id"], d["mode"], d["command"]) for d in tamper] == [
        ("MWC41", "audit", "scan"), ("MWC42", "audit", "scan"), ("MWC61", "audit", "scan"),
        ("MWW30", "verify", "archive verify")]


def test_unknown_practice_is_an_error_not_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--practice", "LOG-ANOMALIES"]) == 2
    err = capsys.readouterr().err
    assert "unknown practice code 'LOG-ANOMALIES'" in err and "LOG-ANOMALY" in err


@pytest.mark.parametrize("r", all_checks(), ids=lambda r: r.id)
def test_explain_prints_the_generated_page_of_every_check(
        r: object, capsys: pytest.CaptureFixture[str]) -> None:
    from meshward.checks.registry import Rule

    assert isinstance(r, Rule)
    assert main(["explain", r.id.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {r.id}: {r.title}\n")
    assert f"- Mode: {r.mode.value} (`meshward " in out
    assert out == (REPO / "docs" / r.doc_path).read_text(encoding="utf-8") == check_markdown(r)


def test_explain_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "MWW99"]) == 2
    assert "no rule, check or detector 'MWW99'" in capsys.readouterr().err


def test_docs_index_links_every_check_to_an_existing_page() -> None:
    index = REPO / "docs" / "rules" / "README.md"
    links = dict(re.findall(r"^\| \[(MW\w+)\]\(([^)]+)\) \| (?:audit|verify|watch) \|",
                            index.read_text(encoding="utf-8"), re.M))
    assert set(links) == {r.id for r in all_checks()}
    assert links["MWW01"] == "../detectors/MWW01.md" and links["MW101"] == "MW101.md"
    for target in links.values():
        assert (index.parent / target).is_file(), target


def test_findings_carry_the_mode_of_their_rule() -> None:
    hit = Hit(message="m", location=Location("f", 1))
    for rule_id, mode in (("MW101", Mode.AUDIT), ("MWI10", Mode.VERIFY), ("MWP02", Mode.VERIFY),
                          ("MWV01", Mode.AUDIT)):
        r = get_rule(rule_id)
        assert r is not None and finding_from_hit(r, hit).mode is mode
    assert not any(r.mode is not Mode.AUDIT for r in static_rules())
