"""Git modes: every commit (``--history``), the index (``--staged``), a range (``--since``).

Added lines come from one ``git log -p -U0`` (or ``git diff --cached -U0``) stream;
only files whose added lines pass the keyword prefilter are read whole, through one
``git cat-file --batch`` process, so multi-line secrets and Secret manifests are
judged in context. A secret is reported once, at the commit that introduced it, with
whether HEAD still holds it.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from meshward import progress
from meshward.errors import UsageError
from meshward.secrets.catalog import keyword_index
from meshward.secrets.engine import SecretsResult, decode, skip_name
from meshward.secrets.files import selector
from meshward.secrets.model import Match
from meshward.secrets.scanner import Options, scan_text

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
BATCH = 400


@dataclass
class FileDiff:
    commit: str
    date: str
    author: str
    path: str
    added: dict[int, str] = field(default_factory=dict)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                              check=False, timeout=3600)
    except FileNotFoundError:
        raise UsageError("git is not installed", "install git to use --history/--staged/--since") \
            from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}",
                         "check the repository and the revision")
    return proc.stdout


def repo_root(path: Path) -> Path:
    where = path if path.is_dir() else path.parent
    if not where.exists():
        raise UsageError(f"{path}: no such file or folder")
    try:
        out = _git(where, "rev-parse", "--show-toplevel")
    except UsageError:
        raise UsageError(f"{path} is not inside a git repository",
                         "run it in a clone, or scan files without --history/--staged/--since") \
            from None
    return Path(out.decode().strip())


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1", "replace").decode("utf-8", "replace")
    return path


def parse_diff(stream: str) -> Iterator[FileDiff]:
    """Files and their added lines from ``git log -p -U0`` / ``git diff -U0`` output."""
    commit = date = author = ""
    cur: FileDiff | None = None
    line_no = remaining = 0
    for raw in stream.split("\n"):
        if remaining and raw.startswith("+") and cur is not None:
            cur.added[line_no] = raw[1:]
            line_no += 1
            remaining -= 1
        elif raw.startswith("\x00"):
            if cur is not None and cur.added:
                yield cur
            cur = None
            commit, date, author = ([*raw[1:].split("\t"), "", ""])[:3]
        elif raw.startswith("diff --git "):
            if cur is not None and cur.added:
                yield cur
            cur = None
        elif raw.startswith("+++ "):
            target = raw[4:]
            cur = None if target == "/dev/null" else FileDiff(commit, date, author,
                                                              _unquote(target)[2:])
        elif raw.startswith("@@"):
            m = _HUNK.match(raw)
            line_no = int(m.group(1)) if m else 0
            remaining = (1 if m.group(2) is None else int(m.group(2))) if m else 0
    if cur is not None and cur.added:
        yield cur


def _candidate(fd: FileDiff, opts: Options) -> bool:
    if skip_name(fd.path):
        return False
    if opts.generic and any(d.parse_bytes is None for d in selector().select(fd.path)):
        return True  # a credential file: its lines need no keyword (db:5432:shop:app:pw)
    text = "\n".join(fd.added.values())
    return next(iter(keyword_index().hits(text)), None) is not None


def read_blobs(repo: Path, names: Sequence[str]) -> dict[str, str | None]:
    """``rev:path`` -> text (``None`` for missing or binary blobs), via one cat-file process."""
    out: dict[str, str | None] = {}
    for i in range(0, len(names), BATCH):
        part = names[i:i + BATCH]
        data = _git(repo, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in part).encode())
        pos = 0
        for name in part:
            nl = data.index(b"\n", pos)
            header = data[pos:nl].split()
            pos = nl + 1
            if len(header) < 3 or header[1] != b"blob":
                out[name] = None
                continue
            size = int(header[2])
            out[name] = decode(data[pos:pos + size])
            pos += size + 1
    return out


def _scan_diffs(repo: Path, diffs: list[FileDiff], rev_of: str, opts: Options
                ) -> tuple[list[tuple[FileDiff, Match]], int, int]:
    cands = [fd for fd in diffs if _candidate(fd, opts)]
    blobs = read_blobs(repo, [rev_of.format(c=fd.commit, p=fd.path) for fd in cands])
    found: list[tuple[FileDiff, Match]] = []
    nbytes = 0
    step = progress.task("scanning history", len(cands))
    for fd in cands:
        step()
        text = blobs.get(rev_of.format(c=fd.commit, p=fd.path))
        if text is None:
            continue
        nbytes += len(text)
        for m in scan_text(fd.path, text, opts).matches:
            if m.line in fd.added:
                found.append((fd, m))
    return found, len(cands), nbytes


def scan_history(path: Path, opts: Options = Options(), since: str | None = None  # noqa: B008
                 ) -> SecretsResult:
    """Secrets added by any commit (or by commits in ``since..HEAD``), oldest first."""
    started = time.perf_counter()
    root = repo_root(path)
    rel = path.resolve().relative_to(root.resolve()).as_posix() if path.resolve() != root.resolve() \
        else ""
    rng = [f"{since}..HEAD"] if since else ["--all"]
    if since:
        _git(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    log = _git(root, "log", "--reverse", "--format=%x00%H%x09%aI%x09%an", "-p", "-U0", "--no-color",
               "--no-renames", "--no-ext-diff", "--diff-filter=AM", *rng, "--",
               *([rel] if rel else [])).decode("utf-8", "replace")
    found, files, nbytes = _scan_diffs(root, list(parse_diff(log)), "{c}:{p}", opts)
    result = SecretsResult(files_scanned=files, bytes_scanned=nbytes)
    seen: set[tuple[str, str, str]] = set()
    for fd, m in found:
        ident = (m.path, m.detector, m.value)
        if ident in seen:
            continue
        seen.add(ident)
        m.commit, m.commit_date, m.author = fd.commit, fd.date, fd.author
        result.matches.append(m)
    _mark_head(root, result.matches, opts)
    result.duration_s = time.perf_counter() - started
    return result


def _mark_head(root: Path, matches: list[Match], opts: Options) -> None:
    try:
        has_head = bool(_git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip())
    except UsageError:
        has_head = False
    paths = sorted({m.path for m in matches})
    blobs = read_blobs(root, [f"HEAD:{p}" for p in paths]) if has_head and paths else {}
    present: set[tuple[str, str, str]] = set()
    for p in paths:
        text = blobs.get(f"HEAD:{p}")
        if text is not None:
            present.update((p, x.detector, x.value) for x in scan_text(p, text, opts).matches)
    for m in matches:
        m.in_head = "yes" if (m.path, m.detector, m.value) in present else "no"


def scan_staged(path: Path, opts: Options = Options()) -> SecretsResult:  # noqa: B008
    """Secrets in lines added to the index: the pre-commit hook."""
    started = time.perf_counter()
    root = repo_root(path)
    diff = _git(root, "diff", "--cached", "-U0", "--no-color", "--no-renames", "--no-ext-diff",
                "--diff-filter=ACM").decode("utf-8", "replace")
    found, files, nbytes = _scan_diffs(root, list(parse_diff(diff)), ":{p}", opts)
    result = SecretsResult(files_scanned=files, bytes_scanned=nbytes,
                           matches=[m for _, m in found])
    result.duration_s = time.perf_counter() - started
    return result
