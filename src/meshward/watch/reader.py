"""Read log lines from files, folders, gzip, rotated sets and stdin; follow across rotation.

Memory stays constant: a line is read with a size limit, and a longer one is passed on
in pieces (the archive keeps it whole; the parsers see its head and count it as huge).
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_LINE = 256 * 1024
_ROTATED = re.compile(r"^(?P<base>.+?)(?:\.(?P<n>\d+))?(?:\.gz)?$")

ChunkFn = Callable[[bytes, bool], None]
"""Receives every byte read: (piece of a line without its newline, whether the line ends)."""


@dataclass(slots=True)
class RawLine:
    path: str
    line: int
    data: bytes  # without the newline; at most MAX_LINE bytes
    huge: bool = False  # the line was longer and ``data`` is its head
    complete: bool = True  # False for a last line with no newline (cut off)


def expand(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Files to read, in order (rotated files oldest first), and inputs that do not exist."""
    files: list[str] = []
    missing: list[str] = []
    for item in inputs:
        if item == "-":
            files.append(item)
            continue
        p = Path(item)
        if p.is_dir():
            found = [str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")]
            files.extend(rotation_order(found))
        elif p.is_file():
            files.append(item)
        else:
            missing.append(item)
    return files, missing


def rotation_order(paths: list[str]) -> list[str]:
    """``app.log.2.gz``, ``app.log.1``, ``app.log``: each rotated set oldest first."""

    def key(path: str) -> tuple[str, int]:
        m = _ROTATED.match(path)
        if m is None:
            return path, 0
        return m.group("base"), -int(m.group("n") or 0)

    return sorted(paths, key=key)


def _open(path: str) -> BinaryIO:
    if path == "-":
        return sys.stdin.buffer
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _lines(handle: BinaryIO, path: str, on_chunk: ChunkFn | None, start_line: int = 0,
           final: bool = True) -> Iterator[RawLine]:
    """Lines of an open handle up to its end. With ``final`` false, a last line without
    its newline is left unread (the writer is still writing it)."""
    n = start_line
    while True:
        pos = handle.tell() if not final else 0
        data = handle.readline(MAX_LINE + 1)
        if not data:
            return
        if not data.endswith(b"\n") and len(data) <= MAX_LINE:
            if not final:
                handle.seek(pos)
                return
            n += 1
            if on_chunk:
                on_chunk(data, True)
            yield RawLine(path, n, data.rstrip(b"\r"), complete=False)
            continue
        n += 1
        if data.endswith(b"\n"):
            body = data[:-1].rstrip(b"\r")
            if on_chunk:
                on_chunk(body, True)
            yield RawLine(path, n, body)
            continue
        # Longer than MAX_LINE: pass the rest on in pieces, keep only the head.
        head = data[:MAX_LINE]
        if on_chunk:
            on_chunk(data, False)
        while True:
            more = handle.readline(MAX_LINE)
            if not more or more.endswith(b"\n"):
                if on_chunk:
                    on_chunk(more[:-1] if more.endswith(b"\n") else more, True)
                break
            if on_chunk:
                on_chunk(more, False)
        yield RawLine(path, n, head, huge=True)


def read_all(files: list[str], on_chunk: ChunkFn | None = None,
             on_error: Callable[[str, str], None] | None = None) -> Iterator[RawLine]:
    """Every line of every file, once, in order."""
    for path in files:
        try:
            handle = _open(path)
        except OSError as exc:
            if on_error:
                on_error(path, exc.strerror or str(exc))
            continue
        try:
            yield from _lines(handle, "<stdin>" if path == "-" else path, on_chunk)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            if on_error:
                on_error(path, f"read failed: {exc}")
        finally:
            if path != "-":
                handle.close()


@dataclass
class _Tail:
    path: str
    handle: BinaryIO | None = None
    inode: int = -1
    line: int = 0


def follow(files: list[str], stop: Callable[[], bool], on_chunk: ChunkFn | None = None,
           poll: float = 0.2, on_error: Callable[[str, str], None] | None = None
           ) -> Iterator[RawLine]:
    """Read every file to its end, then keep reading what is appended, across rotation.

    A rotated file (its name now points at a new inode) is read to its end before the new
    one is opened; a truncated file (copytruncate) is read again from its start.
    """
    tails = [_Tail(p) for p in files if p != "-"]
    while True:
        for t in tails:
            yield from _poll(t, on_chunk, on_error)
        if stop():
            for t in tails:
                if t.handle is not None:
                    t.handle.close()
            return
        time.sleep(poll)


def _poll(t: _Tail, on_chunk: ChunkFn | None, on_error: Callable[[str, str], None] | None
          ) -> Iterator[RawLine]:
    try:
        st = os.stat(t.path)
    except OSError:
        st = None  # rotated away and not yet recreated
    if t.handle is not None and st is not None and st.st_ino != t.inode:
        yield from _lines(t.handle, t.path, on_chunk, t.line, final=True)
        t.handle.close()
        t.handle, t.line = None, 0
    if t.handle is None:
        if st is None:
            return
        try:
            t.handle = _open(t.path)
        except OSError as exc:
            if on_error:
                on_error(t.path, exc.strerror or str(exc))
            return
        t.inode = st.st_ino
    elif st is not None and st.st_size < t.handle.tell():
        t.handle.seek(0)
        t.line = 0
    for raw in _lines(t.handle, t.path, on_chunk, t.line, final=False):
        t.line = raw.line
        yield raw
