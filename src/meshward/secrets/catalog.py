"""Every detector, and the keyword automata that pick the candidate lines for them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cache

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
    "pass", "pwd", "secret", "token", "cred", "psk", *(f"{q}{sep}key" for q in _KEY_QUALIFIERS
                                                      for sep in ("_", "", "-")),
)


def by_id() -> dict[str, Detector]:
    return {d.id: d for d in DETECTORS}


def families() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for d in DETECTORS:
        out[d.family].append(d.id)
    return dict(out)


class KeywordIndex:
    """Two Aho-Corasick automata (case-insensitive and case-sensitive keywords).

    ``hits(text, lower)`` yields ``(position, detector index)``; the generic detector is
    :data:`GENERIC`. Falls back to one compiled alternation per automaton when
    pyahocorasick is not installed.
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
        self._ci = _build({k: tuple(sorted(v)) for k, v in ci.items()})
        self._cs = _build({k: tuple(sorted(v)) for k, v in cs.items()})

    def hits(self, text: str, lower: str) -> Iterator[tuple[int, tuple[int, ...]]]:
        yield from self._cs(text)
        yield from self._ci(lower)


def _build(words: dict[str, tuple[int, ...]]):  # type: ignore[no-untyped-def]
    try:
        import ahocorasick  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - exercised when the optional dep is absent
        return _regex_matcher(words)
    auto = ahocorasick.Automaton()
    for word, ids in words.items():
        auto.add_word(word, ids)
    auto.make_automaton()

    def run(text: str) -> Iterator[tuple[int, tuple[int, ...]]]:
        if not words:
            return
        for end, ids in auto.iter(text):
            yield end, ids

    return run


def _regex_matcher(words: dict[str, tuple[int, ...]]):  # type: ignore[no-untyped-def]
    import re

    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    def run(text: str) -> Iterator[tuple[int, tuple[int, ...]]]:
        if not words:
            return
        for m in pattern.finditer(text):
            yield m.end() - 1, words[m.group(0)]

    return run


@cache
def keyword_index(generic: bool = True) -> KeywordIndex:
    return KeywordIndex(generic)
