"""Parse YAML and JSON into :class:`YMap`/:class:`YSeq` values that remember lines.

The C parser and composer do the heavy lifting when libyaml is available; only
the construction of Python values happens here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from meshward.model.source import YMap, YSeq

try:  # pragma: no cover - depends on how PyYAML was built
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _LineLoader(_Base):  # type: ignore[misc]
    """A safe loader whose mappings and sequences carry 1-based line numbers."""


# Kubernetes and compose parsers do not read `22:22` as a base-60 number (YAML 1.1 did):
# drop sexagesimal integers so a compose port mapping stays the text it is.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _construct_map(loader: Any, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    out = YMap()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> YSeq:
    out = YSeq()
    out.line = node.start_mark.line + 1
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.item_lines.append(item.start_mark.line + 1)
    return out


def _construct_timestamp_as_text(loader: Any, node: yaml.ScalarNode) -> str:
    # Dates stay text: expiry annotations and image tags must not turn into objects.
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:omap", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
_LineLoader.add_constructor("tag:yaml.org,2002:binary", _construct_timestamp_as_text)
# Unknown tags (CloudFormation !Ref, custom !!python...) become plain values, never code.
_LineLoader.add_multi_constructor("!", lambda loader, suffix, node: _construct_any(loader, node))
_LineLoader.add_multi_constructor(
    "tag:yaml.org,2002:python", lambda loader, suffix, node: _construct_any(loader, node)
)


def _construct_any(loader: Any, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _construct_map(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_seq(loader, node)
    return loader.construct_scalar(node)


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _build(loader: Any, node: yaml.Node, memo: dict[int, Any]) -> Any:
    """Node to value, the common tags inline (strings, plain maps and lists); the rest through
    the loader's constructors. Same result as ``construct_document``, several times faster."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    done = memo.get(id(node))
    if done is not None:
        return done  # an alias: the same value, as PyYAML gives
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        loader.flatten_mapping(node)
        out = YMap()
        memo[id(node)] = out
        out.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = _build(loader, key_node, memo)
            if not isinstance(key, str):
                key = str(key)
            out[key] = _build(loader, value_node, memo)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        seq = YSeq()
        memo[id(node)] = seq
        seq.line = node.start_mark.line + 1
        for item in node.value:
            seq.append(_build(loader, item, memo))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node, deep=True)


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a file: its value, first line, and index in the file."""

    value: Any
    line: int
    index: int


class ParseError(Exception):
    """A file could not be parsed; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def iter_yaml_documents(text: str) -> Iterator[Document]:
    """Yield each document of a YAML stream, raising :class:`ParseError` at the first bad one.

    Documents before the error have already been yielded, so callers keep them.
    """
    loader = _LineLoader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover
                continue
            value = _build(loader, node, {})
            loader.constructed_objects = {}
            loader.recursive_objects = {}
            yield Document(value=value, line=node.start_mark.line + 1, index=index)
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:  # PyYAML >= 6.0.3 stops before recursing
            raise ParseError("nested too deeply to read", 0) from None
        raise ParseError(problem, line) from None
    except yaml.YAMLError as exc:
        raise ParseError(str(exc).splitlines()[0] if str(exc) else "invalid YAML", 0) from None
    except RecursionError:
        raise ParseError("nested too deeply to read", 0) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise ParseError(f"cannot build value ({type(exc).__name__}: {exc})", 0) from None
    finally:
        loader.dispose()


def parse_json(text: str) -> Any:
    """Parse JSON keeping lines: JSON is YAML 1.2, but tabs and huge inputs want care.

    Valid JSON goes through the YAML composer (which keeps lines). When YAML refuses
    what JSON accepts (tabs, some escapes), fall back to plain JSON with line 1.
    """
    try:
        plain = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, exc.lineno) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply", 0) from None
    if not _wanted(plain):
        # Not a deployment object (a dashboard, a lock file...): no loader reads it, lines are
        # not needed, and the C JSON parser is far faster than composing YAML nodes.
        return plain
    try:
        docs = list(iter_yaml_documents(text))
        return docs[0].value if docs else None
    except ParseError:  # tabs and some escapes are JSON but not YAML: keep the values, line 1
        return _plain_to_located(plain)


def _wanted(value: Any) -> bool:
    """Would a loader use this JSON value: a Kubernetes object or list, or a compose file?"""
    return isinstance(value, dict) and ("kind" in value or "apiVersion" in value
                                        or "services" in value or "items" in value)


def _plain_to_located(value: Any) -> Any:
    if isinstance(value, dict):
        out = YMap()
        out.line = 1
        for k, v in value.items():
            out[str(k)] = _plain_to_located(v)
            out.key_lines[str(k)] = 1
        return out
    if isinstance(value, list):
        seq = YSeq([_plain_to_located(v) for v in value])
        seq.line = 1
        seq.item_lines = [1] * len(seq)
        return seq
    return value
