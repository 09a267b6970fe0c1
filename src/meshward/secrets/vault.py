"""Vault ACL policies (HCL): parse ``path "..." { capabilities = [...] }`` and judge them.

The parser covers the HCL that policies use: blocks, string/number/bool values,
lists, nested objects, ``#``, ``//`` and ``/* */`` comments and heredocs. Bad input
is an :class:`InputError` with its line, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from meshward.errors import InputError

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)"""
    r"""|(?P<heredoc><<-?(?P<tag>[A-Za-z_]+)\n.*?\n\s*(?P=tag)(?=\n|$))"""
    r"""|(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_][\w\-.]*)"""
    r"""|(?P<punct>[{}\[\]=,:])""",
    re.DOTALL,
)
BROAD = frozenset({"create", "update", "patch", "delete", "sudo", "write"})
READ = frozenset({"read", "list"})
KV_INFIX = frozenset({"data", "metadata", "delete", "undelete", "destroy", "subkeys"})


@dataclass
class PathRule:
    path: str
    capabilities: list[str]
    line: int


@dataclass
class Policy:
    file: str
    name: str
    paths: list[PathRule] = field(default_factory=list)


class HclError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise HclError(f"unexpected character {text[pos]!r}", line)
        kind = m.lastgroup or ""
        if kind == "tag":
            kind = "heredoc"
        value = m.group(0)
        if kind == "str":
            out.append(("str", bytes(value[1:-1], "utf-8").decode("unicode_escape", "replace"), line))
        elif kind in ("num", "ident", "punct", "heredoc"):
            out.append((kind, value, line))
        line += value.count("\n")
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.t, self.i = tokens, 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            last = self.t[-1][2] if self.t else 1
            raise HclError(f"unexpected end of file (expected {value or 'a value'})", last)
        if value is not None and tok[1] != value:
            raise HclError(f"expected {value!r}, found {tok[1]!r}", tok[2])
        self.i += 1
        return tok

    def body(self, closing: str | None) -> list[tuple[str, list[str], Any, int]]:
        """Items of a body: (name, labels, value-or-block, line)."""
        items: list[tuple[str, list[str], Any, int]] = []
        while True:
            tok = self.peek()
            if tok is None:
                if closing:
                    raise HclError(f"missing {closing!r}", self.t[-1][2] if self.t else 1)
                return items
            if closing and tok[1] == closing and tok[0] == "punct":
                self.i += 1
                return items
            kind, name, line = self.take()
            if kind not in ("ident", "str"):
                raise HclError(f"expected a name, found {name!r}", line)
            labels: list[str] = []
            while (nxt := self.peek()) is not None and nxt[0] == "str":
                labels.append(self.take()[1])
            nxt = self.peek()
            if nxt is not None and nxt[1] in ("=", ":") and not labels:
                self.take()
                items.append((name, [], self.value(), line))
            elif nxt is not None and nxt[1] == "{":
                self.take("{")
                items.append((name, labels, self.body("}"), line))
            else:
                raise HclError(f"expected '=' or '{{' after {name!r}", line)
            while (nxt := self.peek()) is not None and nxt[1] == ",":
                self.take()

    def value(self) -> Any:
        kind, val, line = self.take()
        if kind in ("str", "num", "heredoc"):
            return val
        if kind == "ident":
            return val
        if val == "[":
            out: list[Any] = []
            while True:
                tok = self.peek()
                if tok is not None and tok[1] == "]":
                    self.take()
                    return out
                out.append(self.value())
                tok = self.peek()
                if tok is not None and tok[1] == ",":
                    self.take()
        if val == "{":
            return self.body("}")
        raise HclError(f"unexpected {val!r}", line)


def policy_name(file: str) -> str:
    stem = PurePosixPath(file).name
    for suffix in (".hcl", ".policy", ".json"):
        stem = stem.removesuffix(suffix)
    for suffix in ("-policy", "_policy", "-read", "_read", "-ro", "_ro", "-rw", "_rw"):
        stem = stem.removesuffix(suffix)
    return stem


def parse_policy(file: str, text: str) -> tuple[Policy | None, InputError | None]:
    try:
        items = _Parser(_tokens(text)).body(None)
    except HclError as exc:
        return None, InputError(file, exc.line, f"invalid Vault policy HCL: {exc.message}",
                                "check the quotes and braces of the path blocks")
    pol = Policy(file, policy_name(file))
    for name, labels, value, line in items:
        if name != "path":
            continue
        if len(labels) != 1 or not isinstance(value, list):
            return None, InputError(file, line, "a path block needs one quoted path and a body",
                                    'write path "secret/data/app/*" { capabilities = ["read"] }')
        caps: list[str] = []
        for key, _, val, _ in value:
            if key == "capabilities" and isinstance(val, list):
                caps = [str(c).lower() for c in val]
            elif key == "policy" and isinstance(val, str):  # legacy syntax
                caps = {"read": ["read", "list"], "write": ["create", "read", "update", "delete",
                                                            "list"],
                        "sudo": ["sudo", "read", "list"]}.get(val.lower(), [])
        pol.paths.append(PathRule(labels[0], caps, line))
    return pol, None


def looks_like_policy(text: str) -> bool:
    return 'path "' in text and ("capabilities" in text or "policy =" in text)


def broad_wildcard(path: str) -> bool:
    """A ``*`` or ``+`` before any path segment that names an application."""
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if "*" in seg or "+" in seg:
            return True
        if i > 0 and seg not in KV_INFIX:
            return False
        if i == 0 and not seg:
            return True
    return False


def service_segments(path: str) -> list[str]:
    """The application-naming segments of a policy path (after the mount and KV infix)."""
    segments = [s for s in path.split("/") if s]
    return [s for i, s in enumerate(segments[1:], 1) if s not in KV_INFIX
            and "*" not in s and "+" not in s and (i > 1 or segments[0] not in ("sys", "auth"))]
