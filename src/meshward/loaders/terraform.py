"""Terraform source (``*.tf``, ``*.tf.json``) into :class:`CloudResource` objects.

Each folder of ``.tf`` files is a module; folders no other module calls (``source = "./..."``)
are root modules, evaluated with their variable defaults, ``terraform.tfvars`` and
``*.auto.tfvars``. Module calls in the tree are followed with their inputs; ``count``,
``for_each`` and ``dynamic`` blocks are expanded when their collection is literal, and kept as
one instance with unknown values otherwise. Every resource keeps its file and line, and the
line of each attribute and nested block.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.loaders.hcl import Attr, Block, HclFile, parse_hcl, parse_json_config, parser
from meshward.loaders.interface import SourceFile
from meshward.loaders.terraform_detect import TF_SUFFIXES, TFVARS_SUFFIXES
from meshward.loaders.terraform_eval import Scope, evaluate
from meshward.model.cloud import CloudResource, is_unknown, unknown
from meshward.model.source import Location

META_ARGS = frozenset({"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner",
                       "connection"})
MAX_INSTANCES = 50  # count/for_each expanded up to this many instances; beyond, one instance
MAX_MODULE_DEPTH = 20
KNOWN_PROVIDERS = frozenset({"aws", "azurerm", "google"})


@dataclass
class TerraformLoad:
    resources: list[CloudResource] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


@dataclass
class _Module:
    folder: str
    abs_dir: str
    files: list[HclFile] = field(default_factory=list)
    tfvars: list[HclFile] = field(default_factory=list)

    def blocks(self, type_: str) -> list[Block]:
        return [b for f in self.files for b in f.blocks if b.type == type_]


def _env_name(folder: str, mod: _Module) -> str:
    """The root module's folder as scanned; the scanned folder's own name for its top."""
    if folder == "." and mod.abs_dir:
        return Path(mod.abs_dir).name or "."
    return folder


def _folder(path: str) -> str:
    parent = posixpath.dirname(path)
    return parent or "."


def load_terraform(sources: list[SourceFile]) -> TerraformLoad:
    """Parse every Terraform file and evaluate each root module (with the modules it calls)."""
    out = TerraformLoad()
    modules: dict[str, _Module] = {}
    for src, (parsed, error) in zip(sources, _parse_all(sources), strict=True):
        lower = src.path.lower()
        folder = _folder(src.path)
        mod = modules.setdefault(folder, _Module(folder, str(Path(src.abs_path).parent)
                                                 if src.abs_path else ""))
        if error is not None:
            out.errors.append(error)
        if parsed is None:
            continue
        if lower.endswith(TFVARS_SUFFIXES):
            mod.tfvars.append(parsed)
        else:
            mod.files.append(parsed)
    called: set[str] = set()
    for folder, mod in modules.items():
        for call in mod.blocks("module"):
            target = _local_source(folder, call)
            if target is not None and target != folder:
                called.add(target)
    for folder in sorted(modules):
        mod = modules[folder]
        if mod.files and folder not in called:
            env = f"terraform:{_env_name(folder, mod)}"
            _instantiate(mod, modules, None, "", env, out, [folder])
    _unresolved_notice(out)
    others: dict[str, int] = {}
    for r in out.resources:
        if r.provider not in KNOWN_PROVIDERS:
            others[r.provider] = others.get(r.provider, 0) + 1
    if others:
        listed = ", ".join(f"{p} ({n})" for p, n in sorted(others.items()))
        out.notice(f"Terraform resources of providers meshward has no cloud rules for were read "
                   f"but not judged: {listed}")
    return out


_Parsed = tuple[HclFile | None, InputError | None]
PARALLEL_BYTES = 512 * 1024  # below this, worker processes cost more than they save


def _parse_one(src: SourceFile) -> _Parsed:
    if src.path.lower().endswith(".json"):
        return parse_json_config(src.path, src.text)
    return parse_hcl(src.path, src.text, src.abs_path)


def _parse_chunk(chunk: list[SourceFile]) -> list[_Parsed]:
    return [_parse_one(src) for src in chunk]


def _parse_all(sources: list[SourceFile]) -> list[_Parsed]:
    """Parse every file; large trees in parallel worker processes (parsing is most of the
    time of a Terraform scan)."""
    total = sum(len(s.text) for s in sources)
    workers = min(os.cpu_count() or 1, 8)
    if workers <= 1 or total < PARALLEL_BYTES or len(sources) < 4:
        return _parse_chunk(sources)
    parser()  # built once before forking: the workers inherit it
    size = max(1, total // (workers * 4))
    chunks: list[list[SourceFile]] = [[]]
    weight = 0
    for src in sources:
        if weight >= size:
            chunks.append([])
            weight = 0
        chunks[-1].append(src)
        weight += len(src.text)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            return [p for part in pool.map(_parse_chunk, chunks) for p in part]
    except (OSError, RuntimeError):  # no fork or no processes here: parse in this one
        return _parse_chunk(sources)


_DATA_REF = re.compile(r"\bdata\.[\w\-]+\.[\w\-]+")
_OTHER_RESOURCE = re.compile(r"(?<![\w.\-])(?:module\.[\w\-]+(?:\[[^\]]*\])?\.)*[a-z][a-z0-9]*_[a-z0-9_]+\.[\w\-]+")


def _unresolved_notice(out: TerraformLoad) -> None:
    """Say once how many values stayed unknown for want of an input (not for referring to
    another resource, which only apply can know), and where the first one is."""
    count = 0
    first = ""
    for r in out.resources:
        for key, value in r.attributes.items():
            if not is_unknown(value):
                continue
            expr = str(getattr(value, "expression", ""))
            if _OTHER_RESOURCE.search(_DATA_REF.sub("", expr)):
                continue  # names another resource: known after apply, and followed as a reference
            count += 1
            if not first:
                first = f"{r.location.path}:{r.line_of(key)} {key} = {expr[:60]}"
    if count:
        out.notice(f"Terraform: {count} attribute value(s) depend on variables without a value, "
                   f"data sources or functions meshward does not evaluate (first: {first}); "
                   "rules do not judge them: give the variables in terraform.tfvars, or scan a "
                   "plan (`terraform show -json plan.out`)")


def _local_source(folder: str, call: Block) -> str | None:
    attr = call.attrs.get("source")
    value = evaluate(attr, Scope(folder)) if attr is not None else None
    if not isinstance(value, str) or not value.startswith(("./", "../")):
        return None
    return posixpath.normpath(posixpath.join(folder, value))


def _variables(mod: _Module, inputs: dict[str, Any] | None, out: TerraformLoad) -> dict[str, Any]:
    empty = Scope(mod.folder, mod.abs_dir)
    values: dict[str, Any] = {}
    for block in mod.blocks("variable"):
        if not block.labels:
            continue
        name = block.labels[0]
        default = block.attrs.get("default")
        values[name] = evaluate(default, empty) if default is not None else unknown(f"var.{name}")
    if inputs is not None:
        values.update({k: v for k, v in inputs.items() if k in values or not values})
        return values
    auto = [f for f in mod.tfvars if Path(f.path).name in ("terraform.tfvars",
                                                          "terraform.tfvars.json")
            or Path(f.path).name.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    others = [f for f in mod.tfvars if f not in auto]
    # Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by
    # name; a later file overrides an earlier one.
    chosen = sorted(auto, key=lambda f: (not Path(f.path).name.startswith("terraform.tfvars"),
                                         Path(f.path).name))
    if len(others) == 1:
        chosen.append(others[0])
        out.notice(f"{others[0].path}: applied as the variable file of {mod.folder} "
                   "(the only one besides auto-loaded files)")
    elif others:
        names = ", ".join(sorted(f.path for f in others))
        out.notice(f"{mod.folder}: several variable files ({names}); none applied beyond "
                   "terraform.tfvars/*.auto.tfvars: plan with one and scan `terraform show -json`")
    for f in chosen:
        for name, attr in f.attrs.items():
            values[name] = evaluate(attr, empty)
    return values


def _instantiate(mod: _Module, modules: dict[str, _Module], inputs: dict[str, Any] | None,
                 prefix: str, env: str, out: TerraformLoad, stack: list[str],
                 call_name: str = "", key: str = "") -> dict[str, Any]:
    """Evaluate one module instance; return its outputs as its caller sees them.

    ``key`` is the module's key in ``.terraform/modules/modules.json`` ("" for the root).
    """
    scope = Scope(mod.folder, mod.abs_dir, prefix, _variables(mod, inputs, out))
    for block in mod.blocks("locals"):
        scope.locals.update(block.attrs)
    for block in mod.blocks("data"):
        if len(block.labels) >= 2:
            scope.data[(block.labels[0], block.labels[1])] = block
    for call in mod.blocks("module"):
        name = call.labels[0] if call.labels else "?"
        child_key = f"{key}.{name}" if key else name
        target = _local_source(mod.folder, call)
        child = modules.get(target) if target is not None else None
        if child is None or not child.files:  # installed by `terraform init`?
            installed = _installed_module(mod, call, child_key, stack, modules, out)
            if installed is not None:
                target, child = installed.folder, installed
        if target is None:
            src = call.attrs.get("source")
            shown = evaluate(src, scope) if src is not None else "?"
            out.notice(f"{call.path}:{call.line}: module {name} (source {shown}) is not in the "
                       "scanned tree: not followed (run `terraform init` to install it, or scan "
                       "a plan)")
            continue
        if child is None or not child.files:
            out.notice(f"{call.path}:{call.line}: module {name} source {target} has no .tf "
                       "files in the scanned tree: not followed")
            continue
        if target in stack or len(stack) > MAX_MODULE_DEPTH:
            out.errors.append(InputError(call.path, call.line,
                                         f"module {name} calls itself (cycle): not followed"))
            continue
        instances = _instances(call, scope, out)
        if instances is None:
            continue  # count = 0 or an empty for_each: the module creates nothing
        for suffix, inst_scope in instances:
            inputs = {k: evaluate(a, inst_scope) for k, a in call.attrs.items()
                      if k not in ("source", "version", "count", "for_each", "providers",
                                   "depends_on")}
            child_outputs = _instantiate(child, modules, inputs,
                                         f"{prefix}module.{name}{suffix}.", env, out,
                                         [*stack, target], name + suffix, child_key)
            if len(instances) == 1 and not suffix:
                scope.modules[name] = child_outputs
            else:  # module.svc["orders"].out, module.svc[0].out, [for s in module.svc : ...]
                scope.modules.setdefault(name, {})[suffix[1:-1].strip('"')] = child_outputs
    for block in mod.blocks("resource"):
        if len(block.labels) < 2:
            out.errors.append(InputError(block.path, block.line,
                                         "resource block needs a type and a name"))
            continue
        _resources(block, scope, env, out)
    outputs: dict[str, Any] = {}
    for block in mod.blocks("output"):
        value_attr = block.attrs.get("value")
        if block.labels and value_attr is not None:
            outputs[block.labels[0]] = _relative(evaluate(value_attr, scope), call_name)
    return outputs


_RESOURCE_REF = re.compile(r"(?<![\w.\-])([a-z][a-z0-9]*_[a-z0-9_]+\.[\w\-]+)")


def _relative(value: Any, call: str) -> Any:
    """An output that refers to the module's resources, as its caller names them."""
    if is_unknown(value) and call:
        expr = str(getattr(value, "expression", ""))
        return unknown(_RESOURCE_REF.sub(lambda m: f"module.{call}.{m.group(1)}", expr))
    if isinstance(value, list):
        return [_relative(v, call) for v in value]
    if isinstance(value, dict):
        return {k: _relative(v, call) for k, v in value.items()}
    return value


