"""Compute each key once, even when many threads ask for it at the same time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class Once(Generic[T]):
    """``get(key, fn)`` runs ``fn`` once per key; later callers wait for it and share the
    result, or the exception it raised."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[Hashable, tuple[threading.Event, list[tuple[str, object]]]] = {}

    def get(self, key: Hashable, fn: Callable[[], T]) -> T:
        with self._lock:
            slot = self._slots.get(key)
            owner = slot is None
            if slot is None:
                slot = (threading.Event(), [])
                self._slots[key] = slot
        done, box = slot
        if owner:
            try:
                box.append(("ok", fn()))
            except BaseException as exc:
                box.append(("err", exc))
                raise
            finally:
                done.set()
        else:
            done.wait()
        kind, value = box[0]
        if kind == "err":
            assert isinstance(value, BaseException)
            raise value
        return cast(T, value)

    def __len__(self) -> int:
        return len(self._slots)
