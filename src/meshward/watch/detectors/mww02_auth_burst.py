"""MWW02: a burst of authentication failures (401/403) from one source or against one service."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import TYPE_CHECKING

from meshward.findings.finding import Severity
from meshward.model.graph import EXTERNAL
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import ACCESS, LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW02",
    title="Burst of authentication failures",
    severity=Severity.HIGH,
    practices=("LOG-ANOMALY", "AUTH-ZEROTRUST"),
    inputs=("envoy", "envoy-json", "linkerd", "linkerd-json", "nginx", "ingress-nginx"),
    kinds=(ACCESS,),
    rationale=(
        "Many 401/403 answers in a short time from one caller are credential stuffing, token "
        "guessing or a compromised workload probing what else it may reach; many against one "
        "service are an attack on it. One failure is noise; a burst is a signal."
    ),
    remediation=(
        "Look at the source and identity in the alert: block or rate-limit the source at the "
        "edge, rotate the credentials it may hold, and check what it reached before the burst. "
        "Tune the threshold with --auth-failures and --auth-window."
    ),
    references=("https://owasp.org/www-community/attacks/Credential_stuffing",),
    example_fires="20 lines answered 401 from 203.0.113.7 within 60 seconds",
    example_silent="19 lines answered 401 from one source within 60 seconds, or 20 over an hour",
)
MAX_KEYS = 50_000


class Detect(Detector):
    def __init__(self, info: DetectorInfo) -> None:
        super().__init__(info)
        self.recent: OrderedDict[str, deque[float]] = OrderedDict()
        self.quiet_until: dict[str, float] = {}
        self.clock = 0.0

    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if ev.kind != ACCESS or ev.status not in (401, 403):
            return []
        t = ctx.thresholds
        # Lines without a time advance a clock of their own, one second per failure.
        now = ev.ts if ev.ts is not None else self.clock + 1.0
        self.clock = max(self.clock, now)
        src, dst = ctx.call(ev)
        address = src.address.rsplit(":", 1)[0] if src.address.count(":") == 1 else src.address
        source = src.service if src.service and src.service != EXTERNAL else address or "-"
        target = dst.service or dst.address or "-"
        out: list[Alert] = []
        for key, what in ((f"from {source}", "source"), (f"against {target}", "target")):
            q = self.recent.get(key)
            if q is None:
                q = self.recent[key] = deque(maxlen=t.auth_failures)
                if len(self.recent) > MAX_KEYS:
                    self.recent.popitem(last=False)
            q.append(now)
            if len(q) < t.auth_failures or q[-1] - q[0] > t.auth_window_s:
                continue
            if now < self.quiet_until.get(key, float("-inf")):
                continue
            if len(self.quiet_until) > MAX_KEYS:
                self.quiet_until.clear()
            self.quiet_until[key] = now + t.auth_window_s * 10
            span = max(q[-1] - q[0], 0.0)
            out.append(Alert(
                f"{len(q)} authentication failures {key} within {span:.0f}s "
                f"(threshold {t.auth_failures} in {t.auth_window_s:.0f}s); last: "
                f"{ev.method} {ev.uri} -> {ev.status}",
                ev, key=f"{key}@{int(q[0])}",
                service=dst.service if what == "target" or src.service in (None, EXTERNAL)
                else src.service,
                identity=src.identity, source=src.address,
                extra=[("burst", what), ("failures", str(len(q)))]))
        return out
