"""The rule registry: one small typed object per rule, found by walking the rules package.

A rule module defines rules with :func:`rule`; every module-level :class:`Rule`
of every module under ``meshward.checks.rules`` is registered. No list is kept
by hand and importing a module has no side effect beyond defining its rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from meshward.findings.finding import Confidence, Severity
from meshward.model.source import Location
from meshward.practices import PRACTICES

if TYPE_CHECKING:
    from meshward.checks.context import ScanContext
    from meshward.findings.finding import ResourceRef


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule's check yields; the engine adds the rule's metadata to make a Finding."""

    message: str
    location: Location
    resource: ResourceRef | None = None
    service: str | None = None
    evidence: str = ""
    key: str = ""
    severity: Severity | None = None  # overrides the rule's default for this hit
    confidence: Confidence | None = None
    extra: tuple[tuple[str, str], ...] = ()


CheckFn = Callable[["ScanContext"], Iterable[Hit]]

TARGETS = frozenset({"kubernetes", "compose", "dockerfile", "graph", "files", "catalog",
                     "cloud"})


@dataclass(frozen=True)
class Rule:
    """A rule: id, docs and the check. Docs are generated from these fields."""

    id: str
    title: str
    severity: Severity
    practices: tuple[str, ...]
    rationale: str
    remediation: str
    check: CheckFn = field(compare=False, repr=False)
    confidence: Confidence = Confidence.HIGH
    references: tuple[str, ...] = ()
    targets: tuple[str, ...] = ("kubernetes",)
    example_fail: str = ""
    example_pass: str = ""
    lifecycle: str = "stable"  # preview | stable | deprecated
    cwe: str = ""

    def __post_init__(self) -> None:
        unknown = [p for p in self.practices if p not in PRACTICES]
        if not self.practices or unknown:
            raise ValueError(f"rule {self.id}: unknown or missing practice codes {unknown}")
        bad_targets = [t for t in self.targets if t not in TARGETS]
        if bad_targets:
            raise ValueError(f"rule {self.id}: unknown targets {bad_targets}")

    @property
    def help_uri(self) -> str:
        return f"https://github.com/meshward/meshward/blob/main/docs/rules/{self.id}.md"


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    practices: tuple[str, ...],
    rationale: str,
    remediation: str,
    confidence: Confidence = Confidence.HIGH,
    references: tuple[str, ...] = (),
    targets: tuple[str, ...] = ("kubernetes",),
    example_fail: str = "",
    example_pass: str = "",
    lifecycle: str = "stable",
    cwe: str = "",
) -> Callable[[CheckFn], Rule]:
    """Turn a check function into a :class:`Rule` carrying its documentation."""

    def wrap(fn: CheckFn) -> Rule:
        return Rule(
            id=id, title=title, severity=severity, practices=practices, rationale=rationale,
            remediation=remediation, check=fn, confidence=confidence, references=references,
            targets=targets, example_fail=example_fail, example_pass=example_pass,
            lifecycle=lifecycle, cwe=cwe,
        )

    return wrap


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule under ``meshward.checks.rules``, sorted by id; duplicate ids are refused."""
    from meshward.checks import rules as package

    found: dict[str, Rule] = {}
    for info in sorted(pkgutil.walk_packages(package.__path__, package.__name__ + "."),
                       key=lambda i: i.name):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Rule):
                other = found.get(value.id)
                if other is not None and other is not value:
                    raise ValueError(f"duplicate rule id {value.id} in {info.name}")
                found[value.id] = value
    return tuple(found[k] for k in sorted(found))


def get_rule(rule_id: str) -> Rule | None:
    wanted = rule_id.strip().upper()
    for r in all_rules():
        if r.id.upper() == wanted:
            return r
    return None
