"""Read `expect:` markers from rule fixtures.

- ``... # expect: MW101`` at the end of a line: a finding of MW101 on that line.
- a line holding only ``# expect-next: MW301``: a finding on the next non-comment line
  (for Dockerfiles, which have no trailing comments).
- ``expected.txt`` beside JSON fixtures: lines of ``FILE:LINE RULE``.
"""

from __future__ import annotations

import re
from pathlib import Path

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)\s*$")
_NEXT = re.compile(r"^\s*#\s*expect-next:\s*([A-Z0-9, ]+)\s*$")


def expectations(folder: Path) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.name == "expected.txt":
            for line in path.read_text().splitlines():
                if line.strip():
                    where, rule = line.split()
                    file, num = where.rsplit(":", 1)
                    found.add((file, int(num), rule))
            continue
        pending: list[str] = []
        for i, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            m = _NEXT.match(line)
            if m:
                pending.extend(r.strip() for r in m.group(1).split(",") if r.strip())
                continue
            if pending and line.strip() and not line.lstrip().startswith("#"):
                found.update((rel, i, r) for r in pending)
                pending = []
            m = _EXPECT.search(line)
            if m:
                found.update((rel, i, r.strip()) for r in m.group(1).split(",") if r.strip())
    return found
