"""Walk a tree, recognise each file by content, and hand it to its loader."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from meshward.errors import InputError
from meshward.loaders import compose, dockerfile, kubernetes, kustomize
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.loaders.yamlsrc import Document

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "vendor", "third_party", ".venv", "venv",
    "__pycache__", ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".terraform",
})
YAML_SUFFIXES = (".yaml", ".yml", ".json")
MAX_BYTES = 8 * 1024 * 1024
IGNORE_FILE = ".meshwardignore"


@dataclass
class TreeLoad(LoadResult):
    files_read: int = 0
    text_files: list[str] = field(default_factory=list)


def _ignore_spec(root: Path, extra: list[str]) -> pathspec.PathSpec:
    lines = list(extra)
    ignore = root / IGNORE_FILE
    if ignore.is_file():
        lines.extend(ignore.read_text(encoding="utf-8", errors="replace").splitlines())
    return pathspec.PathSpec.from_lines("gitwildmatch", lines)


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


def load_tree(root: Path, exclude: list[str] | None = None) -> TreeLoad:
    """Read every deployment file under ``root`` into one :class:`TreeLoad`."""
    out = TreeLoad()
    base = root if root.is_dir() else root.parent
    files = iter_files(root, exclude or [], out.errors)

    def shown(p: Path) -> str:
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            return p.as_posix()

    plan = kustomize.plan(base, files, out)
    parsed: dict[str, tuple[SourceFile, list[Document]]] = {}
    for path in files:
        name = shown(path)
        lower = path.name.lower()
        is_yaml = lower.endswith(YAML_SUFFIXES)
        if path in plan.template_files:
            continue
        text = _read(path, name, out.errors, strict=is_yaml or dockerfile.is_dockerfile_name(name))
        if text is None:
            continue
        out.files_read += 1
        out.text_files.append(name)
        src = SourceFile(name, text, str(path))
        if dockerfile.is_dockerfile_name(name) or (not is_yaml and "." not in lower
                                                   and dockerfile.looks_like_dockerfile(text)):
            out.extend(dockerfile.parse_dockerfile(src))
            continue
        if not is_yaml or path in plan.patch_files or path in plan.kustomizations:
            continue
        if not text.strip():
            continue
        docs, error = kubernetes.parse_documents(src)
        if error is not None:
            if "{{" in text:
                out.notices.append(f"{name}: template syntax ({{{{ }}}}) outside a rendered chart; "
                                   "the file was not read (render it first or exclude it)")
            else:
                out.errors.append(error)
        parsed[name] = (src, docs)
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
    return out


def _is_list(value: object) -> bool:
    return isinstance(value, dict) and value.get("kind") == "List"


def _sibling_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""
