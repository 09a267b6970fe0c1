"""HCL2 and Terraform JSON syntax, read into blocks and attributes that remember their lines.

The grammar and parser are python-hcl2's (a Lark LALR parser); meshward walks the syntax tree
itself, so every block and attribute keeps its line and unresolved expressions keep their
source text. ``*.tf.json`` files are read into the same :class:`Block` shape.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from meshward.errors import InputError
from meshward.loaders.yamlsrc import ParseError, iter_yaml_documents
from meshward.model.source import YMap, YSeq


@dataclass(frozen=True, slots=True)
class Literal:
    """A value already known (from JSON syntax or tfvars), in place of a syntax tree."""

    value: Any


Expr = Tree | Literal  # type: ignore[type-arg]


@dataclass
class Attr:
    name: str
    line: int
    expr: Expr
    text: str  # the whole source file, to slice expression text from


@dataclass
class Block:
    type: str
    labels: list[str]
    line: int
    path: str  # the file, as shown to users
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@dataclass
class HclFile:
    path: str
    abs_path: str
    blocks: list[Block] = field(default_factory=list)
    attrs: dict[str, Attr] = field(default_factory=dict)  # top-level attributes (tfvars)


@functools.cache
def parser() -> Any:
    """python-hcl2's grammar and post-lexer, without position propagation (2.5x faster):
    lines and source spans come from the tokens, which always carry them."""
    import hcl2.parser as hcl2_parser
    from hcl2.postlexer import PostLexer
    from lark import Lark

    grammar = Path(hcl2_parser.__file__).with_name("hcl2.lark")
    try:
        return Lark.open(str(grammar), parser="lalr", propagate_positions=False,
                         postlex=PostLexer(), cache=True)
    except OSError:  # no writable cache folder: build in memory
        return Lark.open(str(grammar), parser="lalr", propagate_positions=False,
                         postlex=PostLexer())


def first_token(node: Any) -> Token | None:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, Token):
            return cur
        if isinstance(cur, Tree):
            stack.extend(reversed(cur.children))
    return None


def last_token(node: Any) -> Token | None:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, Token):
            return cur
        if isinstance(cur, Tree):
            stack.extend(cur.children)
    return None


def line_of_node(node: Any) -> int:
    tok = first_token(node)
    return int(tok.line) if tok is not None and tok.line else 0


def span(node: Any) -> tuple[int, int] | None:
    """``(start, end)`` offsets of a subtree in its source text."""
    first, last = first_token(node), last_token(node)
    if first is None or last is None or first.start_pos is None or last.start_pos is None:
        return None
    # a token that crossed a process boundary keeps its start but not always its end
    end = last.end_pos if last.end_pos is not None else last.start_pos + len(last)
    return int(first.start_pos), int(end)


def parse_hcl(path: str, text: str, abs_path: str = "") -> tuple[HclFile | None, InputError | None]:
    """Parse HCL2 source; a syntax error is an :class:`InputError` with its line."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        tree = parser().parse(text)
    except UnexpectedInput as exc:
        line = getattr(exc, "line", 0) or 0
        what = "unexpected character" if isinstance(exc, UnexpectedCharacters) else (
            f"unexpected {_shown(str(exc.token))}" if isinstance(exc, UnexpectedToken)
            else "syntax error")
        return None, InputError(path, line if line > 0 else 0, f"HCL syntax error: {what}",
                                "fix the syntax (`terraform fmt` points at it, offline); "
                                "the rest was scanned")
    except (LarkError, RecursionError, ValueError, KeyError, IndexError, TypeError) as exc:
        return None, InputError(path, 0, f"HCL could not be parsed ({type(exc).__name__})",
                                "check the file with `terraform fmt`; the rest was scanned")
    out = HclFile(path, abs_path)
    body = next((c for c in tree.children if isinstance(c, Tree) and c.data == "body"), None)
    if body is not None:
        try:
            _fill(body, out.blocks, out.attrs, path, text, 0)
        except RecursionError:
            return None, InputError(path, 0, "HCL nested too deeply to read",
                                    "flatten the nesting; the rest was scanned")
    return out, None


