"""``meshward scan PATH...``: audit deployment files and report findings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meshward.cli.common import add_output_options, config_for, emit, threshold, with_baseline
from meshward.errors import UsageError
from meshward.pipeline import scan
from meshward.reporters.interface import Report

if TYPE_CHECKING:
    from meshward.loaders.aws.session import AwsOptions


def register(sub: Any) -> None:
    p = sub.add_parser("scan", help="audit Kubernetes, compose, Dockerfiles and Terraform under "
                                    "PATH, and a live AWS account with --aws",
                       description="Read every deployment file under PATH, build the inventory "
                                   "and service graph, and run every rule.")
    p.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    aws = p.add_argument_group("live AWS (read-only; standard AWS configuration)")
    aws.add_argument("--aws", action="store_true",
                     help="also read the live AWS account (profile, region, AWS_ENDPOINT_URL and "
                          "credentials from the standard AWS configuration)")
    aws.add_argument("--aws-region", metavar="REGION", help="region to read (default: configured)")
    aws.add_argument("--aws-profile", metavar="PROFILE", help="profile of ~/.aws/config to use")
    aws.add_argument("--aws-max-calls", metavar="N", type=int, default=None,
                     help="most AWS requests to send (default: 5000); what is left is named")
    p.add_argument("--select", action="append", default=[], metavar="RULE",
                   help="run only these rule ids (repeatable; MW1* selects a family)")
    add_output_options(p)
    p.set_defaults(func=run)


def _aws_options(args: argparse.Namespace) -> AwsOptions | None:
    given = args.aws_region or args.aws_profile or args.aws_max_calls is not None
    if not args.aws:
        if given:
            raise UsageError("--aws-region, --aws-profile and --aws-max-calls need --aws")
        if not args.paths:
            raise UsageError("nothing to scan", "give a PATH, or --aws to read the live account")
        return None
    from meshward.loaders.aws.session import DEFAULT_MAX_CALLS, AwsOptions

    max_calls = DEFAULT_MAX_CALLS if args.aws_max_calls is None else args.aws_max_calls
    if max_calls < 1:
        raise UsageError(f"--aws-max-calls {max_calls}: give a positive number of calls")
    return AwsOptions(region=args.aws_region, profile=args.aws_profile, max_calls=max_calls)


def run(args: argparse.Namespace) -> int:
    aws = _aws_options(args)
    start = args.paths[0] if args.paths else Path(".")
    config = config_for(args, start)
    fail_on = threshold(args, config)
    result = scan(args.paths, config, select=args.select, aws=aws)
    errors: list[Any] = list(result.errors)
    findings = with_baseline(args, result.findings, errors)
    report = Report(command="scan", root=str(args.paths[0]) if args.paths else
                    result.inventory.root, findings=findings, rules=result.rules_run,
                    errors=errors, notices=result.notices, files_read=result.inventory.files_read,
                    services=len(result.inventory.services), show_suppressed=args.show_suppressed,
                    duration_s=result.duration_s)
    return emit(args, report, fail_on)
