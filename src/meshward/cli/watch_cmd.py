"""``meshward watch PATH... --logs LOGS``: alerts from logs and events (Mode.WATCH)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

from meshward.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    add_output_options,
    config_for,
    emit,
    threshold,
)
from meshward.errors import UsageError
from meshward.findings.finding import Finding
from meshward.findings.suppress import read_baseline
from meshward.pipeline import build_context
from meshward.reporters.interface import Report
from meshward.watch.context import Thresholds
from meshward.watch.detectors import all_infos
from meshward.watch.run import WatchOptions, send_test_alerts, suppression, watch
from meshward.watch.sinks.interface import Sink
from meshward.watch.sinks.select import open_sink
from meshward.watch.sinks.stdout import StreamSink

_RELATIVE = re.compile(r"^(\d+)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "watch", help="alert on what the service graph forbids, from logs and audit events",
        description="Build the inventory and graph from PATH (as scan does), read the logs "
                    "(Kubernetes audit, Envoy/Istio, Linkerd, nginx/ingress-nginx, Falco, "
                    "Docker json-file, syslog; recognised by content) and report alerts.")
    p.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    p.add_argument("--logs", action="append", default=[], metavar="FILE_OR_DIR",
                   help="log file, folder (rotated and .gz files included) or - for stdin; "
                        "repeatable")
    p.add_argument("--follow", action="store_true",
                   help="keep reading what is appended, across rotation, until interrupted")
    p.add_argument("--since", metavar="TIME",
                   help="ignore lines older than TIME (ISO date/time, or 15m, 2h, 7d ago)")
    p.add_argument("--archive", type=Path, metavar="DIR",
                   help="append every line read to a signed, hash-chained archive in DIR")
    p.add_argument("--archive-key", type=Path, metavar="FILE",
                   help="Ed25519 private key (PEM) for the archive; created when missing "
                        "(default: ~/.config/meshward/archive.key)")
    p.add_argument("--sink", action="append", default=[], metavar="URL",
                   help="also deliver each alert to URL: stdout, syslog+udp://H:P, "
                        "syslog+tcp://H:P, http(s)://... (Alertmanager webhook), "
                        "alertmanager+http://H:P, splunk+https://H:P?token=T, "
                        "ecs+http://H:P/INDEX/_doc; repeatable")
    p.add_argument("--test-alerts", action="store_true",
                   help="send one synthetic alert through every --sink, report which "
                        "delivered, exit 1 on any failure")
    p.add_argument("--state", type=Path, metavar="FILE",
                   help="learned baselines (external destinations, volume per edge), "
                        "read and rewritten")
    p.add_argument("--auth-failures", type=int, default=Thresholds.auth_failures, metavar="N",
                   help="authentication failures that make a burst (default: 20)")
    p.add_argument("--auth-window", type=float, default=Thresholds.auth_window_s, metavar="S",
                   help="seconds a burst must fit in (default: 60)")
    add_output_options(p)
    for action in p._actions:
        if action.dest == "format" and action.choices is not None:
            action.choices = [*action.choices, "jsonl"]
            action.help = "output format (default: text; jsonl streams one alert per line)"
    p.set_defaults(func=run)


def parse_since(text: str, now: dt.datetime | None = None) -> float:
    now = now or dt.datetime.now(dt.UTC)
    m = _RELATIVE.match(text.strip())
    if m:
        return now.timestamp() - int(m.group(1)) * _UNIT[m.group(2)]
    try:
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text!r}: not a time",
                         "give an ISO date or time (2026-12-01T10:00Z) or 15m, 2h, 7d") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def _sinks(urls: list[str]) -> list[Sink]:
    return [open_sink(u) for u in urls]


def _test_alerts(args: argparse.Namespace) -> int:
    sinks = _sinks(args.sink)
    if not sinks:
        raise UsageError("--test-alerts needs at least one --sink URL")
    failed = 0
    for d in send_test_alerts(sinks):
        print(f"{'ok  ' if d.ok else 'FAIL'} {d.sink}: {d.detail}")
        failed += not d.ok
    print(f"{len(sinks) - failed} of {len(sinks)} sink(s) delivered the test alert")
    return EXIT_FINDINGS if failed else EXIT_OK


class _Stop:
    """SIGINT/SIGTERM: a follow loop stops at its next poll; a blocking read (stdin) is
    interrupted. Either way what was read is reported, archived and sealed."""

    def __init__(self, interrupt: bool) -> None:
        self.stopping = False
        self.interrupt = interrupt

    def __call__(self) -> bool:
        return self.stopping

    def set(self, *_args: object) -> None:
        self.stopping = True
        if self.interrupt:
            raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    if args.test_alerts:
        return _test_alerts(args)
    if not args.paths:
        raise UsageError("give PATH (the deployment files of the fleet) before --logs")
    if not args.logs:
        raise UsageError("give the logs to watch with --logs FILE_OR_DIR (or --logs - for stdin)")
    if args.auth_failures < 2 or args.auth_window <= 0:
        raise UsageError("--auth-failures must be at least 2 and --auth-window positive")
    config = config_for(args, args.paths[0])
    fail_on = threshold(args, config)
    opts = WatchOptions(logs=args.logs, follow=args.follow,
                        since=parse_since(args.since) if args.since else None,
                        state=args.state, archive=args.archive, archive_key=args.archive_key,
                        thresholds=Thresholds(auth_failures=args.auth_failures,
                                              auth_window_s=args.auth_window))
    sinks = _sinks(args.sink)
    stream: TextIO | None = None
    on_finding = None
    if args.format == "jsonl":
        try:
            stream = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        jsonl = StreamSink("jsonl", stream)
        on_finding = jsonl.send
    if args.follow and "-" in args.logs and len(args.logs) > 1:
        raise UsageError("--follow reads either stdin (--logs -) or files, not both",
                         "stdin is read as a stream until it ends")
    stop = _Stop(interrupt=not args.follow or args.logs == ["-"])
    previous = {s: signal.signal(s, stop.set) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        scan = build_context(args.paths, config)
        prints: set[str] = set()
        baseline_errors: list[Any] = []
        if args.baseline:
            prints, baseline_errors = read_baseline(Path(args.baseline))
        judge = suppression(config, scan.today, prints)
        result = watch(scan, opts, sinks, on_finding, stop, judge)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if stream is not None and stream is not sys.stdout:
            stream.close()
    errors: list[Any] = [*scan.config.errors, *scan.inventory.errors, *result.errors,
                         *baseline_errors]
    findings: list[Finding] = result.findings
    if args.format == "jsonl":
        for note in result.notices:
            print(f"meshward: {note}", file=sys.stderr)
        for e in errors:
            print(f"meshward: input error: {e.render()}", file=sys.stderr)
        if errors:
            return EXIT_ERROR
        active = [f for f in findings if not f.suppressed_by]
        return EXIT_FINDINGS if any(f.severity >= fail_on for f in active) else EXIT_OK
    report = Report(command="watch", root=str(args.paths[0]), findings=findings,
                    # a detector given no event of its kind is no pass for its practices
                    rules=tuple(i.as_rule() for i in all_infos() if i.id in result.ran),
                    errors=errors,
                    notices=[*scan.inventory.notices, *result.notices], files_read=result.files,
                    services=len(scan.inventory.services), show_suppressed=args.show_suppressed,
                    duration_s=result.duration_s)
    return emit(args, report, fail_on)
