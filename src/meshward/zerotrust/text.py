"""Small wording helpers shared by the zero-trust rules."""

from __future__ import annotations

from collections.abc import Sequence


def names(items: Sequence[str], limit: int = 5) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 3 more`` (each name once)."""
    unique = list(dict.fromkeys(items))
    shown = unique[:limit]
    more = len(unique) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
