"""From an :class:`OutputFormat` to its reporter, by an exhaustive match."""

from __future__ import annotations

from typing import assert_never

from meshward.reporters.interface import OutputFormat, Reporter
from meshward.reporters.json_report import JsonReporter
from meshward.reporters.junit import JunitReporter
from meshward.reporters.markdown import MarkdownReporter
from meshward.reporters.sarif import SarifReporter
from meshward.reporters.text import TextReporter


def get_reporter(fmt: OutputFormat) -> Reporter:
    """The reporter for ``fmt``; mypy refuses this function if a member is left out."""
    match fmt:
        case OutputFormat.TEXT:
            return TextReporter()
        case OutputFormat.JSON:
            return JsonReporter()
        case OutputFormat.SARIF:
            return SarifReporter()
        case OutputFormat.JUNIT:
            return JunitReporter()
        case OutputFormat.MARKDOWN:
            return MarkdownReporter()
        case _:
            assert_never(fmt)


def format_names() -> list[str]:
    """The values ``--format`` accepts, in the enum's order."""
    return [f.value for f in OutputFormat]
