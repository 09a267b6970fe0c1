"""Every rule is documented, names real practice codes, and docs/rules/ is not stale."""

from __future__ import annotations

import re

import pytest

from meshward.checks.docs import expected_docs
from meshward.checks.registry import Rule, all_rules, get_rule, rule
from meshward.findings.finding import Severity
from meshward.practices import PRACTICES
from tests.conftest import REPO

ID = re.compile(r"^MW(P\d{2}|C\d{2}|\d{3})$")


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.id)
def test_rule_metadata_is_complete(r: Rule) -> None:
    assert ID.match(r.id), r.id
    assert r.title and r.rationale.strip() and r.remediation.strip()
    assert r.practices and all(p in PRACTICES for p in r.practices)
    assert r.lifecycle in ("preview", "stable", "deprecated")


def test_ids_are_unique_and_sorted() -> None:
    ids = [r.id for r in all_rules()]
    assert ids == sorted(set(ids))
    assert get_rule(ids[0].lower()) is all_rules()[0]
    assert get_rule("MW000") is None


def test_unknown_practice_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown or missing practice codes"):
        rule(id="MW000", title="t", severity=Severity.LOW, practices=("NOPE-1",),
             rationale="r", remediation="f")(lambda ctx: iter(()))


def test_docs_rules_folder_is_up_to_date() -> None:
    folder = REPO / "docs" / "rules"
    wanted = expected_docs()
    present = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(n for n in wanted if present.get(n) != wanted[n])
    extra = sorted(set(present) - set(wanted))
    assert not stale and not extra, (
        f"docs/rules is stale ({stale[:5]} changed, {extra[:5]} extra): "
        "run `python -m meshward.checks.docs docs/rules`")
