"""``meshward scan PATH...``: audit deployment files and report findings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meshward.cli.common import add_output_options, config_for, emit, threshold, with_baseline
from meshward.pipeline import scan
from meshward.reporters.interface import Report


def register(sub: Any) -> None:
    p = sub.add_parser("scan", help="audit Kubernetes, compose and Dockerfiles under PATH",
                       description="Read every deployment file under PATH, build the inventory "
                                   "and service graph, and run every rule.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--select", action="append", default=[], metavar="RULE",
                   help="run only these rule ids (repeatable; MW1* selects a family)")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = config_for(args, args.paths[0])
    fail_on = threshold(args, config)
    result = scan(args.paths, config, select=args.select)
    errors: list[Any] = list(result.errors)
    findings = with_baseline(args, result.findings, errors)
    report = Report(command="scan", root=str(args.paths[0]), findings=findings, rules=result.rules_run,
                    errors=errors, notices=result.notices, files_read=result.inventory.files_read,
                    services=len(result.inventory.services), show_suppressed=args.show_suppressed,
                    duration_s=result.duration_s)
    return emit(args, report, fail_on)
