"""``meshward probe TARGETS``: prove running services reject what they should (Mode.VERIFY)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from meshward.checks.registry import all_rules
from meshward.cli.common import (
    add_output_options,
    config_for,
    emit,
    positive,
    threshold,
    with_baseline,
)
from meshward.errors import UsageError
from meshward.findings.suppress import Suppressor
from meshward.probe.inventory_map import inventory_endpoints, load_inventory_for
from meshward.probe.runner import run_probe
from meshward.probe.safety import Allowlist
from meshward.probe.targets import Limits, load_targets
from meshward.reporters.interface import Report


def register(sub: Any) -> None:
    p = sub.add_parser(
        "probe", help="send forged, unauthenticated, plaintext and bursty traffic to endpoints",
        description="Probe the endpoints of a targets file (and/or every service of a scanned "
                    "tree mapped to base URLs) and report what they wrongly accept. Only "
                    "loopback and hosts named under `allow:` or with --allow are touched.")
    p.add_argument("targets", type=Path, metavar="TARGETS", help="targets file (YAML)")
    p.add_argument("--allow", action="append", default=[], metavar="HOST",
                   help="also allow this non-loopback host (repeatable)")
    p.add_argument("--budget", type=positive(int), metavar="N",
                   help="most requests of the whole run (default: 2000)")
    p.add_argument("--rate", type=positive(float), metavar="R",
                   help="most requests per second to one host (default: 100)")
    p.add_argument("--timeout", type=positive(float), metavar="S",
                   help="seconds per connection and request (default: 5)")
    p.add_argument("--burst", type=positive(int), metavar="N",
                   help="most requests of the rate-limit check per endpoint (default: 200)")
    p.add_argument("--concurrency", type=positive(int), metavar="N",
                   help="connections open at once (default: 32)")
    p.add_argument("--select", action="append", default=[], metavar="RULE",
                   help="run only these checks (repeatable; MWP0* selects a family)")
    add_output_options(p)
    p.set_defaults(func=run)


def _limits(args: argparse.Namespace, limits: Limits) -> Limits:
    for arg, name in (("budget", "requests"), ("rate", "per_host_rate"), ("timeout", "timeout"),
                      ("burst", "burst"), ("concurrency", "concurrency")):
        value = getattr(args, arg, None)
        if value is not None:
            setattr(limits, name, value)
    return limits


def run(args: argparse.Namespace) -> int:
    path: Path = args.targets
    if not path.is_file():
        raise UsageError(f"targets file {path} not found", "see docs/probe.md for its format")
    config = config_for(args, path)
    fail_on = threshold(args, config)
    targets = load_targets(path)
    limits = _limits(args, targets.limits)
    endpoints = list(targets.endpoints)
    notices: list[str] = []
    if targets.inventory is not None and not targets.errors:
        inv = load_inventory_for(targets, config)
        if inv is not None:
            more, notes = inventory_endpoints(targets, inv)
            endpoints += more
            notices += notes
    errors: list[Any] = list(targets.errors) + list(config.errors)
    findings = []
    duration = 0.0
    if not targets.errors:
        result = run_probe(endpoints, limits, Allowlist([*targets.allow, *args.allow]),
                           args.select)
        notices += result.notices
        duration = result.duration_s
        notices.append(f"{result.requests} request(s) sent to {result.endpoints} endpoint(s)")
        findings = Suppressor(config, Path("."), dt.date.today()).apply(result.findings)
        findings = with_baseline(args, findings, errors)
    probe_rules = tuple(r for r in all_rules() if r.id.startswith("MWP"))
    report = Report(command="probe", root=str(path), findings=findings, rules=probe_rules,
                    errors=errors, notices=notices, files_read=1, services=len(endpoints),
                    show_suppressed=args.show_suppressed, duration_s=duration)
    return emit(args, report, fail_on)
