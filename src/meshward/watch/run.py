"""Run a watch: inventory and graph from PATH, lines from the logs, alerts to the sinks."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from meshward.checks.context import ScanContext
from meshward.config import Config
from meshward.errors import InputError, UsageError
from meshward.findings.finding import Confidence, Finding, Mode, Severity
from meshward.model.source import Location
from meshward.watch.archive import ArchiveWriter
from meshward.watch.context import Thresholds, WatchContext
from meshward.watch.detectors import all_detectors
from meshward.watch.detectors.interface import DetectorInfo
from meshward.watch.engine import Watcher
from meshward.watch.event import ACCESS, AUDIT, RUNTIME
from meshward.watch.reader import RawLine, expand, follow, read_all
from meshward.watch.sinks.interface import Delivery, Sink, SinkError
from meshward.watch.state import State

SEAL_EVERY_S = 60.0


@dataclass
class WatchOptions:
    logs: list[str]
    follow: bool = False
    since: float | None = None
    state: Path | None = None
    archive: Path | None = None
    archive_key: Path | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)


Judge = Callable[[Finding], Finding | None]


def suppression(config: Config, today: dt.date, baseline: set[str]) -> Judge:
    """What becomes of an alert: dropped (rule disabled), kept but suppressed (a config
    ``ignore`` or a baseline fingerprint; not sent to sinks), or kept as it is. Comments in
    the log file are not looked for: the file is not ours and may be huge."""

    def judge(f: Finding) -> Finding | None:
        if f.rule_id.upper() in config.disabled_rules:
            return None
        resource = str(f.resource) if f.resource else ""
        for ig in config.ignores:
            if ig.matches(f.rule_id, f.location.path, resource, f.service or "") and not (
                    ig.expired(today)):
                return replace(f, suppressed_by=f"config {ig.source}:{ig.line} ({ig.reason})")
        if f.fingerprint in baseline:
            return replace(f, suppressed_by="baseline")
        return f

    return judge


@dataclass
class WatchResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    duration_s: float = 0.0
    ran: tuple[str, ...] = ()  # detectors that were given events of their kind


_KIND_NAMES = {ACCESS: "access-log (Envoy, Istio, Linkerd, nginx)",
               AUDIT: "Kubernetes audit", RUNTIME: "Falco"}


def _not_run(infos: list[DetectorInfo], kinds: Counter[str]) -> tuple[tuple[str, ...], list[str]]:
    """The detectors that saw events of their kind, and a notice per kind no line gave."""
    ran = tuple(i.id for i in infos if any(kinds[k] for k in i.kinds))
    notices = []
    for kind, name in _KIND_NAMES.items():
        idle = [i.id for i in infos if kind in i.kinds and i.id not in ran]
        if idle:
            notices.append(f"not run: {', '.join(idle)}: no {name} event in the logs read")
    return ran, notices


def watch(scan: ScanContext, opts: WatchOptions, sinks: list[Sink],
          on_finding: Callable[[Finding], None] | None = None,
          stop: Callable[[], bool] = lambda: False, judge: Judge | None = None) -> WatchResult:
    started = time.perf_counter()
    result = WatchResult()
    state = State.load(opts.state)
    if state.problem:
        result.notices.append(state.problem)
    ctx = WatchContext.build(scan, state, opts.thresholds)
    sink_failures: dict[str, int] = {}

    kept: list[Finding] = []

    def deliver(found: Finding) -> None:
        f = judge(found) if judge is not None else found
        if f is None:
            return
        kept.append(f)
        if f.suppressed_by:
            return
        if on_finding is not None:
            on_finding(f)
        for sink in sinks:
            try:
                sink.send(f)
            except SinkError as exc:
                if sink.label not in sink_failures:
                    result.notices.append(f"alert not delivered: {exc.render()}")
                sink_failures[sink.label] = sink_failures.get(sink.label, 0) + 1

    watcher = Watcher(ctx, all_detectors(), deliver, since=opts.since)
    try:
        archive = ArchiveWriter(opts.archive, opts.archive_key) if opts.archive else None
    except OSError as exc:
        raise UsageError(f"archive {opts.archive}: {exc.strerror} ({exc.filename})",
                         "give an --archive folder and an --archive-key path this user can "
                         "write") from None
    if archive is not None:
        result.notices.extend(archive.messages)
    files, missing = expand(opts.logs)
    result.files = len(files)
    for path in missing:
        result.errors.append(InputError(path, 0, "no such log file or folder",
                                        "give files, folders or - for stdin with --logs"))

    def read_error(path: str, why: str) -> None:
        result.errors.append(InputError(path, 0, f"cannot read: {why}"))

    on_chunk = archive.add if archive is not None else None
    last_seal = time.monotonic()

    def tick() -> bool:
        nonlocal last_seal
        if archive is not None and time.monotonic() - last_seal > SEAL_EVERY_S:
            archive.seal()
            last_seal = time.monotonic()
        return stop()

    lines: Iterator[RawLine]
    if opts.follow and files != ["-"]:
        lines = follow(files, tick, on_chunk, on_error=read_error)
    else:
        lines = read_all(files, on_chunk, on_error=read_error)
    try:
        for raw in lines:
            watcher.feed(raw)
    except KeyboardInterrupt:
        result.notices.append("stopped by a signal before the end of the input; what was "
                              "read is reported and archived")
    finally:
        watcher.finish()
        if archive is not None:
            archive.close()
            result.notices.append(f"archive {opts.archive}: {archive.sealed_segments} segment(s) "
                                  "sealed this run")
        state.save()
        for sink in sinks:
            sink.close()
    for label, n in sink_failures.items():
        result.notices.append(f"{n} alert(s) not delivered to {label}")
    result.findings = kept
    result.ran, idle = _not_run([d.info for d in watcher.detectors], watcher.stats.kinds)
    result.notices = watcher.notices() + idle + result.notices
    result.lines = watcher.stats.lines
    result.duration_s = time.perf_counter() - started
    return result


def test_alert() -> tuple[Finding, str]:
    """A synthetic alert with a unique marker, to prove each sink delivers."""
    marker = f"meshward-test-{uuid.uuid4().hex[:16]}"
    f = Finding(rule_id="MWW-TEST", title="meshward test alert", severity=Severity.INFO,
                confidence=Confidence.HIGH, practices=("LOG-ANOMALY",),
                message=f"test alert {marker}: if you read this, alerts from meshward watch "
                        "reach this destination", location=Location("<meshward>"),
                mode=Mode.WATCH, key=marker, evidence=marker)
    return f.with_fingerprint(), marker


def send_test_alerts(sinks: list[Sink], timeout: float = 10.0) -> list[Delivery]:
    finding, marker = test_alert()
    out: list[Delivery] = []
    for sink in sinks:
        try:
            sink.send(finding)
        except SinkError as exc:
            # the error names the sink already, and the report line starts with it
            out.append(Delivery(sink.label, False, exc.render().removeprefix(f"{sink.label}: ")))
            continue
        out.append(sink.confirm(marker, timeout))
    for sink in sinks:
        sink.close()
    return out
