"""The watch loop: raw lines -> archive -> recognised events -> detectors -> findings.

Bad lines (binary, truncated, unknown formats, clock skew, huge) are counted per file
and category and named in notices with the file:line of the first one; the rest goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from meshward.findings.finding import Finding
from meshward.watch.context import WatchContext
from meshward.watch.detectors.interface import Alert, Detector, to_finding
from meshward.watch.logs.detect import Recognizer
from meshward.watch.reader import RawLine
from meshward.watch.redact import redact_line

BINARY, HUGE, SKEW = "binary garbage", "huge line", "clock skew"
SKEW_AHEAD_S = 300.0  # a time this far past the wall clock is skewed
SKEW_BACK_S = 3600.0  # a time this far before the previous line of its file is skewed
MAX_ALERT_KEYS = 100_000
HINTS = {
    BINARY: "not text: a binary file among the logs, or a corrupted one",
    HUGE: "longer than 256 KiB; not parsed, the archive keeps it whole",
    SKEW: "its time is far from the wall clock or goes back in its file; check NTP on the writer",
    "truncated or malformed": "the line stops early or is not valid for its format",
    "unknown format": "not a format meshward reads (see docs/watch.md for the list)",
}


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class Problem:
    path: str
    line: int
    count: int = 0


@dataclass
class WatchStats:
    lines: int = 0
    events: int = 0
    by_format: Counter[str] = field(default_factory=Counter)
    problems: dict[tuple[str, str], Problem] = field(default_factory=dict)
    repeats: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # events given to detectors, by kind


class Watcher:
    def __init__(self, ctx: WatchContext, detectors: Iterable[Detector],
                 on_finding: Callable[[Finding], None], since: float | None = None,
                 now: Callable[[], float] = time.time) -> None:
        self.ctx = ctx
        self.detectors = list(detectors)
        self.on_finding = on_finding
        self.since = since
        self.now = now
        self.stats = WatchStats()
        self.recognizer = Recognizer()
        self.seen: dict[tuple[str, str], Finding] = {}
        self.by_kind: dict[str, list[Detector]] = {}
        for det in self.detectors:
            for kind in det.info.kinds:
                self.by_kind.setdefault(kind, []).append(det)
        self._floor: dict[str, float] = {}  # per file: the newest time seen, less SKEW_BACK_S
        self._horizon = now() + SKEW_AHEAD_S
        self._data = b""

    def problem(self, path: str, line: int, category: str) -> None:
        key = (path, category)
        p = self.stats.problems.get(key)
        if p is None:
            p = self.stats.problems[key] = Problem(path, line)
        p.count += 1

    def feed(self, raw: RawLine) -> None:
        st = self.stats
        st.lines += 1
        data = raw.data
        if raw.huge:
            self.problem(raw.path, raw.line, HUGE)  # archived whole; too long to parse
            return
        if b"\x00" in data:
            self.problem(raw.path, raw.line, BINARY)
            return
        text = ""
        if data[:1] == b"{":
            ev = self.recognizer.parse_json_bytes(data, raw.path)
            if ev is None and not _utf8(data):
                self.problem(raw.path, raw.line, BINARY)
                return
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.problem(raw.path, raw.line, BINARY)
                return
            ev = self.recognizer.parse(text, raw.path)
        if ev is None:
            self.problem(raw.path, raw.line, self.recognizer.problem or "unknown format")
            return
        ev.path, ev.line = raw.path, raw.line
        if text:
            ev.raw = text
        else:
            self._data = data
        st.events += 1
        counts = st.by_format
        counts[ev.fmt] = counts.get(ev.fmt, 0) + 1
        ts = ev.ts
        if ts is not None:
            floor = self._floor.get(raw.path)
            if ts > self._horizon or (floor is not None and ts < floor):
                self._skew(raw, ts, floor)
            if (floor is None or ts - SKEW_BACK_S > floor) and ts <= self._horizon:
                if floor is None and len(self._floor) > 10_000:
                    self._floor.clear()
                self._floor[raw.path] = ts - SKEW_BACK_S
            if self.since is not None and ts < self.since:
                return
        self.stats.kinds[ev.kind] += 1
        for det in self.by_kind.get(ev.kind, ()):
            alerts = det.observe(ev, self.ctx)
            if alerts:
                if not ev.raw:
                    ev.raw = self._data.decode("utf-8", "replace")
                self._emit(det, alerts)

    def _skew(self, raw: RawLine, ts: float, floor: float | None) -> None:
        """A time past the wall clock, or far before the newest time of its file."""
        self._horizon = self.now() + SKEW_AHEAD_S  # the wall clock moves on in --follow
        if ts > self._horizon or (floor is not None and ts < floor):
            self.problem(raw.path, raw.line, SKEW)

    def _emit(self, det: Detector, alerts: list[Alert]) -> None:
        for alert in alerts:
            key = (det.info.id, alert.key)
            if key in self.seen:
                self.stats.repeats[f"{det.info.id} {alert.key}"] += 1
                continue
            if len(self.seen) >= MAX_ALERT_KEYS:
                self.stats.repeats["(alerts past the limit, not reported)"] += 1
                continue
            alert.message = redact_line(alert.message)  # it may quote a URI with a token
            finding = to_finding(det.info, alert, redact_line(alert.event.raw),
                                 self.ctx.owner(alert.service))
            self.seen[key] = finding
            self.on_finding(finding)

    def finish(self) -> None:
        for det in self.detectors:
            alerts = det.finish(self.ctx)
            if alerts:
                self._emit(det, alerts)

    @property
    def findings(self) -> list[Finding]:
        return list(self.seen.values())

    def notices(self) -> list[str]:
        st = self.stats
        out = []
        formats = ", ".join(f"{k} {n}" for k, n in st.by_format.most_common())
        out.append(f"read {st.lines} line(s), {st.events} recognised ({formats or 'none'})")
        for (_path, category), p in sorted(st.problems.items(), key=lambda i: (i[1].path, i[1].line)):
            more = f" ({p.count} such lines in this file)" if p.count > 1 else ""
            out.append(f"{p.path}:{p.line}: {category}{more}: {HINTS.get(category, '')}")
        out.extend(self.ctx.notes)
        unmapped = self.ctx.identities.unmapped_notice()
        if unmapped:
            out.append(unmapped)
        repeated = sum(n for k, n in st.repeats.items())
        if repeated:
            top = ", ".join(f"{k} x{n}" for k, n in st.repeats.most_common(5))
            out.append(f"{repeated} repeated alert(s) counted, not repeated (most: {top})")
        return out
