"""Recall and false lines of ``meshward secrets`` on the reviewer's labelled tree."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from meshward.secrets.engine import scan_paths
from tests.secrets.attacker.tree import Where, build


@dataclass(frozen=True)
class Score:
    must: frozenset[Where]
    found: frozenset[Where]
    missed: frozenset[Where]
    false: frozenset[Where]

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / len(self.must)

    def lines(self) -> list[str]:
        out = [f"attacker tree: {len(self.must)} risky lines, recall "
               f"{len(self.must) - len(self.missed)}/{len(self.must)} = {self.recall:.0%}, "
               f"{len(self.false)} false lines"]
        out += [f"  missed {p}:{n}" for p, n in sorted(self.missed)]
        out += [f"  false  {p}:{n}" for p, n in sorted(self.false)]
        return out


def score(root: Path) -> Score:
    must, _silent, either = build(root)
    result = scan_paths([root], jobs=1)
    found = frozenset((m.path, m.line) for m in result.matches)
    return Score(frozenset(must), found, frozenset(must - found),
                 frozenset(found - must - either))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(score(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp)).lines()))
