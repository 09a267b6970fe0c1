"""Find cloud resources by type, and follow references between them.

A reference is what one resource says about another: in Terraform source an unresolved
expression (``unknown("aws_security_group.web.id")``), in a plan or a live account a literal
id, ARN or name. :meth:`CloudIndex.follow` answers both the same way, so rules and graph edges
never care where a resource came from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from meshward.model.cloud import CloudResource, is_unknown

_REF = re.compile(r"(?<![\w.\-\"])((?:module\.[\w\-]+(?:\[[^\]]*\])?\.)*)"
                  r"([a-z][a-z0-9]*_[a-z0-9_]+)\.([\w\-]+)(?:\[[^\]]*\])?(?:\.(\w+))?")
_INDEX = re.compile(r"\[[^\]]*\]")
_ID_KEYS = ("id", "arn", "name", "invoke_arn", "qualified_arn", "function_name", "identifier",
            "cluster_identifier", "cluster_id", "replication_group_id", "bucket", "role_id")


_MODULE_STEP = re.compile(r"module\.[\w\-]+(?:\[[^\]]*\])?\.")
_OWN_INDEX = re.compile(r"\[[^\]]*\]$")


def _strip_index(address: str) -> str:
    return _INDEX.sub("", address)


def module_prefix(res: CloudResource) -> str:
    """``module.net.`` for ``module.net.aws_vpc.this``: where references are relative to.

    A module instance keeps its key (``module.svc["orders"].``): the resources of one instance
    of a ``for_each``/``count`` module refer to each other, not to the other instances'.
    """
    addr = _OWN_INDEX.sub("", res.address)
    tail = f"{res.type}.{res.name}"
    return addr[: -len(tail)] if addr.endswith(tail) else ""


def _parent(prefix: str) -> str:
    """``module.a.module.b.`` -> ``module.a.``; ``module.a.`` -> ``""``."""
    return "".join(_MODULE_STEP.findall(prefix)[:-1])


class CloudIndex:
    def __init__(self, resources: Iterable[CloudResource]) -> None:
        self.resources = list(resources)
        self._by_type: dict[str, list[CloudResource]] = defaultdict(list)
        self._by_address: dict[tuple[str, str], list[CloudResource]] = defaultdict(list)
        self._by_instance: dict[tuple[str, str], list[CloudResource]] = defaultdict(list)
        self._by_value: dict[tuple[str, str], list[CloudResource]] = defaultdict(list)
        for r in self.resources:
            self._by_type[r.type].append(r)
            self._by_address[(r.environment, _strip_index(r.ref))].append(r)
            self._by_instance[(r.environment, _OWN_INDEX.sub("", r.ref))].append(r)
            for key in _ID_KEYS:
                value = r.attributes.get(key)
                if isinstance(value, str) and value:
                    self._by_value[(r.environment, value)].append(r)

    def of_type(self, *types: str) -> list[CloudResource]:
        out: list[CloudResource] = []
        for t in types:
            out.extend(self._by_type.get(t, ()))
        return out

    def follow(self, value: Any, frm: CloudResource, *types: str) -> list[CloudResource]:
        """The resources ``value`` (a reference, id, ARN, name or a list of them) points at."""
        found: list[CloudResource] = []
        seen: set[int] = set()
        for r in self._follow(value, frm, 0):
            if (not types or r.type in types) and id(r) not in seen and r is not frm:
                seen.add(id(r))
                found.append(r)
        return found

    def _follow(self, value: Any, frm: CloudResource, depth: int) -> Iterator[CloudResource]:
        if depth > 20:
            return
        if isinstance(value, list):
            for v in value:
                yield from self._follow(v, frm, depth + 1)
        elif isinstance(value, dict):
            for v in value.values():
                yield from self._follow(v, frm, depth + 1)
        elif is_unknown(value):
            yield from self.references(str(getattr(value, "expression", "")), frm)
        elif isinstance(value, str) and value:
            yield from self._by_value.get((frm.environment, value), ())
            if value.startswith("arn:") and ":" in value:
                # an ARN with a suffix (":*", "/*", a version) still names its resource
                base = re.sub(r"(:\*|/\*|:\d+|:\$LATEST)$", "", value)
                if base != value:
                    yield from self._by_value.get((frm.environment, base), ())

    def references(self, expression: str, frm: CloudResource) -> Iterator[CloudResource]:
        """Resources named in an expression, relative to ``frm``'s module."""
        prefix = module_prefix(frm)
        for m in _REF.finditer(expression):
            mods, rtype, name = m.group(1), m.group(2), m.group(3)
            if rtype in ("var", "local", "each", "count", "path", "module", "data", "self"):
                continue
            # Relative to the module first; a value passed in from a calling module names the
            # caller's resource, so the enclosing modules are tried next, outward.
            scope = prefix
            while True:
                # the same module instance first, then any instance of the module
                found = (self._by_instance.get((frm.environment, f"{scope}{mods}{rtype}.{name}"))
                         or self._by_address.get((frm.environment, _strip_index(
                             f"{scope}{mods}{rtype}.{name}"))))
                if found or not scope:
                    yield from found or ()
                    break
                scope = _parent(scope)

    def names_in(self, value: Any) -> list[str]:
        """Reference texts inside a value (for messages)."""
        out: list[str] = []
        if is_unknown(value):
            out.extend(f"{m.group(2)}.{m.group(3)}"
                       for m in _REF.finditer(str(getattr(value, "expression", ""))))
        elif isinstance(value, list):
            for v in value:
                out.extend(self.names_in(v))
        return out
