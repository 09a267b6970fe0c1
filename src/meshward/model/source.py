"""Where things come from: file and line, and the YAML values that remember them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in an input file. ``line`` is 1-based; 0 means the whole file."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class YMap(dict[str, Any]):
    """A YAML/JSON mapping that remembers its own line and the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int = 0
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """The line of ``key`` (or of the mapping itself when the key is absent)."""
        return self.key_lines.get(key, self.line)


class YSeq(list[Any]):
    """A YAML/JSON sequence that remembers its own line and each item's line."""

    __slots__ = ("item_lines", "line")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line: int = 0
        self.item_lines: list[int] = []

    def line_at(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def line_of(value: Any, default: int = 0) -> int:
    """The line a parsed value starts on, when it remembers one."""
    line = getattr(value, "line", 0)
    return line if isinstance(line, int) and line else default


def dig(value: Any, *path: str | int) -> Any:
    """Follow ``path`` through mappings and sequences; ``None`` when any step is missing."""
    cur = value
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or not -len(cur) <= step < len(cur):
                return None
            cur = cur[step]
        else:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(step)
        if cur is None:
            return None
    return cur


def dig_line(value: Any, *path: str | int) -> int:
    """The line of the deepest existing step of ``path`` (the key's own line)."""
    cur = value
    best = line_of(value)
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, YSeq) or not 0 <= step < len(cur):
                return best
            best = cur.line_at(step) or best
            cur = cur[step]
        else:
            if not isinstance(cur, YMap) or step not in cur:
                return best
            best = cur.line_of(step) or best
            cur = cur[step]
    return best


def as_map(value: Any) -> YMap:
    """``value`` when it is a mapping, else an empty one (wrong types are loader errors)."""
    if isinstance(value, YMap):
        return value
    if isinstance(value, dict):
        out = YMap(value)
        return out
    return YMap()


def as_seq(value: Any) -> YSeq:
    """``value`` when it is a sequence, else an empty one."""
    if isinstance(value, YSeq):
        return value
    if isinstance(value, list):
        return YSeq(value)
    return YSeq()


def set_line(value: YMap | YSeq, line: int) -> None:
    """Point ``value`` and everything inside it at one line (rendered output with no source)."""
    value.line = line
    if isinstance(value, YMap):
        for key, item in value.items():
            value.key_lines[key] = line
            if isinstance(item, (YMap, YSeq)):
                set_line(item, line)
    else:
        value.item_lines = [line] * len(value)
        for item in value:
            if isinstance(item, (YMap, YSeq)):
                set_line(item, line)
