"""Today's scan gives the recorded findings byte for byte (see tests/speed/golden.py)."""

from __future__ import annotations

import difflib

import pytest

from tests.speed.golden import TREES, VARIANTS, can_record, read_golden, report_json


def assert_same(label: str, got: str, want: str) -> None:
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "golden", "now",
                                    n=2, lineterm="")
        pytest.fail(f"{label}: report differs from the golden file\n"
                    + "\n".join(list(diff)[:60]))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("label", sorted(TREES))
def test_scan_matches_golden(label: str, variant: str) -> None:
    path = TREES[label]
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    why = can_record(variant)
    if why:
        pytest.skip(why)
    assert_same(label, report_json(label, path, variant), read_golden(label, variant))
