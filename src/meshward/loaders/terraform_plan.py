"""Terraform plan JSON (``terraform show -json plan.out``) into :class:`CloudResource` objects.

The state as ``terraform show -json`` prints it (``values.root_module``) is read the same way.

Recognised by content (``format_version`` with ``planned_values`` or ``resource_changes``), so
the file name does not matter. A plan's values are fully resolved; values only known after
apply (``after_unknown``) become ``unknown()``. When the resource's source is in the scanned
tree, the planned resource replaces the source one and keeps its file:line.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.loaders.interface import SourceFile
from meshward.loaders.terraform import TerraformLoad, load_terraform
from meshward.model.cloud import CloudResource, is_unknown, unknown
from meshward.model.source import Location

_INDEX = re.compile(r"\[[^\]]*\]")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def load_all(sources: list[SourceFile], plans: list[SourceFile]) -> TerraformLoad:
    """Terraform source and plans together; planned resources replace their source."""
    out = load_terraform(sources)
    for plan in plans:
        resources = load_plan(plan, out)
        _attach(resources, out)
    return out


def load_plan(src: SourceFile, out: TerraformLoad) -> list[CloudResource]:
    try:
        doc = json.loads(src.text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", 0)
        out.errors.append(InputError(src.path, line, "Terraform plan JSON does not parse",
                                     "write it again with `terraform show -json plan.out`"))
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("format_version"), str):
        out.errors.append(InputError(src.path, 1, "not a Terraform plan (no format_version)"))
        return []
    changes = {}
    for rc in _list(doc.get("resource_changes")):
        if isinstance(rc, dict) and isinstance(rc.get("address"), str):
            changes[rc["address"]] = rc
    refs = _configuration_refs(doc.get("configuration"))
    folder = posixpath.dirname(src.path) or "."
    top = Path(src.abs_path).parent.name if src.abs_path and folder == "." else ""
    env = f"terraform:{top or folder}"
    found: list[CloudResource] = []
    planned = doc.get("planned_values")
    if not isinstance(planned, dict):
        planned = doc.get("values")  # a state, as `terraform show -json` prints it
    lines = _address_lines(src.text)
    if isinstance(planned, dict) and isinstance(planned.get("root_module"), dict):
        for res in _walk_module(planned["root_module"], 0):
            rc = changes.get(str(res.get("address")))
            planned_change = rc.get("change") if rc else None
            after_unknown = (planned_change.get("after_unknown")
                             if isinstance(planned_change, dict) else None)
            made = _resource(src, res, res.get("values"), after_unknown, env, lines)
            if made is not None:
                _fill_references(made, refs)
                found.append(made)
    else:
        for address, rc in changes.items():
            raw = rc.get("change")
            change: dict[str, Any] = raw if isinstance(raw, dict) else {}
            if change.get("actions") == ["delete"]:
                continue
            made = _resource(src, rc, change.get("after"), change.get("after_unknown"), env, lines)
            if made is not None:
                _fill_references(made, refs)
                found.append(made)
            del address
    if not found:
        out.notices.append(f"{src.path}: Terraform plan with no managed resources")
    return found


def _configuration_refs(config: Any) -> dict[str, dict[str, list[str]]]:
    """``address -> attribute -> references`` from the plan's ``configuration`` section."""
    out: dict[str, dict[str, list[str]]] = {}

    def visit(module: Any, prefix: str, depth: int) -> None:
        if not isinstance(module, dict) or depth > 50:
            return
        for res in _list(module.get("resources")):
            if not isinstance(res, dict) or not isinstance(res.get("address"), str):
                continue
            raw = res.get("expressions")
            exprs: dict[str, Any] = raw if isinstance(raw, dict) else {}
            found = {k: [str(r) for r in _list(v.get("references"))]
                     for k, v in exprs.items() if isinstance(v, dict) and v.get("references")}
            if found:
                out[prefix + res["address"]] = found
        calls = module.get("module_calls")
        for name, call in (calls.items() if isinstance(calls, dict) else ()):
            if isinstance(call, dict):
                visit(call.get("module"), f"{prefix}module.{name}.", depth + 1)

    if isinstance(config, dict):
        visit(config.get("root_module"), "", 0)
    return out


