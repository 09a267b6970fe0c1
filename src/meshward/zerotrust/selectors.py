"""Kubernetes label selectors with their real semantics (matchLabels AND matchExpressions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshward.model.source import as_map, as_seq

OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            # Kubernetes: NotIn matches when the key is absent too.
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False  # an unknown operator is refused by the API server: select nothing

    def __str__(self) -> str:
        if self.operator in ("Exists", "DoesNotExist"):
            return f"{'!' if self.operator == 'DoesNotExist' else ''}{self.key}"
        op = "in" if self.operator == "In" else "notin"
        return f"{self.key} {op} ({','.join(self.values)})"


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A label selector. The empty selector selects everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    expressions: tuple[Requirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels) and all(
            r.matches(labels) for r in self.expressions)

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels] + [str(r) for r in self.expressions]
        return ",".join(parts) if parts else "(all)"


def parse_selector(value: Any, strip_prefixes: tuple[str, ...] = ()) -> LabelSelector:
    """Read a ``{matchLabels, matchExpressions}`` mapping; anything else is the empty selector.

    ``strip_prefixes`` removes source prefixes from keys (Cilium writes ``k8s:app``).
    """
    raw = as_map(value)

    def key_of(k: Any) -> str:
        text = str(k)
        for p in strip_prefixes:
            if text.startswith(p):
                return text[len(p):]
        return text

    labels = tuple(sorted((key_of(k), "" if v is None else str(v))
                          for k, v in as_map(raw.get("matchLabels")).items()))
    exprs: list[Requirement] = []
    for item in as_seq(raw.get("matchExpressions")):
        m = as_map(item)
        key = m.get("key")
        if key is None:
            continue
        exprs.append(Requirement(key_of(key), str(m.get("operator") or ""),
                                 tuple(str(v) for v in as_seq(m.get("values")))))
    return LabelSelector(labels, tuple(exprs))


def namespace_labels(name: str, declared: dict[str, str] | None = None) -> dict[str, str]:
    """A namespace's labels, with the automatic ``kubernetes.io/metadata.name`` label."""
    out = dict(declared or {})
    out["kubernetes.io/metadata.name"] = name
    return out
