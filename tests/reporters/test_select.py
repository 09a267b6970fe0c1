"""Every output format has a reporter, and every reporter renders every report."""

from __future__ import annotations

import pytest

from meshward.reporters import OutputFormat, Reporter, format_names, get_reporter
from meshward.reporters.json_report import JsonReporter
from meshward.reporters.junit import JunitReporter
from meshward.reporters.markdown import MarkdownReporter
from meshward.reporters.sarif import SarifReporter
from meshward.reporters.text import TextReporter
from tests.reporters.sample import sample_report

EXPECTED: dict[OutputFormat, type[Reporter]] = {
    OutputFormat.TEXT: TextReporter,
    OutputFormat.JSON: JsonReporter,
    OutputFormat.SARIF: SarifReporter,
    OutputFormat.JUNIT: JunitReporter,
    OutputFormat.MARKDOWN: MarkdownReporter,
}


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_has_a_reporter(fmt: OutputFormat) -> None:
    reporter = get_reporter(fmt)
    assert type(reporter) is EXPECTED[fmt]
    for report in (sample_report(), sample_report(findings=[], errors=[], notices=[], rules=())):
        out = reporter.render(report)
        assert out.endswith("\n") and not out.endswith("\n\n\n")


def test_format_names() -> None:
    assert format_names() == ["text", "json", "sarif", "junit", "markdown"]
    assert set(EXPECTED) == set(OutputFormat)
