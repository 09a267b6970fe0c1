"""The reporter contract: a :class:`Report` in, text out."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from meshward.checks.registry import Rule
from meshward.errors import InputError
from meshward.findings.finding import Finding


class OutputFormat(Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"


@dataclass
class Report:
    """Everything a reporter may show about one run of scan, secrets or probe."""

    command: str  # scan | secrets | probe | ...
    root: str
    findings: list[Finding]
    rules: tuple[Rule, ...]
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    files_read: int = 0
    services: int = 0
    show_suppressed: bool = False
    color: bool = False
    duration_s: float = 0.0
    quiet: bool = False  # text: only the summary (and input errors)
    width: int = 0  # text: wrap long lines to this many columns (0: never wrap)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed_by]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed_by]


INDENT_MAX_FINDINGS = 2000


def dumps(document: dict[str, Any]) -> str:
    """JSON text: indented for people, compact (the C encoder, ~10x faster) for large reports."""
    findings = document.get("findings") or document.get("runs", [{}])[0].get("results") or []
    indent = 2 if len(findings) <= INDENT_MAX_FINDINGS else None
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


class Reporter(ABC):
    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole output as text (ending with a newline)."""
