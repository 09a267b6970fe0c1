"""Timestamps as log formats write them, to seconds since the epoch (UTC)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


@lru_cache(maxsize=4096)
def _iso_seconds(head: str, tz: str) -> float | None:
    try:
        stamp = dt.datetime.fromisoformat(head + (tz or "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


_ISO_CACHE: dict[tuple[str, str], float | None] = {}


def iso(text: str) -> float | None:
    """``2022-08-23T20:28:20.071809491Z`` (any fraction, ``Z`` or an offset) -> epoch seconds.

    The whole-second part is cached: a log holds many lines per second.
    """
    if len(text) < 19 or text[4] != "-" or text[10] not in "T ":
        return None
    frac = 0.0
    rest = text[19:]
    if rest[:1] in (".", ","):
        end = 1
        n = len(rest)
        while end < n and rest[end].isdigit():
            end += 1
        if end > 1:
            frac = float("0." + rest[1:end])
        rest = rest[end:]
    key = (text[:19], rest)
    base = _ISO_CACHE.get(key, -1.0)
    if base == -1.0:
        base = _iso_seconds(key[0], "+00:00" if rest in ("Z", "z", "") else rest)
        if len(_ISO_CACHE) > 100_000:
            _ISO_CACHE.clear()
        _ISO_CACHE[key] = base
    return None if base is None else base + frac


@lru_cache(maxsize=4096)
def clf(text: str) -> float | None:
    """Common Log Format time ``10/Oct/2000:13:55:36 -0700`` -> epoch seconds."""
    try:
        return dt.datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z").timestamp()
    except ValueError:
        return None


def bsd(text: str, year: int) -> float | None:
    """RFC 3164 time ``Oct 11 22:14:15`` (no year, no zone: UTC and ``year`` assumed)."""
    parts = text.split()
    if len(parts) != 3 or parts[0] not in _MONTHS:
        return None
    try:
        day = int(parts[1])
        hh, mm, ss = (int(p) for p in parts[2].split(":"))
        return dt.datetime(year, _MONTHS[parts[0]], day, hh, mm, ss, tzinfo=dt.UTC).timestamp()
    except ValueError:
        return None
