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
from meshward.probe.targets import Limits, Targets, load_targets
from meshward.probe.urls import URL_MODE_NOTICE, looks_like_url, targets_from_urls
from meshward.reporters.interface import Report


def register(sub: Any) -> None:
    p = sub.add_parser(
        "probe", help="send forged, unauthenticated, plaintext and bursty traffic to endpoints",
        description="Probe the endpoints of a targets file (and/or every service of a scanned "
                    "tree mapped to base URLs), or URLs given here with defaults, and report "
                    "what they wrongly accept. Only "
                    "loopback and hosts named under `allow:` or with --allow are touched.")
    p.add_argument("targets", nargs="+", metavar="TARGETS|URL",
                   help="a targets file (YAML), or one or more http(s) URLs probed with "
                        "defaults (see --expects)")
    p.add_argument("--expects", default="token", choices=["token", "client_cert", "none"],
                   help="with URLs: what each endpoint should demand (default: token)")
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


def _targets(args: argparse.Namespace) -> tuple[Path, Targets, list[str]]:
    given: list[str] = args.targets
    urls = [g for g in given if looks_like_url(g)]
    if urls and len(urls) != len(given):
        raise UsageError("give either one targets file or URLs, not both",
                         "list the URLs as endpoints of the targets file instead")
    if urls:
        return Path("."), targets_from_urls(urls, args.expects), [URL_MODE_NOTICE]
    if len(given) > 1:
        raise UsageError("one targets file at a time", "merge the files' endpoints into one")
    path = Path(given[0])
    if not path.is_file():
        raise UsageError(f"targets file {path} not found",
                         "see docs/probe.md for its format, or give http(s) URLs")
    return path, load_targets(path), []


def run(args: argparse.Namespace) -> int:
    path, targets, notices = _targets(args)
    config = config_for(args, path)
    fail_on = threshold(args, config)
    limits = _limits(args, targets.limits)
    endpoints = list(targets.endpoints)
    if targets.inventory is not None and not targets.errors:
        inv = load_inventory_for(targets, config)
        if inv is not None:
            more, notes = inventory_endpoints(targets, inv)
            endpoints += more
            notices += notes
    errors: list[Any] = list(targets.errors) + list(config.errors)
    findings = []
    duration = 0.0
    not_run: dict[str, set[str]] = {}
    if not targets.errors:
        result = run_probe(endpoints, limits, Allowlist([*targets.allow, *args.allow]),
                           args.select)
        notices += result.notices
        duration = result.duration_s
        not_run = result.not_run
        notices.append(f"{result.requests} request(s) sent to {result.endpoints} endpoint(s)")
        findings = Suppressor(config, Path("."), dt.date.today()).apply(result.findings)
        findings = with_baseline(args, findings, errors)
    # A check that could not run on any endpoint proves nothing: it does not count as run.
    names = {ep.name for ep in endpoints}
    probe_rules = tuple(r for r in all_rules() if r.id.startswith("MWP")
                        and not (names and not_run.get(r.id, set()) >= names))
    root = str(path) if targets.path != "<command line>" else " ".join(args.targets)
    report = Report(command="probe", root=root, findings=findings, rules=probe_rules,
                    errors=errors, notices=notices, files_read=1, services=len(endpoints),
                    show_suppressed=args.show_suppressed, duration_s=duration)
    return emit(args, report, fail_on)
