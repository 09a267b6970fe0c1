"""An OSV database export, offline: index advisories by package and evaluate their ranges.

Layout read (what the OSV project publishes): one JSON file per advisory, either loose
(``DIR/**/<ID>.json``) or inside ``all.zip`` archives (``DIR/all.zip``,
``DIR/<Ecosystem>/all.zip``). Range semantics follow the OSV schema:

- events of a range are sorted by version (``introduced: "0"`` is below everything); walking
  them, ``introduced`` <= v makes v affected, ``fixed`` <= v or ``last_affected`` < v ends it;
- ``ECOSYSTEM`` ranges compare with the ecosystem's order, ``SEMVER`` ones with SemVer 2.0;
  ``GIT`` ranges name commits, which installed packages do not carry: they are not evaluated
  (the ``versions`` list, which OSV fills from them, is);
- ``affected[].versions`` lists affected versions exactly;
- ``withdrawn`` advisories are skipped.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.vuln import severity
from meshward.vuln.jsonloc import JSONLocError, loads
from meshward.vuln.model import Package
from meshward.vuln.versions import Comparable, ecosystem_family, parse_version, supported

_PEP503 = re.compile(r"[-_.]+")


def normalize_name(ecosystem: str, name: str) -> str:
    fam = ecosystem_family(ecosystem)
    if fam == "PyPI":
        return _PEP503.sub("-", name).lower()
    if fam in ("Debian", "Ubuntu", "Alpine", "npm"):
        return name.lower()
    return name


@dataclass(frozen=True, slots=True)
class Match:
    """An advisory that affects an installed package."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    rating: severity.Rating
    fixed: str  # the smallest fixed version above the installed one; "" when none
    last_affected: str
    ecosystem: str
    matched_name: str = ""  # the name the advisory is filed under (a source package)


@dataclass
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    rating: severity.Rating
    source: str  # file (and zip member) it came from


@dataclass
class OsvIndex:
    """Affected entries by (ecosystem family, normalised name)."""

    entries: dict[tuple[str, str], list[tuple[Advisory, dict[str, Any]]]] = field(default_factory=dict)
    advisories: int = 0
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    _cache: dict[tuple[str, str, str, str, str], list[Match]] = field(default_factory=dict)

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def lookup(self, pkg: Package) -> list[Match]:
        """Advisories affecting ``pkg`` (tried under its name and its source package name).
        Images of one fleet share most packages: results are kept per name and version."""
        key = (pkg.ecosystem, pkg.name, pkg.version, pkg.source_name, pkg.source_version)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._lookup(pkg)
        return cached

    def _lookup(self, pkg: Package) -> list[Match]:
        fam = ecosystem_family(pkg.ecosystem)
        if not supported(pkg.ecosystem):
            self.notice(f"OSV: versions of the {fam or 'unknown'} ecosystem are not compared "
                        f"(e.g. {pkg.name} {pkg.version}); its packages were not matched")
            return []
        tries = [(pkg.name, pkg.version)]
        if pkg.source_name and pkg.source_name != pkg.name:
            tries.append((pkg.source_name, pkg.source_version or pkg.version))
        out: list[Match] = []
        seen: set[str] = set()
        for name, version in tries:
            for adv, affected in self.entries.get((fam, normalize_name(fam, name)), []):
                if adv.id in seen:
                    continue
                eco = str((affected.get("package") or {}).get("ecosystem", ""))
                if not _same_release(eco, pkg.ecosystem):
                    continue
                m = self._evaluate(adv, affected, pkg.ecosystem, version)
                if m is not None:
                    seen.add(adv.id)
                    out.append(replace(m, matched_name=name))
        return out

    def _evaluate(self, adv: Advisory, affected: dict[str, Any], ecosystem: str,
                  version: str) -> Match | None:
        installed = parse_version(ecosystem, version)
        versions = affected.get("versions")
        listed = isinstance(versions, list) and version in versions
        hit = False
        fixed: list[tuple[Comparable, str]] = []
        last: str = ""
        for rng in affected.get("ranges") or []:
            if not isinstance(rng, dict):
                continue
            rtype = str(rng.get("type", ""))
            if rtype not in ("ECOSYSTEM", "SEMVER"):
                continue
            v = installed if rtype == "ECOSYSTEM" else parse_version(ecosystem, version, "SEMVER")
            if v is None:
                self.notice(f"OSV: {version!r} is not a {ecosystem_family(ecosystem)} version "
                            f"({rtype} range of {adv.id}); not compared")
                continue
            result = evaluate_range(v, rng.get("events"), ecosystem, rtype)
            if result is None:
                self.notice(f"OSV: {adv.id} ({adv.source}) has a range whose versions do not "
                            f"parse as {rtype} for {ecosystem}; not evaluated")
                continue
            affected_here, fixes, last_affected = result
            if affected_here:
                hit = True
                fixed.extend(fixes)
                last = last or last_affected
        if not (hit or listed):
            return None
        fix_text = min(fixed, key=lambda kv: kv[0])[1] if fixed else ""
        aff_rating = _rating_of(affected, adv.id)
        rating = adv.rating if adv.rating.severity is not None else aff_rating
        return Match(adv.id, adv.aliases, adv.summary, rating, fix_text, last, ecosystem)


