"""Version order per ecosystem, as OSV defines each ecosystem's ``ECOSYSTEM`` ranges.

- PyPI: PEP 440 (``packaging``).
- npm, Go, crates.io and ``SEMVER`` ranges: Semantic Versioning 2.0 (``semver``); Go's
  leading ``v`` and npm's ``v``/``=`` are dropped, build metadata (``+incompatible``) does
  not count for order.
- Debian and Ubuntu: dpkg's order with epochs and tildes (``python-debian``).
- Alpine: apk's order (numbers, a letter, ``_alpha``... ``_p`` suffixes, ``-rN``), below.

``parse_version`` returns ``None`` for text the ecosystem does not accept; callers say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the version libraries load on the first version compared, not at start-up
    import semver
    from debian.debian_support import Version as DebVersion
    from packaging.version import Version as Pep440Version


class Comparable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...


def ecosystem_family(ecosystem: str) -> str:
    """``Debian:12`` -> ``Debian``; ``Alpine:v3.18`` -> ``Alpine``; ``PyPI`` -> ``PyPI``."""
    return ecosystem.split(":", 1)[0].strip()


_SEMVER_FAMILIES = frozenset({"npm", "Go", "crates.io", "Hex", "Pub", "NuGet", "SwiftURL"})
_DPKG_FAMILIES = frozenset({"Debian", "Ubuntu"})


@total_ordering
class _SemverKey:
    __slots__ = ("v",)

    def __init__(self, v: semver.Version) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SemverKey) and self.v.compare(other.v) == 0

    def __lt__(self, other: _SemverKey) -> bool:
        return self.v.compare(other.v) < 0

    def __hash__(self) -> int:
        return hash(str(self.v.replace(build=None)))


_SEMVER_LOOSE = re.compile(r"^[v=\s]*")


def parse_semver(text: str) -> _SemverKey | None:
    import semver

    cleaned = _SEMVER_LOOSE.sub("", text.strip())
    try:
        return _SemverKey(semver.Version.parse(cleaned))
    except (ValueError, TypeError):
        return None


@total_ordering
class _DebKey:
    __slots__ = ("v",)

    def __init__(self, v: DebVersion) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DebKey) and self.v == other.v

    def __lt__(self, other: _DebKey) -> bool:
        return bool(self.v < other.v)

    def __hash__(self) -> int:
        return hash(str(self.v))


_DPKG_VALID = re.compile(r"^(?:\d+:)?[0-9][A-Za-z0-9.+~:-]*$")


def parse_dpkg(text: str) -> _DebKey | None:
    from debian.debian_support import Version as DebVersion

    text = text.strip()
    if not _DPKG_VALID.match(text):
        return None
    try:
        return _DebKey(DebVersion(text))
    except ValueError:
        return None


_APK = re.compile(
    r"^(?P<nums>\d+(?:\.\d+)*)(?P<letter>[a-z]?)"
    r"(?P<suffixes>(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)"
    r"(?:~[0-9a-f]+)?(?:-r(?P<rev>\d+))?$")
_APK_SUFFIX = re.compile(r"_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)")
# apk orders pre-release suffixes below the bare version and post-release ones above it.
_APK_RANK = {"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "": 4, "cvs": 5, "svn": 6, "git": 7,
             "hg": 8, "p": 9}


@dataclass(frozen=True, order=True, slots=True)
class ApkVersion:
    """apk's version order: ``1.2.3a_rc1-r2``. Compared as (numbers, letter, suffixes, rev)."""

    numbers: tuple[int, ...]
    letter: str
    suffixes: tuple[tuple[int, int], ...]
    revision: int


def parse_apk(text: str) -> ApkVersion | None:
    m = _APK.match(text.strip())
    if not m:
        return None
    numbers = tuple(int(n) for n in m.group("nums").split("."))
    suffixes = [(_APK_RANK[s], int(n or 0)) for s, n in _APK_SUFFIX.findall(m.group("suffixes"))]
    # No suffix sits between the pre-release and post-release ones: pad with the bare rank.
    suffixes.append((_APK_RANK[""], 0))
    return ApkVersion(numbers, m.group("letter"), tuple(suffixes), int(m.group("rev") or 0))


@total_ordering
class _PepKey:
    __slots__ = ("v",)

    def __init__(self, v: Pep440Version) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _PepKey) and self.v == other.v

    def __lt__(self, other: _PepKey) -> bool:
        return self.v < other.v

    def __hash__(self) -> int:
        return hash(self.v)


def parse_pep440(text: str) -> _PepKey | None:
    from packaging.version import InvalidVersion
    from packaging.version import Version as Pep440Version

    try:
        return _PepKey(Pep440Version(text.strip()))
    except InvalidVersion:
        return None


def supported(ecosystem: str) -> bool:
    fam = ecosystem_family(ecosystem)
    return fam == "PyPI" or fam in _SEMVER_FAMILIES or fam in _DPKG_FAMILIES or fam == "Alpine"


@lru_cache(maxsize=65536)
def parse_version(ecosystem: str, text: str, range_type: str = "ECOSYSTEM") -> Comparable | None:
    """A comparable key for ``text`` in ``ecosystem``; ``SEMVER`` ranges always use SemVer.
    Keys are immutable, so parses are cached (advisories repeat the same bounds)."""
    if range_type == "SEMVER":
        return parse_semver(text)
    fam = ecosystem_family(ecosystem)
    if fam == "PyPI":
        return parse_pep440(text)
    if fam in _SEMVER_FAMILIES:
        return parse_semver(text)
    if fam in _DPKG_FAMILIES:
        return parse_dpkg(text)
    if fam == "Alpine":
        return parse_apk(text)
    return None
