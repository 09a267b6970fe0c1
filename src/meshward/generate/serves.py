"""What each generator (the *fix* way) writes and which practices that configuration makes hold.

Every generator module declares a module-level ``SERVES``; :func:`fix_ways` reads them, so the
scorecard's "fix" column follows the generators rather than a list kept elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from meshward.practices import PRACTICES


@dataclass(frozen=True)
class Serves:
    """``command`` writes ``what``; applied, it makes ``practices`` hold."""

    command: str
    what: str
    practices: tuple[str, ...]

    def __post_init__(self) -> None:
        unknown = [p for p in self.practices if p not in PRACTICES]
        if not self.practices or unknown:
            raise ValueError(f"generator {self.what}: unknown or missing practice codes {unknown}")

    def __str__(self) -> str:
        return f"{self.command} ({self.what})"


@cache
def all_serves() -> tuple[Serves, ...]:
    """Every generator's ``SERVES``, in module order."""
    from meshward import generate as package

    out: list[Serves] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        value = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), "SERVES", None)
        if isinstance(value, Serves):
            out.append(value)
    return tuple(out)


def fix_ways(code: str) -> list[str]:
    """The generators whose output makes practice ``code`` hold, e.g. ``meshward policy
    (Istio policies)``."""
    return [str(s) for s in all_serves() if code in s.practices]