MAX_INSTALLED_FILES = 200


def _installed_module(mod: _Module, call: Block, key: str, stack: list[str],
                      modules: dict[str, _Module], out: TerraformLoad) -> _Module | None:
    """A module ``terraform init`` installed under the root's ``.terraform/modules`` (which
    the walk skips): found through ``modules.json``, or a local source inside such a module."""
    root = modules.get(stack[0]) if stack else None
    if root is None or not root.abs_dir or not mod.abs_dir:
        return None
    root_abs = Path(root.abs_dir)
    folder_abs: Path | None = None
    shown = ""
    src = call.attrs.get("source")
    source = evaluate(src, Scope(mod.folder)) if src is not None else None
    if isinstance(source, str) and source.startswith(("./", "../")) and \
            ".terraform" in Path(mod.abs_dir).parts:
        folder_abs = (Path(mod.abs_dir) / source).resolve()
        shown = posixpath.normpath(posixpath.join(mod.folder, source))
    else:
        for entry in _modules_json(root_abs):
            if entry.get("Key") == key and isinstance(entry.get("Dir"), str):
                folder_abs = (root_abs / entry["Dir"]).resolve()
                shown = posixpath.normpath(posixpath.join(root.folder, entry["Dir"]))
                break
    if folder_abs is None or not folder_abs.is_dir():
        return None
    try:
        folder_abs.relative_to(root_abs.resolve())
    except ValueError:
        return None  # never read outside the scanned root module
    if shown in modules:
        return modules[shown]
    loaded = _Module(shown, str(folder_abs))
    files = sorted(p for p in folder_abs.iterdir() if p.is_file()
                   and p.name.lower().endswith(TF_SUFFIXES))[:MAX_INSTALLED_FILES]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        parsed, error = _parse_one(SourceFile(posixpath.join(shown, path.name), text,
                                              str(path)))
        if error is not None:
            out.errors.append(error)
        if parsed is not None:
            loaded.files.append(parsed)
    modules[shown] = loaded
    return loaded


