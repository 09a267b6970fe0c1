"""What the watcher learns between runs (external destinations, per-edge volume baselines),
kept in one JSON state file written atomically."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshward.errors import UsageError

STATE_VERSION = 1


@dataclass
class Baseline:
    """An exponentially weighted mean and variance of one edge's calls per bucket."""

    mean: float = 0.0
    var: float = 0.0
    n: int = 0  # buckets seen

    def to_json(self) -> list[float]:
        return [round(self.mean, 6), round(self.var, 6), self.n]


@dataclass
class State:
    path: Path | None = None
    existed: bool = False
    external: dict[str, str] = field(default_factory=dict)  # host -> first seen (ISO)
    volume: dict[str, Baseline] = field(default_factory=dict)  # "src->dst" -> baseline
    problem: str = ""

    @classmethod
    def load(cls, path: Path | None) -> State:
        """The state at ``path``. A folder that cannot be written is a usage error now, not a
        lost baseline at the end; a file that is not a watch state is never overwritten."""
        state = cls(path=path)
        if path is None:
            return state
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--state {path}: cannot create its folder ({exc.strerror})",
                             "give a state file in a folder this user can write") from None
        if path.is_dir():
            raise UsageError(f"--state {path}: is a folder", "give a file, e.g. DIR/state.json")
        if not os.access(path.parent, os.W_OK):
            raise UsageError(f"--state {path}: cannot be written here",
                             "give a state file in a folder this user can write")
        if not path.exists():
            return state
        try:
            doc: Any = json.loads(path.read_text("utf-8"))
            if not isinstance(doc, dict) or doc.get("version") != STATE_VERSION:
                raise ValueError("not a meshward watch state file")
            state.external = {str(k): str(v) for k, v in dict(doc.get("external", {})).items()}
            for key, value in dict(doc.get("volume", {})).items():
                mean, var, n = value
                state.volume[str(key)] = Baseline(float(mean), float(var), int(n))
            state.existed = True
        except (OSError, ValueError, TypeError) as exc:
            state.path = None  # someone else's file (a log given by mistake?): leave it be
            state.problem = (f"{path}: not a meshward watch state ({exc}); the file is left "
                             "untouched and nothing learned this run is saved: give another "
                             "--state FILE, or delete this one if it is a broken state")
        return state

    def save(self) -> None:
        if self.path is None:
            return
        doc = {"version": STATE_VERSION, "external": dict(sorted(self.external.items())),
               "volume": {k: v.to_json() for k, v in sorted(self.volume.items())}}
        tmp = self.path.with_name(self.path.name + ".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
