"""Every detector, and the keyword automata that pick the candidate lines for them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from meshward.secrets.formats_apps import AI, CHAT, PAYMENT, SAAS
from meshward.secrets.formats_infra import CLOUD, INFRA, VCS_CI
from meshward.secrets.formats_keys import KEYS
from meshward.secrets.model import Detector

DETECTORS: tuple[Detector, ...] = (*CLOUD, *VCS_CI, *INFRA, *CHAT, *PAYMENT, *SAAS, *AI, *KEYS)
GENERIC = -1  # the index standing for the generic secret-assignment detector

_KEY_QUALIFIERS = ("api", "access", "private", "signing", "encryption", "master", "app", "client",
                   "auth", "hmac", "session", "jwt", "license", "account", "storage", "shared",
                   "cookie", "consumer", "webhook", "admin", "root", "service", "crypto", "sign",
                   "enc")
GENERIC_KEYWORDS: tuple[str, ...] = (
    "pass", "pwd", "secret", "token", "cred", "psk", "_salt", "-salt", *(f"{q}{sep}key" for q in _KEY_QUALIFIERS
                                                      for sep in ("_", "", "-")),
)


def by_id() -> dict[str, Detector]:
    return {d.id: d for d in DETECTORS}


def families() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for d in DETECTORS:
        out[d.family].append(d.id)
    return dict(out)


Hits = Iterator[tuple[int, tuple[int, ...]]]
Finder = Callable[[Any], Hits]


class KeywordIndex:
    """Keyword automata: case-insensitive keywords on the lowered text, case-sensitive ones as is.

    ``hits(text, raw)`` yields ``(offset, detector indices)`` where the offset is that of a
    character of the keyword in ``text``; the generic detector is :data:`GENERIC`. An ASCII
    file is searched as bytes (ahocorasick-rs DFA, hundreds of MB/s); other text as str.
    Without ahocorasick-rs, one compiled alternation per automaton does the same, slower.
    """

    def __init__(self, generic: bool = True) -> None:
        ci: dict[str, set[int]] = defaultdict(set)
        cs: dict[str, set[int]] = defaultdict(set)
        for i, det in enumerate(DETECTORS):
            for kw in det.keywords:
                ci[kw.lower()].add(i)
            for kw in det.cs_keywords:
                cs[kw].add(i)
        if generic:
            for kw in GENERIC_KEYWORDS:
                ci[kw].add(GENERIC)
        self._ci = {k: tuple(sorted(v)) for k, v in ci.items()}
        self._cs = {k: tuple(sorted(v)) for k, v in cs.items()}
        self._ci_str, self._ci_bytes = _finders(self._ci)
        self._cs_str, self._cs_bytes = _finders(self._cs)
        # Detectors that need an ``@`` on the line (credentials in URLs) are left out of a
        # second automaton used for files without any ``@``: most files with URLs have none,
        # and ``://`` is by far the most frequent keyword of source trees.
        at = {i for i, det in enumerate(DETECTORS) if det.requires == "@"}
        no_at = {k: tuple(i for i in v if i not in at) for k, v in self._ci.items()}
        self._ci_noat_str, self._ci_noat_bytes = _finders({k: v for k, v in no_at.items() if v})
        # ASCII files: one pass finds both kinds of keyword in the lowered bytes; a
        # case-sensitive keyword's hit is kept when the original bytes spell it as written.
        self._one_pass = _merged_finder(self._ci, self._cs)
        self._one_pass_noat = _merged_finder({k: v for k, v in no_at.items() if v}, self._cs)

    def hits(self, text: str, raw: bytes | None = None) -> Hits:
        if raw is not None and raw.isascii():
            one = self._one_pass if b"@" in raw else self._one_pass_noat
            if one is not None:
                yield from one(raw)
                return
            yield from self._cs_bytes(raw)
            find = self._ci_bytes if b"@" in raw else self._ci_noat_bytes
            yield from find(raw.lower())
        else:
            yield from self._cs_str(text)
            yield from (self._ci_str if "@" in text else self._ci_noat_str)(text.lower())


def _finders(words: dict[str, tuple[int, ...]]) -> tuple[Finder, Finder]:
    keys = list(words)
    values = [words[k] for k in keys]
    if not keys:
        return (lambda _t: iter(())), (lambda _t: iter(()))
    try:
        import ahocorasick_rs
    except ImportError:  # pragma: no cover - exercised when the optional dep is absent
        return _regex_finders(words)
    dfa = ahocorasick_rs.Implementation.DFA
    on_str = ahocorasick_rs.AhoCorasick(keys, implementation=dfa)
    on_bytes = ahocorasick_rs.BytesAhoCorasick([k.encode() for k in keys], implementation=dfa)

    def find_str(text: Any) -> Hits:
        for idx, start, _ in on_str.find_matches_as_indexes(text, overlapping=True):
            yield start, values[idx]

    def find_bytes(data: Any) -> Hits:
        for idx, start, _ in on_bytes.find_matches_as_indexes(data, overlapping=True):
            yield start, values[idx]

    return find_str, find_bytes


def _merged_finder(ci: dict[str, tuple[int, ...]], cs: dict[str, tuple[int, ...]]
                   ) -> Finder | None:
    """One automaton over lowered ASCII bytes for case-insensitive and case-sensitive keywords
    (``None`` without ahocorasick-rs: the two-pass search is used)."""
    try:
        import ahocorasick_rs
    except ImportError:  # pragma: no cover - exercised when the optional dep is absent
        return None
    table: dict[str, tuple[tuple[int, ...], list[tuple[bytes, tuple[int, ...]]]]] = {}
    for kw, ids in ci.items():
        table[kw] = (ids, [])
    for kw, ids in cs.items():
        _ids, checks = table.setdefault(kw.lower(), ((), []))
        checks.append((kw.encode(), ids))
    keys = list(table)
    values = [table[k] for k in keys]
    ac = ahocorasick_rs.BytesAhoCorasick([k.encode() for k in keys],
                                         implementation=ahocorasick_rs.Implementation.DFA)

    def find(raw: Any) -> Hits:
        for idx, start, end in ac.find_matches_as_indexes(raw.lower(), overlapping=True):
            ci_ids, checks = values[idx]
            if ci_ids:
                yield start, ci_ids
            for word, ids in checks:
                if raw[start:end] == word:
                    yield start, ids

    return find


def _regex_finders(words: dict[str, tuple[int, ...]]) -> tuple[Finder, Finder]:
    ordered = sorted(words, key=len, reverse=True)
    on_str = re.compile("|".join(re.escape(w) for w in ordered))
    on_bytes = re.compile(b"|".join(re.escape(w.encode()) for w in ordered))

    def find_str(text: Any) -> Hits:
        for m in on_str.finditer(text):
            yield m.start(), words[m.group(0)]

    def find_bytes(data: Any) -> Hits:
        for m in on_bytes.finditer(data):
            yield m.start(), words[m.group(0).decode()]

    return find_str, find_bytes


@cache
def keyword_index(generic: bool = True) -> KeywordIndex:
    return KeywordIndex(generic)