def _fill_references(res: CloudResource, refs: dict[str, dict[str, list[str]]]) -> None:
    """Values known only after apply keep what the configuration says they refer to, so edges
    and rules can follow ``vpc_security_group_ids = [aws_security_group.db.id]``."""
    wanted = refs.get(_INDEX.sub("", res.address), {})
    for key, names in wanted.items():
        value = res.attributes.get(key)
        if key not in res.attributes or is_unknown(value):
            res.attributes[key] = unknown(", ".join(names))


def _walk_module(module: dict[str, Any], depth: int) -> list[dict[str, Any]]:
    if depth > 50:
        return []
    out = [r for r in _list(module.get("resources")) if isinstance(r, dict)]
    for child in _list(module.get("child_modules")):
        if isinstance(child, dict):
            out.extend(_walk_module(child, depth + 1))
    return out


def _address_lines(text: str) -> dict[str, int]:
    """The first line where each ``"address": "..."`` appears (plans are pretty or compact)."""
    lines: dict[str, int] = {}
    for m in re.finditer(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
        try:
            address = json.loads(f'"{m.group(1)}"')
        except json.JSONDecodeError:
            continue
        lines.setdefault(address, text.count("\n", 0, m.start()) + 1)
    return lines


def _resource(src: SourceFile, res: dict[str, Any], values: Any, after_unknown: Any, env: str,
              lines: dict[str, int]) -> CloudResource | None:
    if res.get("mode", "managed") != "managed":
        return None
    rtype, name, address = res.get("type"), res.get("name"), res.get("address")
    if not isinstance(rtype, str) or not isinstance(name, str) or not isinstance(address, str):
        return None
    attrs = dict(values) if isinstance(values, dict) else {}
    if isinstance(after_unknown, dict):
        _mark_unknown(attrs, after_unknown, address, 0)
    provider = str(res.get("provider_name") or "").rsplit("/", 1)[-1] or rtype.split("_", 1)[0]
    return CloudResource(type=rtype, name=name, attributes=attrs,
                         location=Location(src.path, lines.get(address, 1)), environment=env,
                         address=address, provider=provider)


def _mark_unknown(values: dict[str, Any], marks: dict[str, Any], where: str, depth: int) -> None:
    if depth > 30:
        return
    for key, mark in marks.items():
        if mark is True:
            values[key] = unknown(f"{where}.{key} (known after apply)")
        elif isinstance(mark, dict) and isinstance(values.get(key), dict):
            _mark_unknown(values[key], mark, f"{where}.{key}", depth + 1)
        elif isinstance(mark, list) and isinstance(values.get(key), list):
            for i, (m, v) in enumerate(zip(mark, values[key], strict=False)):
                if m is True:
                    values[key][i] = unknown(f"{where}.{key}[{i}] (known after apply)")
                elif isinstance(m, dict) and isinstance(v, dict):
                    _mark_unknown(v, m, f"{where}.{key}[{i}]", depth + 1)


def _attach(planned: list[CloudResource], out: TerraformLoad) -> None:
    """Point planned resources at their source block; drop the source resources they replace."""
    by_address: dict[str, list[CloudResource]] = {}
    for r in out.resources:
        by_address.setdefault(_INDEX.sub("", r.address), []).append(r)
    replaced: set[int] = set()
    for p in planned:
        candidates = by_address.get(_INDEX.sub("", p.address), [])
        here = [c for c in candidates if c.environment == p.environment]
        chosen = here or (candidates if len({c.environment for c in candidates}) == 1 else [])
        if not chosen:
            continue
        source = chosen[0]
        p.location = source.location
        p.attribute_lines = dict(source.attribute_lines)
        p.block_lines = dict(source.block_lines)
        p.environment = source.environment
        replaced.update(id(c) for c in chosen)
    out.resources = [r for r in out.resources if id(r) not in replaced]
    out.resources.extend(planned)
