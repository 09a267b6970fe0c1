"""Terraform's built-in functions that meshward evaluates on known values.

Each takes the evaluated arguments and returns the value, or raises :class:`Unresolved` when
the result cannot be known (an argument of the wrong type or shape); the caller then keeps the
call as ``unknown(<source text>)``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from meshward.model.cloud import is_unknown


class Unresolved(Exception):
    """Evaluation gave up: the value is unknown."""


def known(value: Any) -> bool:
    """True when nothing inside ``value`` is unknown."""
    if is_unknown(value):
        return False
    if isinstance(value, dict):
        return all(known(v) for v in value.values())
    if isinstance(value, list):
        return all(known(v) for v in value)
    return True


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _jsonencode(args: list[Any]) -> Any:
    """The JSON text; when parts are unknown, the structure itself (unknowns inside), so rules
    still read the policy or container definitions around one unresolved reference."""
    if len(args) != 1:
        raise Unresolved
    if not known(args[0]):
        if isinstance(args[0], (dict, list)):
            return args[0]
        raise Unresolved
    return json.dumps(args[0], sort_keys=True)


def _merge(args: list[Any]) -> Any:
    out: dict[str, Any] = {}
    for a in args:
        if not isinstance(a, dict):
            raise Unresolved
        out.update(a)
    return out


def _concat(args: list[Any]) -> Any:
    out: list[Any] = []
    for a in args:
        if not isinstance(a, list):
            raise Unresolved
        out.extend(a)
    return out


def _one_string(fn: Callable[[str], Any]) -> Callable[[list[Any]], Any]:
    def call(args: list[Any]) -> Any:
        if len(args) != 1 or not isinstance(args[0], str):
            raise Unresolved
        return fn(args[0])

    return call


def _join(args: list[Any]) -> Any:
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], list) \
            or not all(isinstance(x, (str, int, float)) for x in args[1]):
        raise Unresolved
    return args[0].join(to_text(x) for x in args[1])


def _format(args: list[Any]) -> Any:
    if not args or not isinstance(args[0], str) or not all(known(a) for a in args):
        raise Unresolved
    fmt, rest = args[0], [to_text(a) for a in args[1:]]
    if fmt.count("%s") + fmt.count("%d") != len(rest) or "%%" in fmt:
        raise Unresolved
    return re.sub(r"%[sd]", lambda _m: rest.pop(0), fmt)


def _coalesce(args: list[Any]) -> Any:
    for a in args:
        if is_unknown(a):
            raise Unresolved
        if a not in (None, ""):
            return a
    raise Unresolved


def _lookup(args: list[Any]) -> Any:
    if len(args) in (2, 3) and isinstance(args[0], dict) and isinstance(args[1], str):
        if args[1] in args[0]:
            return args[0][args[1]]
        if len(args) == 3:
            return args[2]
    raise Unresolved


def _same(args: list[Any]) -> Any:
    if len(args) != 1:
        raise Unresolved
    return args[0]


def _length(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], (list, dict, str)):
        raise Unresolved
    return len(args[0])


def _flatten(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list):
        raise Unresolved
    out: list[Any] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list) and depth < 20:
                walk(item, depth + 1)
            elif is_unknown(item):  # it may be a list itself: the result's shape is unknown
                raise Unresolved
            else:
                out.append(item)

    walk(args[0], 0)
    return out


def _compact(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list) or not known(args[0]):
        raise Unresolved
    return [v for v in args[0] if v not in (None, "")]


def _distinct(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], list) or not known(args[0]):
        raise Unresolved
    out: list[Any] = []
    for v in args[0]:
        if v not in out:
            out.append(v)
    return out


def _keys(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise Unresolved
    return sorted(args[0])


def _values(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], dict):
        raise Unresolved
    return [args[0][k] for k in sorted(args[0])]


def _element(args: list[Any]) -> Any:
    if len(args) != 2 or not isinstance(args[0], list) or not args[0] \
            or not isinstance(args[1], int) or isinstance(args[1], bool):
        raise Unresolved
    return args[0][args[1] % len(args[0])]


def _contains(args: list[Any]) -> Any:
    if len(args) != 2 or not isinstance(args[0], list) or not known(args[0]):
        raise Unresolved
    return args[1] in args[0]


def _base64encode(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        raise Unresolved
    return base64.b64encode(args[0].encode("utf-8")).decode("ascii")


def _base64decode(args: list[Any]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        raise Unresolved
    try:
        return base64.b64decode(args[0], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise Unresolved from None


# Functions that still say something when an argument is unknown (the first known value; a
# structure with unknowns inside).
PARTLY_UNKNOWN_OK = frozenset({"coalesce", "jsonencode"})

def _tostring(args: list[Any]) -> Any:
    """``tostring(22)`` is ``"22"`` (``for_each = toset([for p in ports : tostring(p)])``)."""
    if len(args) != 1 or not isinstance(args[0], (str, int, float, bool)):
        raise Unresolved
    return to_text(args[0])


def _tonumber(args: list[Any]) -> Any:
    if len(args) != 1 or isinstance(args[0], bool):
        raise Unresolved
    value = args[0]
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                raise Unresolved from None
    raise Unresolved


FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "base64encode": _base64encode, "base64decode": _base64decode,
    "length": _length, "flatten": _flatten, "compact": _compact, "distinct": _distinct,
    "keys": _keys, "values": _values, "element": _element, "contains": _contains,
    "jsonencode": _jsonencode, "merge": _merge, "concat": _concat, "join": _join,
    "lower": _one_string(str.lower), "upper": _one_string(str.upper),
    "trimspace": _one_string(str.strip), "format": _format, "coalesce": _coalesce,
    "lookup": _lookup, "tolist": _same, "toset": _same, "tomap": _same, "tostring": _tostring,
    "tonumber": _tonumber,
    "sensitive": _same, "nonsensitive": _same,
    "jsondecode": _one_string(lambda s: json.loads(s)),
}
