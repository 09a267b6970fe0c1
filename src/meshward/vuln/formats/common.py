"""Helpers every report/SBOM reader shares: reading fields, purls, ecosystems."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from packageurl import PackageURL

from meshward.errors import InputError
from meshward.model.source import YMap


class Reader:
    """Reads fields of one file and records what is missing as input errors with lines."""

    def __init__(self, path: str, fmt: str, errors: list[InputError]) -> None:
        self.path = path
        self.fmt = fmt
        self.errors = errors

    def error(self, line: int, message: str, hint: str = "") -> None:
        self.errors.append(InputError(self.path, line, f"{self.fmt}: {message}",
                                      hint or "the entry was skipped; the rest was read"))

    def text(self, obj: YMap, key: str, *, required: bool = False, what: str = "") -> str:
        value = obj.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        if required:
            self.error(obj.line, f"{what or 'entry'} has no {key!r}" if value is None
                       else f"{what or 'entry'}: {key!r} is not text")
        return ""


def maps(value: Any) -> list[YMap]:
    return [v for v in value if isinstance(v, YMap)] if isinstance(value, list) else []


def as_ymap(value: Any) -> YMap:
    return value if isinstance(value, YMap) else YMap()


@lru_cache(maxsize=65536)
def parse_purl(text: str) -> PackageURL | None:
    """A parsed purl (cached: images of one fleet list the same packages)."""
    try:
        return PackageURL.from_string(text.strip())
    except ValueError:
        return None


_DEBIAN_CODENAMES = {"bookworm": "12", "bullseye": "11", "buster": "10", "stretch": "9",
                     "trixie": "13", "jessie": "8"}
_MAJOR_MINOR = re.compile(r"(\d+)(?:\.(\d+))?")


def distro_ecosystem(family: str, version: str) -> str:
    """``("debian", "12.5")`` -> ``Debian:12``; ``("alpine", "3.19.1")`` -> ``Alpine:v3.19``."""
    family = family.lower()
    version = version.strip().lower()
    if family == "debian":
        version = _DEBIAN_CODENAMES.get(version, version)
        m = _MAJOR_MINOR.match(version)
        return f"Debian:{m.group(1)}" if m else "Debian"
    if family == "ubuntu":
        m = _MAJOR_MINOR.match(version)
        return f"Ubuntu:{m.group(1)}.{m.group(2)}" if m and m.group(2) else "Ubuntu"
    if family == "alpine":
        m = _MAJOR_MINOR.match(version.lstrip("v"))
        return f"Alpine:v{m.group(1)}.{m.group(2)}" if m and m.group(2) else "Alpine"
    return ""


_PURL_TYPES = {"pypi": "PyPI", "npm": "npm", "golang": "Go", "cargo": "crates.io",
               "gem": "RubyGems", "maven": "Maven", "nuget": "NuGet", "composer": "Packagist",
               "hex": "Hex", "pub": "Pub"}


def purl_package(purl: PackageURL) -> tuple[str, str, str, str]:
    """(ecosystem, name, source name, source version) of a purl, as OSV names them."""
    q = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
    if purl.type in ("deb", "apk"):
        family = (purl.namespace or ("alpine" if purl.type == "apk" else "debian")).lower()
        distro = str(q.get("distro", ""))
        # Trivy writes distro=debian-12.5 / alpine-3.19.1 (or 3.19.1); Syft debian-12.
        if "-" in distro:
            fam2, _, ver = distro.partition("-")
            family = fam2 or family
        else:
            ver = distro
        eco = distro_ecosystem(family, ver) or family.capitalize()
        upstream = str(q.get("upstream", ""))
        src_name, _, src_version = upstream.partition("@")
        if not src_version and " " in src_name:
            src_name, _, src_version = src_name.partition(" ")
        return eco, purl.name, src_name.strip(), src_version.strip()
    eco = _PURL_TYPES.get(purl.type, purl.type)
    if purl.type == "golang" and purl.namespace:
        return eco, f"{purl.namespace}/{purl.name}", "", ""
    if purl.type == "npm" and purl.namespace:
        return eco, f"{purl.namespace}/{purl.name}", "", ""
    if purl.type == "maven" and purl.namespace:
        return eco, f"{purl.namespace}:{purl.name}", "", ""
    return eco, purl.name, "", ""


_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def digests_in(values: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        for d in _DIGEST.findall(v):
            if d not in out:
                out.append(d)
    return tuple(out)


def split_fixed(text: str) -> str:
    """Trivy writes several fixed versions as "1.5.13, 1.3.15": keep them, normalised."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return ", ".join(parts)