def _same_release(advisory_eco: str, package_eco: str) -> bool:
    """``Debian:12`` matches ``Debian:12``; ``Ubuntu:22.04:LTS`` matches ``Ubuntu:22.04``;
    ecosystems without a release (PyPI, npm, Go) match by family."""
    if advisory_eco == package_eco:
        return True
    a, p = advisory_eco.split(":"), package_eco.split(":")
    if a[0] != p[0]:
        return False
    if len(p) == 1 or len(a) == 1:
        # A release-specific OS advisory never matches a package whose release is unknown.
        return a[0] not in ("Debian", "Ubuntu", "Alpine")
    return a[: len(p)] == p


_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")


def evaluate_range(version: Comparable, events: Any, ecosystem: str,
                   range_type: str) -> tuple[bool, list[tuple[Comparable, str]], str] | None:
    """(affected, fixed versions above ``version``, last_affected) or ``None`` if unparseable."""
    if not isinstance(events, list) or not events:
        return None
    parsed: list[tuple[int, Comparable | None, str, str]] = []  # (order, key, kind, text)
    for e in events:
        if not isinstance(e, dict):
            return None
        for kind in _EVENT_KINDS:
            if kind not in e:
                continue
            text = str(e[kind])
            if kind == "introduced" and text == "0":
                parsed.append((0, None, kind, text))
                continue
            key = parse_version(ecosystem, text, range_type)
            if key is None:
                return None
            parsed.append((1, key, kind, text))
    lowest = [p for p in parsed if p[1] is None]
    rest = [p for p in parsed if p[1] is not None]
    rest.sort(key=_SortKey)
    affected = False
    limits = [p for p in rest if p[2] == "limit"]
    for _, key, kind, _text in [*lowest, *rest]:
        if kind == "introduced" and (key is None or not version < key):
            affected = True
        elif (kind == "fixed" and key is not None and not version < key) or (kind == "last_affected" and key is not None and key < version):
            affected = False
    if limits and affected and not any(version < k for _, k, _, _ in limits if k is not None):
        affected = False
    fixes = [(k, t) for _, k, kind, t in rest if kind == "fixed" and k is not None and version < k]
    last = next((t for _, k, kind, t in rest if kind == "last_affected"), "")
    return affected, fixes, last


class _SortKey:
    """Sort events by version only (their keys are comparable within one ecosystem)."""

    __slots__ = ("key",)

    def __init__(self, item: tuple[int, Comparable | None, str, str]) -> None:
        self.key = item[1]

    def __lt__(self, other: _SortKey) -> bool:
        return bool(self.key is not None and other.key is not None and self.key < other.key)


