"""JSON parsing that remembers the line of every object, for errors that say file:line.

The C scanner of :mod:`json` cannot report positions, so this uses the standard library's
pure-Python scanner with ``parse_object`` wrapped: each object becomes a :class:`YMap`
whose ``line`` is where its ``{`` stands. Arrays stay plain lists.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any

from meshward.model.source import YMap

_JSON_OBJECT: Any = getattr(json.decoder, "JSONObject")  # noqa: B009 - untyped in typeshed


class JSONLocError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def loads(text: str) -> Any:
    """Parse ``text``; objects are :class:`YMap` with 1-based ``line``. Raises JSONLocError."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)

    def line_at(index: int) -> int:
        return bisect.bisect_right(starts, index)

    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, object_hook: Any,
                     object_pairs_hook: Any, memo: Any = None) -> tuple[YMap, int]:
        _, end = s_and_end
        pairs, after = _JSON_OBJECT(s_and_end, strict, scan_once, None, list, memo)
        out = YMap(pairs)
        out.line = line_at(end - 1)
        return out, after

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise JSONLocError(exc.msg, exc.lineno) from None
    except RecursionError:
        raise JSONLocError("JSON nested too deeply", 0) from None