def _shown(token: str) -> str:
    first = token.split("\n", 1)[0].strip()
    return repr(first[:40] + ("..." if len(first) > 40 else "")) if first else "end of line"


def _name(node: Any) -> str:
    if isinstance(node, Token):
        return str(node)
    if isinstance(node, Tree):
        if node.data == "string":
            return "".join(str(p.children[0]) for p in node.children
                           if isinstance(p, Tree) and p.data == "string_part"
                           and isinstance(p.children[0], Token))
        return "".join(_name(c) for c in node.children)
    return ""


MAX_BLOCK_DEPTH = 100


def _fill(body: Tree, blocks: list[Block], attrs: dict[str, Attr], path: str,  # type: ignore[type-arg]
          text: str, depth: int) -> None:
    if depth > MAX_BLOCK_DEPTH:
        raise RecursionError
    for item in body.children:
        if not isinstance(item, Tree):
            continue
        if item.data == "attribute":
            name = _name(item.children[0])
            expr = item.children[-1]
            if isinstance(expr, Tree):
                attrs[name] = Attr(name, line_of_node(item), expr, text)
        elif item.data == "block":
            parts = [c for c in item.children if isinstance(c, Tree)]
            inner = next((c for c in parts if c.data == "body"), None)
            heads = [c for c in parts if c.data not in ("body", "new_line_or_comment")]
            if not heads:
                continue
            block = Block(_name(heads[0]), [_name(h) for h in heads[1:]], line_of_node(item),
                          path)
            if inner is not None:
                _fill(inner, block.blocks, block.attrs, path, text, depth + 1)
            blocks.append(block)


def parse_json_config(path: str, text: str) -> tuple[HclFile | None, InputError | None]:
    """Terraform's JSON syntax (``*.tf.json``, ``*.tfvars.json``) in the same block shape."""
    try:
        docs = list(iter_yaml_documents(text))
    except ParseError as exc:
        return None, InputError(path, exc.line, f"JSON syntax error: {exc.message}",
                                "fix the JSON; the rest was scanned")
    value = docs[0].value if docs else None
    out = HclFile(path, "")
    try:
        return _json_file(path, text, value, out)
    except RecursionError:
        return None, InputError(path, 0, "Terraform JSON nested too deeply to read",
                                "flatten the nesting; the rest was scanned")


def _json_file(path: str, text: str, value: Any, out: HclFile
               ) -> tuple[HclFile | None, InputError | None]:
    if not isinstance(value, YMap):
        if value is not None:
            return None, InputError(path, 1, "Terraform JSON must be an object at the top")
        return out, None
    for key, item in value.items():
        line = value.line_of(key)
        if key in ("resource", "data"):
            for rtype, named in _items(item):
                for name, body in _items(named):
                    out.blocks.append(_json_block(path, key, [rtype, name], body, line))
        elif key in ("variable", "module", "output", "provider"):
            for name, body in _items(item):
                out.blocks.append(_json_block(path, key, [name], body, line))
        elif key == "locals":
            for body in (item if isinstance(item, list) else [item]):
                out.blocks.append(_json_block(path, "locals", [], body, line))
        else:
            out.attrs[key] = Attr(key, line, Literal(item), text)
    return out, None


def _items(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [kv for v in value for kv in _items(v)]
    return []


def _json_block(path: str, type_: str, labels: list[str], body: Any, line: int) -> Block:
    if isinstance(body, list):  # {"name": [{...}]} is allowed for a single block
        body = body[0] if body and isinstance(body[0], dict) else {}
    here = body.line if isinstance(body, YMap) and body.line else line
    block = Block(type_, labels, here, path)
    if isinstance(body, dict):
        for k, v in body.items():
            kline = body.line_of(k) if isinstance(body, YMap) else here
            block.attrs[str(k)] = Attr(str(k), kline, Literal(_plain(v)), "")
    return block


def _plain(value: Any) -> Any:
    if isinstance(value, (YMap, dict)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (YSeq, list)):
        return [_plain(v) for v in value]
    return value
