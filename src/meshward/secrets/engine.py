"""Scan a tree for secrets: walk, skip what cannot hold one, scan files in parallel."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from meshward.errors import InputError, UsageError
from meshward.loaders.walk import IGNORE_FILE, SKIP_DIRS
from meshward.secrets.files import binary_names
from meshward.secrets.model import Match
from meshward.secrets.scanner import Options, scan_binary, scan_text

MAX_BYTES = 5 * 1024 * 1024
MINIFIED_MIN_BYTES = 64 * 1024
MINIFIED_LINE = 1000  # average line length above which a big file is minified/generated
SKIP_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tiff", ".psd", ".pdf", ".zip",
    ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar", ".war", ".ear", ".class", ".so",
    ".dll", ".dylib", ".exe", ".o", ".a", ".pyc", ".pyo", ".whl", ".egg", ".woff", ".woff2",
    ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi", ".wav", ".ogg", ".flac", ".iso",
    ".dmg", ".bin", ".dat", ".db", ".sqlite", ".parquet", ".avro", ".pb", ".onnx", ".pt",
    ".npy", ".npz", ".h5", ".pkl", ".min.js", ".min.css", ".map", ".svgz",
})
CHUNK_BYTES = 4 * 1024 * 1024
INLINE_BYTES = 3 * 1024 * 1024  # below this, a process pool costs more than it saves


@dataclass
class SecretsResult:
    matches: list[Match] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files_scanned: int = 0
    files_skipped: int = 0
    bytes_scanned: int = 0
    duration_s: float = 0.0


_SKIP_TUPLE = tuple(sorted(SKIP_SUFFIXES))


def skip_name(name: str) -> bool:
    return name.lower().endswith(_SKIP_TUPLE)


def walk(root: Path, exclude: Sequence[str], errors: list[InputError]) -> list[tuple[str, str, int]]:
    """``(shown, absolute, size)`` of files under ``root``, skipping VCS/vendor folders,
    ``.meshwardignore``/``exclude`` patterns and binary suffixes."""
    if root.is_file():
        return [(root.name, str(root), root.stat().st_size)]
    lines = list(exclude)
    ignore = root / IGNORE_FILE
    if ignore.is_file():
        lines += ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    spec = pathspec.PathSpec.from_lines("gitwildmatch", lines) if lines else None
    out: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    stack = [(str(root), "")]
    while stack:
        folder, rel = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            # a link to one of its own ancestors is a loop; a link to a sibling folder
            # (Debian's /usr/share/doc/pkg -> pkg-common) is read once, under its first path
            if os.path.realpath(os.path.dirname(folder)).startswith(real + os.sep) or (
                    os.path.realpath(os.path.dirname(folder)) == real):
                errors.append(InputError(rel or ".", 0, "symlink loop: folder already visited",
                                         "remove the link or add it to .meshwardignore"))
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            errors.append(InputError(rel or ".", 0, f"cannot list folder: {exc.strerror}"))
            continue
        for e in entries:
            shown = f"{rel}/{e.name}" if rel else e.name
            try:
                is_dir = e.is_dir()
            except OSError:
                continue
            if is_dir:
                if e.name not in SKIP_DIRS and not (spec and spec.match_file(shown + "/")):
                    stack.append((e.path, shown))
                continue
            if (skip_name(e.name) and e.name.lower() not in binary_names()) or (
                    spec and spec.match_file(shown)):
                continue
            try:
                size = e.stat().st_size
            except OSError:
                errors.append(InputError(shown, 0, "broken symlink", "fix or remove the link"))
                continue
            out.append((shown, e.path, size))
    out.sort()
    return out


def decode(data: bytes) -> str | None:
    """Text of a file, or ``None`` for binaries and minified/generated blobs."""
    if b"\x00" in data[:8192]:
        return None
    if len(data) >= MINIFIED_MIN_BYTES and len(data) / (data.count(b"\n") + 1) > MINIFIED_LINE:
        return None
    return data.decode("utf-8", errors="replace")


def _scan_chunk(batch: Sequence[tuple[str, str]], opts: Options
                ) -> tuple[list[Match], list[InputError], int, int, int]:
    matches: list[Match] = []
    errors: list[InputError] = []
    scanned = skipped = nbytes = 0
    for shown, full in batch:
        try:
            with open(full, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            errors.append(InputError(shown, 0, f"cannot read file: {exc.strerror or exc}",
                                     "check its permissions"))
            continue
        if len(data) > MAX_BYTES:
            skipped += 1
            continue
        # a binary credential store is read from its bytes even when they happen to hold no NUL
        binary = shown[shown.rfind("/") + 1:].lower() in binary_names()
        text = None if binary else decode(data)
        if text is None:
            found = scan_binary(shown, data) if opts.generic else None
            if found is None:
                skipped += 1
                continue
            matches.extend(found.matches)
            errors.extend(found.errors)
            scanned += 1
            nbytes += len(data)
            continue
        scanned += 1
        nbytes += len(data)
        res = scan_text(shown, text, opts, data)
        matches.extend(res.matches)
        errors.extend(res.errors)
    return matches, errors, scanned, skipped, nbytes


def collect(paths: Iterable[Path], exclude: Sequence[str] = ()
            ) -> tuple[list[tuple[str, str, int]], list[InputError], int]:
    """``(shown, absolute, size)`` of each file worth reading and the walk's errors."""
    files: list[tuple[str, str, int]] = []
    errors: list[InputError] = []
    for root in paths:
        if not root.exists():
            raise UsageError(f"{root}: no such file or folder", "give a folder or file to scan")
        files.extend(walk(root, exclude, errors))
    return files, errors, 0


def _chunks(files: list[tuple[str, str, int]]) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    size = 0
    for shown, full, n in files:
        cur.append((shown, full))
        size += n
        if size >= CHUNK_BYTES or len(cur) >= 400:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def scan_paths(paths: Iterable[Path], opts: Options = Options(),  # noqa: B008
               exclude: Sequence[str] = (), jobs: int | None = None) -> SecretsResult:
    """Every secret under ``paths``; files are scanned in parallel when there are enough."""
    started = time.perf_counter()
    files, errors, skipped = collect(paths, exclude)
    result = SecretsResult(errors=errors, files_skipped=skipped)
    total = sum(n for _, _, n in files)
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    chunks = _chunks(files)
    if workers <= 1 or total < INLINE_BYTES or len(chunks) < 2:
        parts = [_scan_chunk([(s, f) for s, f, _ in files], opts)]
    else:
        from concurrent.futures import ProcessPoolExecutor  # only for trees worth the workers
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            parts = list(pool.map(_scan_chunk, chunks, [opts] * len(chunks)))
    for matches, errs, scanned, skip, nbytes in parts:
        result.matches.extend(matches)
        result.errors.extend(errs)
        result.files_scanned += scanned
        result.files_skipped += skip
        result.bytes_scanned += nbytes
    result.matches.sort(key=lambda m: (m.path, m.line, m.detector))
    result.duration_s = time.perf_counter() - started
    return result