def _rating_from(severities: Any, database_specific: Any, source: str) -> severity.Rating:
    candidates: list[severity.Rating | None] = []
    if isinstance(severities, list):
        order = {"CVSS_V4": 0, "CVSS_V3": 1, "CVSS_V2": 2, "Ubuntu": 3}
        for s in sorted((s for s in severities if isinstance(s, dict)),
                        key=lambda s: order.get(str(s.get("type")), 9)):
            score = str(s.get("score", ""))
            if str(s.get("type", "")).startswith("CVSS"):
                candidates.append(severity.from_vector(score))
            else:
                candidates.append(severity.from_word(score, f"OSV {s.get('type')}"))
    if isinstance(database_specific, dict):
        candidates.append(severity.from_word(database_specific.get("severity"),
                                             f"{source} database_specific"))
    return severity.best(candidates)


def _rating_of(affected: dict[str, Any], adv_id: str) -> severity.Rating:
    eco_specific = affected.get("ecosystem_specific")
    rating = _rating_from(affected.get("severity"), affected.get("database_specific"), adv_id)
    if rating.severity is None and isinstance(eco_specific, dict):
        rating = _rating_from(None, eco_specific, adv_id)
    return rating


def _iter_sources(root: Path, errors: list[InputError]) -> Iterator[tuple[str, str]]:
    """(shown name, JSON text) of every advisory under ``root``."""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        shown = path.relative_to(root).as_posix()
        if path.suffix == ".json":
            try:
                yield shown, path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                errors.append(InputError(shown, 0, f"cannot read advisory: {exc.strerror}"))
        elif path.suffix == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    for member in sorted(zf.namelist()):
                        if member.endswith(".json"):
                            yield (f"{shown}!{member}",
                                   zf.read(member).decode("utf-8", errors="replace"))
            except (OSError, zipfile.BadZipFile) as exc:
                errors.append(InputError(shown, 0, f"cannot read OSV archive: {exc}",
                                         "download the export again"))


def _line_of_key(text: str, key: str) -> int:
    at = text.find(f'"{key}"')
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def load_index(root: Path) -> OsvIndex:
    """Read every advisory of an OSV export folder. Bad files are input errors."""
    index = OsvIndex()
    if not root.is_dir():
        index.errors.append(InputError(str(root), 0, "OSV export folder not found",
                                       "give the folder the OSV all.zip files were put in"))
        return index
    for shown, text in _iter_sources(root, index.errors):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            index.errors.append(InputError(shown, exc.lineno, f"OSV advisory is not JSON: {exc.msg}",
                                           "the advisory was skipped"))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            index.errors.append(InputError(shown, 1, "not an OSV advisory (no 'id')",
                                           "the file was skipped"))
            continue
        if doc.get("withdrawn"):
            continue
        affected = doc.get("affected")
        if not isinstance(affected, list):
            if "affected" in doc:
                index.errors.append(InputError(shown, _line_of_key(text, "affected"),
                                               f"{doc['id']}: 'affected' is not a list"))
            continue
        adv = Advisory(
            id=doc["id"],
            aliases=tuple(str(a) for a in [*(doc.get("aliases") or []), *(doc.get("related") or [])]
                          if isinstance(a, str)),
            summary=str(doc.get("summary") or doc.get("details") or "")[:200].split("\n")[0],
            rating=_rating_from(doc.get("severity"), doc.get("database_specific"), doc["id"]),
            source=shown)
        index.advisories += 1
        for aff in affected:
            pkg = aff.get("package") if isinstance(aff, dict) else None
            if not isinstance(pkg, dict) or not pkg.get("ecosystem") or not pkg.get("name"):
                try:
                    line = _located_line(text, doc["id"])
                except JSONLocError:
                    line = 1
                index.errors.append(InputError(
                    shown, line, f"{doc['id']}: an affected entry has no package ecosystem/name",
                    "that entry was skipped"))
                continue
            eco = str(pkg["ecosystem"])
            key = (ecosystem_family(eco), normalize_name(eco, str(pkg["name"])))
            index.entries.setdefault(key, []).append((adv, aff))
    return index


def _located_line(text: str, adv_id: str) -> int:
    """Line of the first affected entry without a package (read again, keeping lines)."""
    doc = loads(text)
    for aff in doc.get("affected") or []:
        pkg = aff.get("package") if isinstance(aff, dict) else None
        if not isinstance(pkg, dict) or not pkg.get("ecosystem") or not pkg.get("name"):
            return int(getattr(aff, "line", 1) or 1)
    return 1
