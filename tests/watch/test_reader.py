"""Reading logs: rotation order, gzip, huge lines in pieces, following across rotation."""

from __future__ import annotations

import gzip
from pathlib import Path

from meshward.watch.reader import MAX_LINE, expand, follow, read_all


def test_rotated_sets_are_read_oldest_first(tmp_path: Path) -> None:
    for name in ("app.log", "app.log.1", "app.log.10.gz", "app.log.2.gz", "db.log"):
        (tmp_path / name).write_bytes(b"")
    files, missing = expand([str(tmp_path), str(tmp_path / "nope")])
    assert [Path(f).name for f in files] == ["app.log.10.gz", "app.log.2.gz", "app.log.1",
                                             "app.log", "db.log"]
    assert missing == [str(tmp_path / "nope")]


def test_gzip_by_content_and_huge_lines_in_pieces(tmp_path: Path) -> None:
    path = tmp_path / "rotated-without-suffix"
    big = b"y" * (MAX_LINE * 2 + 5)
    path.write_bytes(gzip.compress(b"one\r\n" + big + b"\nlast-without-newline"))
    pieces: list[tuple[bytes, bool]] = []
    lines = list(read_all([str(path)], lambda data, end: pieces.append((data, end))))
    assert [(r.line, r.data[:5], r.huge, r.complete) for r in lines] == [
        (1, b"one", False, True), (2, b"yyyyy", True, True), (3, b"last-", False, False)]
    assert len(lines[1].data) == MAX_LINE
    joined, current = [], b""
    for data, end in pieces:
        current += data
        if end:
            joined.append(current)
            current = b""
    assert joined == [b"one", big, b"last-without-newline"]  # the archive gets every byte


def test_follow_across_copytruncate_and_rename(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"first\n")
    gen = follow([str(log)], lambda: False, poll=0.01)
    assert next(gen).data == b"first"
    with open(log, "ab") as out:
        out.write(b"half")  # a writer in the middle of a line: not read yet
    with open(log, "ab") as out:
        out.write(b"-done\n")
    assert next(gen).data == b"half-done"
    log.write_bytes(b"")  # copytruncate
    with open(log, "ab") as out:
        out.write(b"after-truncate\n")
    raw = next(gen)
    assert (raw.data, raw.line) == (b"after-truncate", 1)
    log.rename(tmp_path / "app.log.1")
    with open(tmp_path / "app.log.1", "ab") as out:
        out.write(b"late-old\n")
    log.write_bytes(b"new-file\n")
    assert [next(gen).data, next(gen).data] == [b"late-old", b"new-file"]
    gen.close()
