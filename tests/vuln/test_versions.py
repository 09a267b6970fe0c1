"""Version order per ecosystem, and OSV range evaluation (introduced/fixed/last_affected)."""

from __future__ import annotations

import pytest

from meshward.vuln.osv import evaluate_range
from meshward.vuln.versions import parse_apk, parse_dpkg, parse_version


@pytest.mark.parametrize(("low", "high"), [
    ("1:1.0-1", "2:0.1-1"),          # epoch wins over everything
    ("1.0-1", "1:0.5-1"),            # no epoch is epoch 0
    ("1.0~rc1-1", "1.0-1"),          # tilde sorts before the release
    ("1.0~~a", "1.0~a"),             # double tilde before single
    ("2.36-9+deb12u4", "2.36-9+deb12u7"),
    ("2.36-9", "2.36-9+deb12u1"),
    ("3.0.11-1~deb12u1", "3.0.11-1~deb12u2"),
    ("3.0.11-1~deb12u2", "3.0.11-1"),
    ("1.2.9-1", "1.2.10-1"),          # numeric, not text
    ("7.88.1-10+deb12u5", "7.88.1-10+deb12u8"),
])
def test_dpkg_order(low: str, high: str) -> None:
    a, b = parse_dpkg(low), parse_dpkg(high)
    assert a is not None and b is not None
    assert a < b and not b < a


def test_dpkg_equal_ignores_zero_epoch() -> None:
    assert parse_dpkg("0:1.0-1") == parse_dpkg("1.0-1")


@pytest.mark.parametrize(("low", "high"), [
    ("1.2.3-r0", "1.2.3-r1"),
    ("1.2.3_rc1-r0", "1.2.3-r0"),     # pre-release suffix sorts below the release
    ("1.2.3_alpha2", "1.2.3_beta1"),
    ("1.2.3", "1.2.3_p1"),            # patch suffix sorts above
    ("1.2.3", "1.2.3a"),
    ("1.2", "1.2.1"),
    ("3.1.4-r5", "3.1.10-r0"),
    ("1.36.1-r15", "1.36.1-r29"),
])
def test_apk_order(low: str, high: str) -> None:
    a, b = parse_apk(low), parse_apk(high)
    assert a is not None and b is not None
    assert a < b and not b < a


def test_apk_rejects_garbage() -> None:
    assert parse_apk("not-a-version") is None


@pytest.mark.parametrize(("low", "high"), [
    ("1.0.0-alpha", "1.0.0-alpha.1"),
    ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
    ("1.0.0-beta.2", "1.0.0-beta.11"),
    ("1.0.0-rc.1", "1.0.0"),
    ("v0.0.0-20210101000000-abcdef123456", "v0.1.0"),  # Go pseudo-version
])
def test_semver_order(low: str, high: str) -> None:
    a, b = parse_version("npm", low), parse_version("npm", high)
    assert a is not None and b is not None
    assert a < b and not b < a


def test_go_incompatible_build_metadata_does_not_count() -> None:
    assert parse_version("Go", "v2.0.0+incompatible") == parse_version("Go", "2.0.0")


def test_pep440_order() -> None:
    a, b, c = (parse_version("PyPI", v) for v in ("3.1.2", "3.1.3rc1", "3.1.3"))
    assert a is not None and b is not None and c is not None
    assert a < b < c


def _affected(eco: str, version: str, events: list[dict[str, str]], rtype: str = "ECOSYSTEM"
              ) -> tuple[bool, list[str], str] | None:
    v = parse_version(eco, version, rtype)
    assert v is not None
    result = evaluate_range(v, events, eco, rtype)
    if result is None:
        return None
    hit, fixes, last = result
    return hit, [t for _, t in fixes], last


def test_introduced_zero_and_fixed() -> None:
    events = [{"introduced": "0"}, {"fixed": "3.1.3"}]
    assert _affected("PyPI", "3.1.2", events) == (True, ["3.1.3"], "")
    assert _affected("PyPI", "3.1.3", events) == (False, [], "")
    assert _affected("PyPI", "3.1.3rc1", events) == (True, ["3.1.3"], "")


def test_multiple_intervals_in_one_range() -> None:
    # Events need not be sorted in the file: OSV says to sort them by version.
    events = [{"introduced": "2.0.0"}, {"fixed": "2.5.0"}, {"introduced": "1.0.0"}, {"fixed": "1.5.0"}]
    assert _affected("npm", "0.9.0", events) == (False, ["1.5.0", "2.5.0"], "")
    assert _affected("npm", "1.2.0", events) == (True, ["1.5.0", "2.5.0"], "")
    assert _affected("npm", "1.7.0", events) == (False, ["2.5.0"], "")
    assert _affected("npm", "2.4.9", events) == (True, ["2.5.0"], "")
    assert _affected("npm", "2.5.0", events) == (False, [], "")


def test_last_affected_is_inclusive() -> None:
    events = [{"introduced": "1.0.0"}, {"last_affected": "1.4.2"}]
    assert _affected("npm", "1.4.2", events) == (True, [], "1.4.2")
    assert _affected("npm", "1.4.3", events) == (False, [], "1.4.2")
    assert _affected("npm", "1.4.3-beta.1", events) == (False, [], "1.4.2")


def test_semver_prerelease_in_range() -> None:
    events = [{"introduced": "2.0.0-alpha.1"}, {"fixed": "2.0.0"}]
    assert _affected("npm", "2.0.0-beta.3", events, "SEMVER") == (True, ["2.0.0"], "")
    assert _affected("npm", "1.9.9", events, "SEMVER") == (False, ["2.0.0"], "")


def test_debian_epoch_and_tilde_ranges() -> None:
    events = [{"introduced": "0"}, {"fixed": "1:2.3~rc1-1"}]
    assert _affected("Debian:12", "1:2.2-5", events) == (True, ["1:2.3~rc1-1"], "")
    assert _affected("Debian:12", "2.9-1", events) == (True, ["1:2.3~rc1-1"], "")  # epoch 0 < 1
    assert _affected("Debian:12", "1:2.3~rc1-1", events) == (False, [], "")
    assert _affected("Debian:12", "1:2.3~beta1-1", events) == (True, ["1:2.3~rc1-1"], "")


def test_unparseable_event_is_not_evaluated() -> None:
    assert _affected("PyPI", "1.0", [{"introduced": "0"}, {"fixed": "not a version!"}]) is None
