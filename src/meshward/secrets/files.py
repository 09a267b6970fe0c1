"""File detectors: credentials found by *where* they are written, not by their format.

A :class:`FileDetector` is declared by the file names and paths it reads (glob patterns
on the lower-case path, matched once per file through one compiled regex) and a parser
that understands the file's structure (netrc tokens, pgpass fields, INI sections, XML
elements, JSON keys, shell command lines, SQL rows). Parsers yield :class:`Found`
entries; the scanner turns them into MW907 matches in the same single pass over the file
that runs the keyword prefilter and the format detectors.

Values are judged with :func:`plain_ok`: inside a credential file, whatever the password
reads is a credential (``root``, ``Summer2019``), except strong placeholders
(``${VAR}``, ``<password>``, ``changeme``, ``xxx``, empty) and shell/environment reads.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from meshward.secrets.filters import is_strong_placeholder

HASH_PREFIX = re.compile(
    r"^(?:\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|md5|sha1|argon2(?:id|i|d)?|pbkdf2[-\w]*|scrypt|P|H)\$"
    r"|\{(?:SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|MD5|SMD5|CRYPT|BCRYPT|PBKDF2[-\w]*)\}"
    r"|(?:pbkdf2_sha256|pbkdf2_sha1|bcrypt_sha256|bcrypt|argon2|sha1|md5|scrypt)\$"
    r"|\*[0-9A-F]{40}$)")
_UNUSABLE = re.compile(r"^![A-Za-z0-9]{40}$")
_CRYPT13 = re.compile(r"^[A-Za-z0-9./]{13}$")
_SHELL_REF = re.compile(r"^(?:\$\{?[A-Za-z_]|\$\(|`|%[A-Za-z_]+%$)")
_WEAK_EXACT = frozenset({"example", "sample", "dummy", "fake", "test", "testing", "demo",
                         "none", "null", "nil", "empty", "prompt", "ask", "keyring"})


class Found(NamedTuple):
    """One credential a parser found: 1-based line, the value, what holds it."""

    line: int
    value: str
    key: str = ""
    hashed: bool = False  # a password hash: crackable offline, not the password itself


Parser = Callable[[str], Iterable[Found]]
BytesParser = Callable[[bytes], Iterable[Found]]


def _nothing(_text: str) -> Iterable[Found]:
    return ()


@dataclass(frozen=True)
class FileDetector:
    """Credentials in files known by name: ``names`` are glob patterns on the file name,
    ``paths`` on the path (``*/.aws/credentials``); either selects the file. ``needs``
    are lower-case literals of which one must occur in the text before ``parse`` runs."""

    id: str
    family: str  # credential-file | tool-config | shell-history | sql-dump
    title: str
    parse: Parser = _nothing
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    practices: tuple[str, ...] = ("SEC-HARDCODED",)
    reference: str = ""
    example: str = ""  # a line that fires, for the docs
    parse_bytes: BytesParser | None = None  # a binary store (SQLite): read from its bytes


def plain_ok(value: str) -> bool:
    """A plaintext password or token stored in a credential file (not a placeholder)."""
    v = value.strip()
    if looks_hashed(v):
        return True
    if not v or _SHELL_REF.match(v) or v.lower() in _WEAK_EXACT or "example" in v.lower():
        return False
    if _UNUSABLE.match(v):  # Django's set_unusable_password(): "!" and 40 random characters
        return False
    return not is_strong_placeholder(v)


def looks_hashed(value: str) -> bool:
    return bool(HASH_PREFIX.match(value))


def unquote(raw: str) -> str:
    v = raw.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def line_starts(text: str) -> list[int]:
    """Offsets of each line's first character, for offset-to-line lookups."""
    out = [0]
    at = text.find("\n")
    while at >= 0:
        out.append(at + 1)
        at = text.find("\n", at + 1)
    return out


def line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset)


class Selector:
    """Which file detectors read a path. A file's lower-case name is first looked up among
    the literal names and suffixes of every pattern (a set lookup and one ``endswith``),
    and only then matched against each detector's globs: most files cost a few lookups."""

    def __init__(self, detectors: tuple[FileDetector, ...]) -> None:
        self.detectors = detectors
        self._each: list[tuple[re.Pattern[str], FileDetector]] = []
        names: set[str] = set()
        suffixes: set[str] = set()
        others: list[str] = []
        for det in detectors:
            globs = [f"*/{n}" for n in det.names] + list(det.paths)
            self._each.append((re.compile("|".join(fnmatch.translate(p) for p in globs)), det))
            for g in globs:
                last = g.rsplit("/", 1)[-1]
                if not any(c in last for c in "*?["):
                    names.add(last)
                elif last == "*":
                    raise ValueError(f"{det.id}: {g!r} would read every file; name the file")
                elif last.startswith("*") and not any(c in last[1:] for c in "*?["):
                    suffixes.add(last[1:])
                else:
                    others.append(fnmatch.translate(last))
        self._names = frozenset(names)
        self._suffixes = tuple(sorted(suffixes))
        self._others = re.compile("|".join(others)) if others else None

    def select(self, path: str) -> list[FileDetector]:
        p = "/" + path.lower()
        name = p[p.rfind("/") + 1:]
        if not (name in self._names or name.endswith(self._suffixes)
                or (self._others is not None and self._others.match(name))):
            return []
        return [det for rx, det in self._each if rx.match(p)]


@cache
def selector() -> Selector:
    from meshward.secrets.files_home import HOME
    from meshward.secrets.files_shell import SHELL
    from meshward.secrets.files_tools import TOOLS

    return Selector((*HOME, *TOOLS, *SHELL))


def all_file_detectors() -> tuple[FileDetector, ...]:
    return selector().detectors


@cache
def binary_names() -> frozenset[str]:
    """Lower-case names of binary credential stores the walk must not skip by suffix."""
    return frozenset(n for d in selector().detectors if d.parse_bytes is not None for n in d.names)
