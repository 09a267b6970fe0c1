"""JSON parsing that remembers the line of every object, for errors that say file:line.

The C decoder of :mod:`json` does the parsing; its ``object_pairs_hook`` is called once per
object, in the order the objects close. A string-aware pass over the text (a C regular
expression) finds where each ``{`` and ``}`` stands, so the n-th call of the hook belongs to
the n-th ``}``, whose ``{`` gives the line. Objects become :class:`YMap`; arrays stay lists.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

from meshward.model.source import YMap

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]', re.DOTALL)


class JSONLocError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _open_positions(text: str) -> Iterator[int]:
    """The offset of each object's ``{``, in the order the objects close."""
    stack: list[int] = []
    for m in _TOKENS.finditer(text):
        at = m.start()
        c = text[at]
        if c == "{":
            stack.append(at)
        elif c == "}":
            yield stack.pop() if stack else at


def loads(text: str) -> Any:
    """Parse ``text``; objects are :class:`YMap` with 1-based ``line``. Raises JSONLocError."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    opens = _open_positions(text)

    def hook(pairs: list[tuple[str, Any]]) -> YMap:
        out = YMap(pairs)
        out.line = bisect.bisect_right(starts, next(opens, 0))
        return out

    try:
        return json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise JSONLocError(exc.msg, exc.lineno) from None
    except RecursionError:
        raise JSONLocError("JSON nested too deeply", 0) from None
