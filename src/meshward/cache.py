"""Compute once per owner (an inventory, a scan context): facts shared by analyses, rules and commands."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_STORE: dict[tuple[int, str], object] = {}


def once(owner: object, key: str, factory: Callable[[], T]) -> T:
    """The value ``factory()`` for ``owner`` (kept while ``owner`` lives), computed once."""
    slot = (id(owner), key)
    if slot not in _STORE:
        _STORE[slot] = factory()
        weakref.finalize(owner, _STORE.pop, slot, None)
    return _STORE[slot]  # type: ignore[return-value]
