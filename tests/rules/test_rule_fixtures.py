"""Every rule has a failing and a passing fixture, and finds exactly what the markers say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.checks.registry import all_rules
from meshward.config import Config, find_config, load_config
from meshward.findings.finding import Mode
from meshward.pipeline import scan
from tests.conftest import FIXTURES
from tests.rules.expectations import expectations

# Checks of live commands (probe, images, archive verify: mode verify) are proven against live
# servers and real archives in tests/probe, tests/images and tests/watch, not by static fixtures.
STATIC_RULES = [r for r in all_rules() if r.mode is Mode.AUDIT]
TODAY = dt.date(2026, 11, 23)


def _config(folder: Path) -> Config:
    found = find_config(folder)
    return load_config(found) if found and folder in found.parents else Config()


@pytest.mark.parametrize("rule", STATIC_RULES, ids=lambda r: r.id)
def test_rule_has_fixtures(rule: object) -> None:
    folder = FIXTURES / "rules" / rule.id  # type: ignore[attr-defined]
    assert (folder / "fail").is_dir() and any((folder / "fail").iterdir()), f"{folder}/fail missing"
    assert (folder / "pass").is_dir() and any((folder / "pass").iterdir()), f"{folder}/pass missing"


@pytest.mark.parametrize("rule", STATIC_RULES, ids=lambda r: r.id)
def test_failing_fixture_findings_are_exact(rule: object) -> None:
    folder = FIXTURES / "rules" / rule.id / "fail"  # type: ignore[attr-defined]
    if not folder.is_dir():
        pytest.skip("no fixture (test_rule_has_fixtures fails)")
    result = scan([folder], _config(folder), today=TODAY, select=[rule.id])  # type: ignore[attr-defined]
    got = {(f.location.path, f.location.line, f.rule_id) for f in result.findings
           if not f.suppressed_by}
    want = {e for e in expectations(folder) if e[2] == rule.id}  # type: ignore[attr-defined]
    assert want, f"{folder} has no `# expect: {rule.id}` marker"  # type: ignore[attr-defined]
    assert got == want


@pytest.mark.parametrize("rule", STATIC_RULES, ids=lambda r: r.id)
def test_passing_fixture_is_clean(rule: object) -> None:
    folder = FIXTURES / "rules" / rule.id / "pass"  # type: ignore[attr-defined]
    if not folder.is_dir():
        pytest.skip("no fixture (test_rule_has_fixtures fails)")
    result = scan([folder], _config(folder), today=TODAY, select=[rule.id])  # type: ignore[attr-defined]
    assert [f for f in result.findings if not f.suppressed_by] == []
    assert result.errors == []
