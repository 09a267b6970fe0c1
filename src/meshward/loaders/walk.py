"""Walk a tree, recognise each file by content, and hand it to its loader."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from meshward import progress
from meshward.cache import once
from meshward.errors import InputError
from meshward.loaders import compose, dockerfile, kubernetes, kustomize, terraform_detect
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.loaders.yamlsrc import Document
from meshward.model.cloud import CloudResource
from meshward.model.kubernetes import K8sObject
from meshward.model.source import Location, YMap, YSeq, set_line

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "vendor", "third_party", ".venv", "venv",
    "__pycache__", ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".terraform",
})
YAML_SUFFIXES = (".yaml", ".yml", ".json")
MAX_BYTES = 8 * 1024 * 1024
IGNORE_FILE = ".meshwardignore"
_TEMPLATE = re.compile(r"\{\{-?\s*(?:[.$]|[a-zA-Z_]+\b|/\*)")


@dataclass
class TreeLoad(LoadResult):
    files_read: int = 0
    text_files: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # every file walked (iter_files)
    cloud_resources: list[CloudResource] = field(default_factory=list)


def _ignore_spec(root: Path, extra: list[str]) -> pathspec.PathSpec:  # type: ignore[type-arg]
    lines = list(extra)
    ignore = root / IGNORE_FILE
    if ignore.is_file():
        lines.extend(ignore.read_text(encoding="utf-8", errors="replace").splitlines())
    return pathspec.PathSpec.from_lines("gitignore", lines)


def iter_files(root: Path, exclude: list[str], errors: list[InputError]) -> list[Path]:
    """Every file under ``root`` not skipped; symlink loops become input errors."""
    spec = _ignore_spec(root, exclude)
    found: list[Path] = []
    seen_dirs: set[str] = set()

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def visit(folder: Path) -> None:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            errors.append(InputError(rel(folder) or ".", 0, "symlink loop: folder already visited",
                                     "remove the link or add it to .meshwardignore"))
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            errors.append(InputError(rel(folder) or ".", 0, f"cannot list folder: {exc.strerror}"))
            return
        for entry in entries:
            path = Path(entry.path)
            r = rel(path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in SKIP_DIRS or spec.match_file(r + "/"):
                    continue
                visit(path)
            elif not spec.match_file(r):
                if entry.is_symlink() and not path.exists():
                    errors.append(InputError(r, 0, "broken symlink", "fix or remove the link"))
                    continue
                found.append(path)

    if root.is_file():
        return [root]
    visit(root)
    return found


def _files_key(root: Path, exclude: list[str]) -> str:
    return "\0".join(["walked-files", str(root), *exclude])


def remember_files(owner: object, root: Path, exclude: list[str], files: list[Path]) -> None:
    """Keep a walk of ``root`` for ``owner`` (the scan's inventory), for :func:`tree_files`."""
    once(owner, _files_key(root, exclude), lambda: list(files))


def tree_files(owner: object, root: Path, exclude: list[str]) -> list[Path]:
    """:func:`iter_files` of ``root`` (walk errors are the loader's to report), walked once per
    ``owner``: checks that read the tree again reuse the loader's walk."""
    return once(owner, _files_key(root, exclude), lambda: iter_files(root, exclude, []))


def _read(path: Path, shown: str, errors: list[InputError], strict: bool) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            if strict:
                errors.append(InputError(shown, 0, f"file is too large ({size // 1024 // 1024} MiB)",
                                         f"files over {MAX_BYTES // 1024 // 1024} MiB are skipped; "
                                         "split it or exclude it"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        errors.append(InputError(shown, 0, f"cannot read file: {exc.strerror or exc}",
                                 "check its permissions"))
        return None
    if b"\x00" in data[:8192]:
        if strict:
            errors.append(InputError(shown, 0, "binary file where a text manifest was expected",
                                     "exclude it or fix its encoding"))
        return None
    text = data.decode("utf-8", errors="replace")
    if strict and "\ufffd" in text and data.count(b"\xef\xbf\xbd") * 3 < text.count("\ufffd") * 3:
        errors.append(InputError(shown, 0, "file is not valid UTF-8; undecodable bytes were replaced"))
    return text


def load_tree(root: Path, exclude: list[str] | None = None,
              meanwhile: Callable[[], object] | None = None) -> TreeLoad:
    """Read every deployment file under ``root`` into one :class:`TreeLoad`.

    ``meanwhile`` (work of the caller's that needs no inventory) runs while kustomize renders,
    after the plain files are parsed; it runs in every case."""
    out = TreeLoad()
    base = root if root.is_dir() else root.parent
    files = out.files = iter_files(root, exclude or [], out.errors)

    resolved_base = base.resolve()

    def shown(p: Path) -> str:
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            try:
                return p.resolve().relative_to(resolved_base).as_posix()
            except ValueError:
                return p.as_posix()

    plan = kustomize.plan(base, files, out)
    # kustomize runs in its own processes while this one parses the plain files.
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        renders = _start_renders(plan, pool)
        tf_sources, plans = _load_files(files, plan, shown, out)
        if meanwhile is not None:
            meanwhile()
        _render_kustomizations(plan, renders, shown, out)
    if tf_sources or plans:
        from meshward.loaders import terraform_plan  # the HCL parser loads only when needed

        cloud = terraform_plan.load_all(tf_sources, plans)
        out.cloud_resources.extend(cloud.resources)
        out.errors.extend(cloud.errors)
        out.notices.extend(n for n in cloud.notices if n not in out.notices)
    return out


def _load_files(files: list[Path], plan: kustomize.Plan, shown: Callable[[Path], str],
                out: TreeLoad) -> tuple[list[SourceFile], list[SourceFile]]:
    """Read and load the plain files; Terraform sources and plans are returned for later."""
    parsed: dict[str, tuple[SourceFile, list[Document]]] = {}
    templated: dict[str, int] = {}
    step = progress.task("reading files", len(files), progress.FILES_MIN)
    tf_sources: list[SourceFile] = []
    plans: list[SourceFile] = []
    for path in files:
        step()
        name = shown(path)
        lower = path.name.lower()
        is_yaml = lower.endswith(YAML_SUFFIXES)
        if path in plan.template_files:
            continue
        text = _read(path, name, out.errors, strict=is_yaml or dockerfile.is_dockerfile_name(name)
                     or terraform_detect.is_terraform_name(name))
        if text is None:
            continue
        out.files_read += 1
        out.text_files.append(name)
        src = SourceFile(name, text, str(path))
        if terraform_detect.is_terraform_name(name):
            tf_sources.append(src)
            continue
        if lower.endswith(".json") and terraform_detect.looks_like_plan(text):
            plans.append(src)
            continue
        if dockerfile.is_dockerfile_name(name) or (
                not is_yaml and ("." not in lower or dockerfile.is_dockerfile_variant(name))
                and dockerfile.looks_like_dockerfile(text)):
            out.extend(dockerfile.parse_dockerfile(src))
            continue
        if not is_yaml or path in plan.patch_files or path in plan.kustomizations:
            continue
        if not text.strip():
            out.errors.append(InputError(name, 0, "file is empty",
                                         "remove it or list it in .meshwardignore"))
            continue
        docs, error = kubernetes.parse_documents(src)
        # Template syntax inside quoted strings (alert templates in a ConfigMap) is fine; a file
        # that does not parse, or parses into template expressions, was meant to be rendered.
        if _TEMPLATE.search(text) and (error is not None or
                                       any(_template_garbage(d.value) for d in docs)):
            folder = Path(name).parent.as_posix()
            templated[folder] = templated.get(folder, 0) + 1
            continue
        if error is not None:
            out.errors.append(error)
        parsed[name] = (src, docs)
    for folder, count in sorted(templated.items()):
        out.notices.append(f"{folder or '.'}: {count} file(s) with template syntax ({{{{ }}}}) were not "
                           "read; render them (helm template / your generator) and scan the output")
    for name, (src, docs) in parsed.items():
        values = [d.value for d in docs if d.value is not None]
        if not values:
            continue
        if len(values) == 1 and compose.looks_like_compose(values[0], name):
            env = compose.read_dotenv(_sibling_text(Path(src.abs_path).parent / ".env"))
            out.extend(compose.load_compose(src, next(d for d in docs if d.value is not None), env))
            continue
        if not any(kubernetes.looks_like_kubernetes(v) or _is_list(v) for v in values):
            continue  # other YAML/JSON (CI config, dashboards, values files): not deployment objects
        ns = plan.namespaces.get(src.abs_path, "default")
        out.extend(kubernetes.load_documents(src, docs, ns))
    return tf_sources, plans


@dataclass
class _Renders:
    """Renders started for a plan: the digest of each root's inputs, and one render per digest."""

    keys: dict[Path, str] = field(default_factory=dict)
    outputs: dict[str, Future[tuple[str, str]]] = field(default_factory=dict)


def _start_renders(plan: kustomize.Plan, pool: ThreadPoolExecutor) -> _Renders | None:
    """Start ``kustomize build`` of each distinct root kustomization (None: not installed)."""
    if not plan.roots or kustomize.kustomize_command() is None:
        return None
    out = _Renders()
    # The largest trees (most kustomization folders, then most files) start first, so that on
    # few cores a long render does not start last and run alone; results are read in plan order.
    largest_first = sorted(plan.roots.items(),
                           key=lambda item: (-len(plan.folders[item[0]]), -len(item[1]), item[0]))
    for folder, files in largest_first:
        key = out.keys[folder] = kustomize.render_key(folder, plan.folders[folder], files, plan.real)
        if key not in out.outputs:  # identical trees render identically: render once
            out.outputs[key] = pool.submit(kustomize.render, folder)
    return out


def _render_kustomizations(plan: kustomize.Plan, renders: _Renders | None,
                           shown: Callable[[Path], str], out: TreeLoad) -> None:
    """Replace the plain objects of each root kustomization by its rendered output.

    Rendered objects keep the file and line of the source object they came from (matched by
    kind and name); objects kustomize generated point at the kustomization file.
    """
    if not plan.roots:
        return
    if renders is None:
        names = ", ".join(sorted(shown(f) or "." for f in plan.roots))
        out.notices.append(f"kustomize/kubectl is not installed: {names} read as plain resources "
                           "(namespace applied; patches, prefixes and generators not applied)")
        return
    by_file: dict[str, list[K8sObject]] = {}
    for obj in out.objects:
        by_file.setdefault(obj.location.path, []).append(obj)
    consumed: set[str] = set()
    rendered_all: list[K8sObject] = []
    roots = sorted(plan.roots.items())
    keys = renders.keys
    outputs = {key: future.result() for key, future in renders.outputs.items()}
    parsed_renders: dict[str, tuple[list[Document], InputError | None]] = {}
    for folder, files in roots:
        kfile = shown(plan.root_files[folder])
        text, error = outputs[keys[folder]]
        if error:
            out.errors.append(InputError(kfile, 0, f"kustomization could not be rendered: {error}",
                                         "its plain resources were read instead"))
            continue
        sources: dict[tuple[str, str], K8sObject] = {}
        source_names = {shown(f) for f in files}
        for name in source_names:
            for obj in by_file.get(name, []):
                sources.setdefault((obj.kind, obj.name), obj)
        prefix, suffix = plan.prefixes.get(folder, ("", ""))
        src = SourceFile(kfile, text)
        key = keys[folder]
        if key not in parsed_renders:  # identical trees render identically: parse once
            parsed_renders[key] = kubernetes.parse_documents(SourceFile(kfile + ".rendered.yaml", text))
        docs, perr = parsed_renders[key]
        if perr is not None:
            out.errors.append(InputError(kfile, 0, f"rendered output did not parse: {perr.message}"))
            continue
        loaded = kubernetes.load_documents(src, docs, origin="kustomize", origin_dir=kfile)
        for obj in loaded.objects:
            base_name = obj.name
            if prefix and base_name.startswith(prefix):
                base_name = base_name[len(prefix):]
            if suffix and base_name.endswith(suffix):
                base_name = base_name[: -len(suffix)]
            origin = sources.get((obj.kind, base_name))
            if origin is not None:
                obj.location = origin.location
                obj.body = _relined(obj.body, origin.body)
            else:  # generated by kustomize (configMapGenerator...): point at the kustomization
                obj.location = Location(kfile, 1)
                set_line(obj.body, 1)
        rendered_all.extend(loaded.objects)
        consumed.update(source_names)
    out.objects = [o for o in out.objects if o.location.path not in consumed or o.origin != "file"]
    out.objects.extend(rendered_all)


def _relined(rendered: YMap, source: YMap) -> YMap:
    """Copy line numbers from the source object onto the rendered one, key by key."""
    rendered.line = source.line
    for key, value in rendered.items():
        if key in source.key_lines:
            rendered.key_lines[key] = source.key_lines[key]
        else:
            rendered.key_lines[key] = source.line
        other = source.get(key)
        if isinstance(value, YMap) and isinstance(other, YMap):
            _relined(value, other)
        elif isinstance(value, YSeq) and isinstance(other, YSeq):
            value.line = other.line
            for i, item in enumerate(value):
                value.item_lines[i] = other.line_at(i) if i < len(other) else other.line
                if isinstance(item, YMap) and i < len(other) and isinstance(other[i], YMap):
                    _relined(item, other[i])
                elif isinstance(item, YMap):
                    set_line(item, value.item_lines[i])
        elif isinstance(value, (YMap, YSeq)):
            set_line(value, rendered.key_lines[key])
    return rendered


def _template_garbage(value: object, depth: int = 0) -> bool:
    """True when an unquoted ``{{ .x }}`` was read as a YAML flow mapping."""
    if depth > 40:
        return False
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and k.startswith(("{", ".", "$")):
                return True
            if _template_garbage(v, depth + 1):
                return True
    elif isinstance(value, list):
        return any(_template_garbage(v, depth + 1) for v in value)
    return False


def _is_list(value: object) -> bool:
    return isinstance(value, dict) and value.get("kind") == "List"


def _sibling_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""