def _modules_json(root: Path) -> tuple[dict[str, Any], ...]:
    path = root / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return ()
    entries = data.get("Modules") if isinstance(data, dict) else None
    return tuple(e for e in entries if isinstance(e, dict)) if isinstance(entries, list) else ()


def _instances(block: Block, scope: Scope, out: TerraformLoad) -> list[tuple[str, Scope]] | None:
    """``(address suffix, scope)`` per instance; ``None`` when count resolves to zero."""
    count_attr = block.attrs.get("count")
    each_attr = block.attrs.get("for_each")
    if count_attr is not None:
        count = evaluate(count_attr, scope)
        if isinstance(count, int) and not isinstance(count, bool):
            if count <= 0:
                return None
            if count <= MAX_INSTANCES:
                return [(f"[{i}]", scope.with_iterator("count", {"index": i}))
                        for i in range(count)]
        return [("", scope)]
    if each_attr is not None:
        each = evaluate(each_attr, scope)
        items: list[tuple[str, Any]] | None = None
        if isinstance(each, dict):
            items = [(str(k), v) for k, v in each.items()]
        elif isinstance(each, list) and all(isinstance(v, str) for v in each):
            items = [(v, v) for v in each]
        if items is not None and len(items) <= MAX_INSTANCES:
            if not items:
                return None
            return [(f'["{k}"]', scope.with_iterator("each", {"key": k, "value": v}))
                    for k, v in items]
        return [("", scope)]
    return [("", scope)]


