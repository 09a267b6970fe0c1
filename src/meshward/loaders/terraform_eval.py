"""Evaluate Terraform expressions as far as they are literal; the rest stays ``unknown(expr)``.

Variables (defaults, tfvars, module inputs), locals, ``path.module``, dynamic block iterators,
a few pure functions (``jsonencode``, ``merge``, ``concat``, ``lower``...) and
``data.aws_iam_policy_document`` are resolved. References to other resources, data sources,
module outputs, ``count.index``/``each`` and unknown functions are kept as unknown, with their
source text, so rules and graph edges can still read what they refer to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token, Tree

from meshward.loaders.hcl import Attr, Block, Literal, span
from meshward.loaders.terraform_functions import (
    FUNCTIONS,
    PARTLY_UNKNOWN_OK,
    Unresolved,
    known,
    to_text,
)
from meshward.model.cloud import is_unknown, unknown

MAX_DEPTH = 60
_SIMPLE_REF = re.compile(r"\$\{\s*([A-Za-z_][\w\-]*(?:\.[A-Za-z_][\w\-]*)+)\s*\}")


@dataclass
class Scope:
    """What names mean inside one module instance."""

    module_dir: str  # as shown to users ("." for the root)
    abs_dir: str = ""
    prefix: str = ""  # "module.net." for resources of a module call
    variables: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    iterators: dict[str, Any] = field(default_factory=dict)  # dynamic blocks: name -> {key,value}
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)  # call name -> outputs
    _local_values: dict[str, Any] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)

    def with_iterator(self, name: str, value: Any) -> Scope:
        child = Scope(self.module_dir, self.abs_dir, self.prefix, self.variables, self.locals,
                      self.data, {**self.iterators, name: value}, self.modules)
        child._local_values = self._local_values
        return child


def evaluate(attr: Attr, scope: Scope) -> Any:
    """The value of an attribute; ``unknown(source)`` where it cannot be known."""
    if isinstance(attr.expr, Literal):
        return _json_value(attr.expr.value, scope, 0)
    try:
        return _Eval(attr.text, scope).eval(attr.expr, 0)
    except (Unresolved, RecursionError):
        return unknown(_slice(attr.text, attr.expr))


def _slice(text: str, node: Any) -> str:
    where = span(node)
    if where is None:
        return ""
    return " ".join(text[where[0]:where[1]].split())[:500]


def _json_value(value: Any, scope: Scope, depth: int) -> Any:
    """Terraform JSON syntax: strings are templates."""
    if depth > MAX_DEPTH:
        return unknown()
    if isinstance(value, str):
        return interpolate(value, scope)
    if isinstance(value, dict):
        return {k: _json_value(v, scope, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v, scope, depth + 1) for v in value]
    return value


def interpolate(text: str, scope: Scope) -> Any:
    """A template written as text (heredoc body, JSON string): simple references resolved."""
    if "${" not in text and "%{" not in text:
        return text.replace("$${", "${")
    unresolved = False

    def sub(m: re.Match[str]) -> str:
        nonlocal unresolved
        value = reference(m.group(1).split("."), scope)
        if is_unknown(value) or isinstance(value, (dict, list)) or value is None:
            unresolved = True
            return m.group(0)
        return to_text(value)

    out = _SIMPLE_REF.sub(sub, text)
    if unresolved or "${" in out.replace("$${", "") or "%{" in out:
        return unknown(out)
    return out


def reference(parts: list[str], scope: Scope) -> Any:
    """``var.x``, ``local.y``, ``path.module``, an iterator; else unknown (a resource ref)."""
    head = parts[0]
    expr = ".".join(parts)
    value: Any
    if head == "var" and len(parts) > 1:
        value = scope.variables.get(parts[1], unknown(expr))
        rest = parts[2:]
    elif head == "local" and len(parts) > 1:
        value = local(parts[1], scope)
        rest = parts[2:]
    elif head == "path" and len(parts) > 1:
        value = scope.module_dir if parts[1] in ("module", "root", "cwd") else unknown(expr)
        rest = parts[2:]
    elif head == "module" and len(parts) > 1 and parts[1] in scope.modules:
        value = scope.modules[parts[1]]
        rest = parts[2:]
    elif head in scope.iterators:
        value = scope.iterators[head]
        rest = parts[1:]
    elif head == "data" and len(parts) >= 4 and parts[1] == "aws_iam_policy_document" \
            and parts[3] in ("json", "minified_json"):
        block = scope.data.get((parts[1], parts[2]))
        return policy_document(block, scope) if block is not None else unknown(expr)
    else:
        return unknown(expr)
    for step in rest:
        if isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return unknown(expr)
    return value


def local(name: str, scope: Scope) -> Any:
    if name in scope._local_values:
        return scope._local_values[name]
    attr = scope.locals.get(name)
    if attr is None or name in scope._resolving:
        return unknown(f"local.{name}")
    scope._resolving.add(name)
    try:
        value = evaluate(attr, scope)
    finally:
        scope._resolving.discard(name)
    scope._local_values[name] = value
    return value


def policy_document(block: Block, scope: Scope) -> Any:
    """``data "aws_iam_policy_document"`` rendered to the JSON policy it produces."""
    statements: list[dict[str, Any]] = []
    for st in block.children("statement"):
        out: dict[str, Any] = {}
        values = {k: evaluate(a, scope) for k, a in st.attrs.items()}
        if "sid" in values:
            out["Sid"] = values["sid"]
        out["Effect"] = values.get("effect", "Allow")
        for key, name in (("actions", "Action"), ("not_actions", "NotAction"),
                          ("resources", "Resource"), ("not_resources", "NotResource")):
            if key in values:
                out[name] = values[key]
        for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            for p in st.children(key):
                pv = {k: evaluate(a, scope) for k, a in p.attrs.items()}
                ptype = pv.get("type")
                if isinstance(ptype, str):
                    out.setdefault(name, {})[ptype] = pv.get("identifiers", [])
        for c in st.children("condition"):
            cv = {k: evaluate(a, scope) for k, a in c.attrs.items()}
            test, var = cv.get("test"), cv.get("variable")
            if isinstance(test, str) and isinstance(var, str):
                out.setdefault("Condition", {}).setdefault(test, {})[var] = cv.get("values", [])
        statements.append(out)
    doc = {"Version": "2012-10-17", "Statement": statements}
    return json.dumps(doc, sort_keys=True) if known(doc) else doc


def _heredoc(raw: str, trim: bool) -> str:
    lines = raw.split("\n")
    body = lines[1:-2] if len(lines) >= 3 else []  # drop "<<EOT" and the closing marker
    if trim:
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in body if ln.strip()]
        cut = min(indents) if indents else 0
        body = [ln[cut:] for ln in body]
    return "\n".join(body) + ("\n" if body else "")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(chars: str) -> str:
    if "\\" not in chars:
        return chars
    out: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "\\" and i + 1 < len(chars):
            nxt = chars[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "u" and i + 6 <= len(chars):
                try:
                    out.append(chr(int(chars[i + 2:i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
        out.append(c)
        i += 1
    return "".join(out)


class _Eval:
    def __init__(self, text: str, scope: Scope) -> None:
        self.text = text
        self.scope = scope

    def eval(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise Unresolved
        if isinstance(node, Token):
            raise Unresolved
        kind = node.data
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            return unknown(_slice(self.text, node))
        return handler(node, depth + 1)

    def _expr(self, node: Tree, depth: int) -> list[Tree]:  # type: ignore[type-arg]
        return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    def _expr_term(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        inner = self._expr(node, depth)
        if len(inner) != 1:
            raise Unresolved
        return self.eval(inner[0], depth)

    def _int_lit(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return int(str(node.children[0]))

    def _float_lit(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return float(str(node.children[0]))

    def _literal_value(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return {"true": True, "false": False}.get(str(node.children[0]))

    def _identifier(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return reference([str(node.children[0])], self.scope)

    def _string(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        pieces: list[str] = []
        for part in node.children:
            if not isinstance(part, Tree) or part.data != "string_part":
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type == "STRING_CHARS":
                    pieces.append(_unescape(str(inner)))
                elif inner.type == "ESCAPED_INTERPOLATION":
                    pieces.append(str(inner)[1:])
                else:
                    pieces.append(str(inner)[1:])
                continue
            if inner.data != "interpolation":
                return unknown(_slice(self.text, node)[1:-1])
            exprs = self._expr(inner, depth)
            value = self.eval(exprs[0], depth) if exprs else unknown()
            if is_unknown(value) or isinstance(value, (dict, list)):
                return unknown(_slice(self.text, node)[1:-1])
            pieces.append("" if value is None else to_text(value))
        return "".join(pieces)

    def _heredoc_template(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return interpolate(_heredoc(str(node.children[0]), False), self.scope)

    def _heredoc_template_trim(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return interpolate(_heredoc(str(node.children[0]), True), self.scope)

    def _tuple(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        return [self.eval(c, depth) for c in self._expr(node, depth)]

    def _object(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        out: dict[str, Any] = {}
        for elem in self._expr(node, depth):
            if elem.data != "object_elem":
                continue
            parts = [c for c in elem.children if isinstance(c, Tree)]
            if len(parts) < 2:
                continue
            key_node = parts[0].children[0] if parts[0].children else None
            key = self._key(key_node, depth)
            out[key] = self.eval(parts[-1], depth)
        return out

    def _key(self, node: Any, depth: int) -> str:
        # A bare word is the key itself (not a variable); strings and (expr) are evaluated.
        if isinstance(node, Tree) and node.data == "keyword":
            return str(node.children[0])
        if isinstance(node, Tree) and node.data == "expr_term":
            inner = self._expr(node, depth)
            if len(inner) == 1 and inner[0].data == "identifier":
                return str(inner[0].children[0])
        value = self.eval(node, depth)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return to_text(value)
        raise Unresolved

    def _traversal(self, node: Any, depth: int) -> list[str] | None:
        """``a.b["c"].d`` as its names, when every step is a name or a literal index."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, Tree) and node.data == "expr_term":
            inner = self._expr(node, depth)
            return self._traversal(inner[0], depth + 1) if len(inner) == 1 else None
        if isinstance(node, Tree) and node.data == "identifier":
            return [str(node.children[0])]
        if isinstance(node, Tree) and node.data == "get_attr_expr_term":
            base = self._traversal(node.children[0], depth + 1)
            step = node.children[1]
            names = [str(t) for t in step.scan_values(lambda v: isinstance(v, Token))
                     if str(t) != "."]
            return base + names if base is not None and names else None
        if isinstance(node, Tree) and node.data == "index_expr_term":
            base = self._traversal(node.children[0], depth + 1)
            index = node.children[1]
            if base is None:
                return None
            if isinstance(index, Tree) and index.data == "short_index":
                return [*base, str(index.children[-1])]
            exprs = [c for c in index.children if isinstance(c, Tree)
                     and c.data != "new_line_or_comment"]
            if not exprs:
                return None
            value = self.eval(exprs[0], depth)
            return [*base, to_text(value)] if isinstance(value, (str, int)) else None
        return None

    def _get_attr_expr_term(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        parts = self._traversal(node, depth)
        if parts is None:
            return unknown(_slice(self.text, node))
        value = reference(parts, self.scope)
        if is_unknown(value):
            # A variable or local that is itself a reference keeps the caller's expression
            # (``module.net.vpc_id``, ``aws_security_group.lb.id``): edges follow it.
            carried = str(getattr(value, "expression", ""))
            if carried and carried != ".".join(parts):
                return value
            return unknown(_slice(self.text, node))
        return value

    def _index_expr_term(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        base = self.eval(node.children[0], depth)
        index = node.children[1]
        if isinstance(index, Tree) and index.data == "short_index":
            key: Any = int(str(index.children[-1]))
        else:
            exprs = [c for c in index.children if isinstance(c, Tree)
                     and c.data != "new_line_or_comment"]
            key = self.eval(exprs[0], depth) if exprs else None
        if isinstance(base, list) and isinstance(key, int) and -len(base) <= key < len(base):
            return base[key]
        if isinstance(base, dict) and isinstance(key, (str, int)) and to_text(key) in base:
            return base[to_text(key)]
        return unknown(_slice(self.text, node))

    def _function_call(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        names = [str(c.children[0]) for c in node.children
                 if isinstance(c, Tree) and c.data == "identifier"]
        args_node = next((c for c in node.children if isinstance(c, Tree)
                          and c.data == "arguments"), None)
        fn = FUNCTIONS.get(names[-1]) if len(names) == 1 else None
        if fn is None:
            if names and names[0] == "file" and args_node is not None:
                return self._file(args_node, node, depth)
            return unknown(_slice(self.text, node))
        args = [self.eval(a, depth) for a in self._expr(args_node, depth)] if args_node else []
        if any(is_unknown(a) for a in args) and names[-1] not in PARTLY_UNKNOWN_OK:
            return unknown(_slice(self.text, node))
        try:
            return fn(args)
        except (Unresolved, ValueError, TypeError, IndexError):
            return unknown(_slice(self.text, node))

    def _file(self, args_node: Tree, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        """``file("${path.module}/policy.json")``: read when it stays inside the module."""
        args = [self.eval(a, depth) for a in self._expr(args_node, depth)]
        if len(args) != 1 or not isinstance(args[0], str) or not self.scope.abs_dir:
            return unknown(_slice(self.text, node))
        rel = args[0]
        if rel.startswith(self.scope.module_dir + "/"):
            rel = rel[len(self.scope.module_dir) + 1:]
        base = Path(self.scope.abs_dir).resolve()
        target = (base / rel).resolve()
        try:
            if base not in target.parents or not target.is_file() \
                    or target.stat().st_size > 1024 * 1024:
                return unknown(_slice(self.text, node))
            return target.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return unknown(_slice(self.text, node))

    def _for_items(self, node: Tree, depth: int) -> list[_Eval] | None:  # type: ignore[type-arg]
        """One evaluator per element of a ``for`` expression, or None when the collection or
        the condition is not literal."""
        intro = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_intro"),
                     None)
        if intro is None:
            return None
        parts = self._expr(intro, depth)
        names = [str(p.children[0]) for p in parts[:-1] if p.data == "identifier"]
        coll = self.eval(parts[-1], depth) if parts else None
        # the collection's shape must be known; its elements may stay unknown (they are bound
        # as such, and what depends on them stays unknown)
        if not names or not isinstance(coll, (list, dict)) \
                or len(coll) > 10_000:
            return None
        pairs = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
        cond = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"),
                    None)
        out: list[_Eval] = []
        for key, value in pairs:
            bound = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            scope = self.scope
            for name, v in bound.items():
                scope = scope.with_iterator(name, v)
            child = _Eval(self.text, scope)
            if cond is not None:
                test = child.eval(self._expr(cond, depth)[-1], depth)
                if test is not True and test is not False:
                    return None
                if not test:
                    continue
            out.append(child)
        return out

    def _for_tuple_expr(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        items = self._for_items(node, depth)
        body = [c for c in self._expr(node, depth) if c.data not in ("for_intro", "for_cond")]
        if items is None or len(body) != 1:
            return unknown(_slice(self.text, node))
        return [child.eval(body[0], depth) for child in items]

    def _for_object_expr(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        items = self._for_items(node, depth)
        body = [c for c in self._expr(node, depth) if c.data not in ("for_intro", "for_cond")]
        grouped = any(isinstance(c, Token) and str(c) == "..." for c in node.children)
        if items is None or len(body) != 2 or grouped:
            return unknown(_slice(self.text, node))
        out: dict[str, Any] = {}
        for child in items:
            key = child.eval(body[0], depth)
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                return unknown(_slice(self.text, node))
            out[to_text(key)] = child.eval(body[1], depth)
        return out

    def _conditional(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        exprs = self._expr(node, depth)
        if len(exprs) != 3:
            raise Unresolved
        cond = self.eval(exprs[0], depth)
        if cond is True:
            return self.eval(exprs[1], depth)
        if cond is False:
            return self.eval(exprs[2], depth)
        return unknown(_slice(self.text, node))

    def _binary_op(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        exprs = self._expr(node, depth)
        if len(exprs) != 2 or exprs[1].data != "binary_term":
            raise Unresolved
        left = self.eval(exprs[0], depth)
        term = self._expr(exprs[1], depth)
        op = "".join(str(t) for t in term[0].scan_values(lambda v: isinstance(v, Token))).strip()
        right = self.eval(term[-1], depth)
        if op in ("==", "!=") and (left is None or right is None) \
                and not is_unknown(left) and not is_unknown(right):
            # a collection is not null even when values inside it are unknown
            return (left is right) if op == "==" else (left is not right)
        if not known(left) or not known(right):
            return unknown(_slice(self.text, node))
        try:
            return _binary(op, left, right)
        except (Unresolved, TypeError, ZeroDivisionError, ValueError):
            return unknown(_slice(self.text, node))

    def _unary_op(self, node: Tree, depth: int) -> Any:  # type: ignore[type-arg]
        op = str(node.children[0])
        value = self.eval(node.children[1], depth)
        if op == "!" and isinstance(value, bool):
            return not value
        if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        return unknown(_slice(self.text, node))


def _binary(op: str, left: Any, right: Any) -> Any:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in ("&&", "||"):
        if not isinstance(left, bool) or not isinstance(right, bool):
            raise Unresolved
        return (left and right) if op == "&&" else (left or right)
    if isinstance(left, bool) or isinstance(right, bool) \
            or not isinstance(left, (int, float)) or not isinstance(right, (int, float)):
        raise Unresolved
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "/": lambda a, b: a / b, "%": lambda a, b: a % b, "<": lambda a, b: a < b,
        ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
    }
    if op not in ops:
        raise Unresolved
    return ops[op](left, right)
