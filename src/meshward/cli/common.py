"""Options and output shared by the commands that report findings (scan, secrets, probe)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from meshward.config import Config, find_config, load_config
from meshward.errors import UsageError
from meshward.findings.finding import Finding, Severity
from meshward.findings.suppress import apply_baseline, read_baseline
from meshward.reporters.interface import OutputFormat, Report

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def positive(kind: type[int] | type[float]) -> Any:
    """An argparse type: a number of this kind above zero."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError("must be positive")
        return value

    return parse


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "--format", default="text", choices=[f.value for f in OutputFormat],
                   help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", metavar="SEVERITY",
                   help="exit 1 when a finding at or above SEVERITY remains "
                        "(info, low, medium, high, critical; default: low)")
    p.add_argument("--baseline", metavar="FILE", help="hide findings recorded in this baseline")
    p.add_argument("--config", metavar="FILE", help="config file (default: nearest .meshward.yaml)")
    p.add_argument("--show-suppressed", action="store_true", help="list suppressed findings too")
    p.add_argument("--no-color", action="store_true", help="never colour the terminal output")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="text: print only the summary (guide and totals; input errors too)")


def config_for(args: argparse.Namespace, start: Path) -> Config:
    if getattr(args, "config", None):
        path = Path(args.config)
        if not path.is_file():
            raise UsageError(f"config file {path} not found")
        return load_config(path)
    return load_config(find_config(start))


def threshold(args: argparse.Namespace, config: Config) -> Severity:
    text = getattr(args, "fail_on", None) or config.fail_on or "low"
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def with_baseline(args: argparse.Namespace, findings: list[Finding], report_errors: list[object]
                  ) -> list[Finding]:
    if not getattr(args, "baseline", None):
        return findings
    prints, errors = read_baseline(Path(args.baseline))
    report_errors.extend(errors)
    return apply_baseline(findings, prints)


def render(report: Report, fmt: str) -> str:
    from meshward.reporters.select import get_reporter

    return get_reporter(OutputFormat(fmt)).render(report)


def write_output(output: str | None, text: str) -> None:
    """The report to the file of ``-o``, else to stdout."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)


def emit(args: argparse.Namespace, report: Report, fail_on: Severity) -> int:
    """Write the report where asked and return the exit code."""
    terminal = args.format == "text" and not args.output and sys.stdout.isatty()
    report.color = terminal and not args.no_color and "NO_COLOR" not in os.environ
    report.quiet = bool(getattr(args, "quiet", False))
    if terminal:
        report.width = shutil.get_terminal_size().columns
    write_output(args.output, render(report, args.format))
    if report.errors:
        if args.format != "text" or args.output:
            for e in report.errors:
                print(f"meshward: input error: {e.render()}", file=sys.stderr)
        return EXIT_ERROR
    if any(f.severity >= fail_on for f in report.active):
        return EXIT_FINDINGS
    return EXIT_OK