def _resources(block: Block, scope: Scope, env: str, out: TerraformLoad) -> None:
    rtype, name = block.labels[0], block.labels[1]
    instances = _instances(block, scope, out)
    if instances is None:
        return
    for suffix, inst_scope in instances:
        attributes, lines, block_lines = _body(block, inst_scope, 0)
        provider = rtype.split("_", 1)[0]
        out.resources.append(CloudResource(
            type=rtype, name=name, attributes=attributes, location=Location(block.path, block.line),
            environment=env, address=f"{scope.prefix}{rtype}.{name}{suffix}", provider=provider,
            attribute_lines=lines, block_lines=block_lines))


def _body(block: Block, scope: Scope, depth: int
          ) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]]]:
    attributes: dict[str, Any] = {}
    lines: dict[str, int] = {}
    block_lines: dict[str, list[int]] = defaultdict(list)
    for key, attr in block.attrs.items():
        if depth == 0 and key in META_ARGS:
            continue
        attributes[key] = evaluate(attr, scope)
        lines[key] = attr.line
    if depth > 30:
        return attributes, lines, dict(block_lines)
    for child in block.blocks:
        if depth == 0 and child.type in META_ARGS:
            continue
        if child.type == "dynamic" and child.labels:
            for value in _dynamic(child, scope, depth):
                attributes.setdefault(child.labels[0], []).append(value)
                block_lines[child.labels[0]].append(child.line)
                lines.setdefault(child.labels[0], child.line)
            continue
        value, _, _ = _body(child, scope, depth + 1)
        existing = attributes.setdefault(child.type, [])
        if isinstance(existing, list):
            existing.append(value)
        block_lines[child.type].append(child.line)
        lines.setdefault(child.type, child.line)
    return attributes, lines, dict(block_lines)


def _dynamic(block: Block, scope: Scope, depth: int) -> list[dict[str, Any]]:
    """A ``dynamic`` block: one nested block per element when the collection is literal."""
    label = block.labels[0]
    iterator_attr = block.attrs.get("iterator")
    iterator = label
    if iterator_attr is not None and not isinstance(iterator_attr.expr, type(None)):
        named = _bare_word(iterator_attr)
        iterator = named or label
    content = next((b for b in block.blocks if b.type == "content"), None)
    if content is None:
        return []
    each_attr = block.attrs.get("for_each")
    each = evaluate(each_attr, scope) if each_attr is not None else unknown()
    items: list[tuple[Any, Any]] | None = None
    # The collection's length and keys are what matter: elements may hold unknown values
    # (the iterator then yields them as unknown, the rest of each element stays known).
    if isinstance(each, dict):
        items = list(each.items())
    elif isinstance(each, list):
        items = list(enumerate(each))
    if items is None or len(items) > MAX_INSTANCES:
        inner = scope.with_iterator(iterator, unknown(f"{iterator}.value"))
        value, _, _ = _body(content, inner, depth + 1)
        return [value]
    out: list[dict[str, Any]] = []
    for key, item in items:
        inner = scope.with_iterator(iterator, {"key": key, "value": item})
        value, _, _ = _body(content, inner, depth + 1)
        out.append(value)
    return out


def _bare_word(attr: Attr) -> str:
    value = evaluate(attr, Scope("."))
    if is_unknown(value):
        return str(getattr(value, "expression", "")).strip()
    return str(value)
