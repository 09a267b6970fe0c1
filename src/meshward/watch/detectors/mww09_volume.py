"""MWW09: calls per edge far above the edge's learned baseline (EWMA and z-score)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from meshward.findings.finding import Confidence, Severity
from meshward.model.graph import EXTERNAL
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import ACCESS, LogEvent
from meshward.watch.state import Baseline

if TYPE_CHECKING:
    from meshward.watch.context import Thresholds, WatchContext

INFO = DetectorInfo(
    id="MWW09",
    title="Traffic on an edge far above its baseline",
    severity=Severity.MEDIUM,
    practices=("LOG-ANOMALY",),
    inputs=("envoy", "envoy-json", "linkerd", "linkerd-json", "ingress-nginx"),
    kinds=(ACCESS,),
    confidence=Confidence.MEDIUM,
    rationale=(
        "Scraping, enumeration and data theft show up as many more calls than an edge "
        "usually carries. Calls are counted per edge (caller -> callee) in time buckets "
        "(60 s); each edge keeps an exponentially weighted mean and variance of its counts "
        "(alpha 0.2) in the state file. A bucket is an anomaly when its z-score, (count - "
        "mean) / max(std, 1), exceeds 4 after 10 buckets of learning and the count is at "
        "least 20. The numbers are in the alert, so it can be checked by hand."
    ),
    remediation=(
        "See which caller drives the surge (identity and source are in the alert) and what "
        "it requested; rate-limit the edge; if the new level is normal, the baseline adapts "
        "within a few buckets."
    ),
    references=("https://en.wikipedia.org/wiki/EWMA_chart",),
    example_fires="worker -> orders: 400 calls in a minute, baseline mean 50, std 5",
    example_silent="worker -> orders: 55 calls in a minute, baseline mean 50, std 5",
)
MAX_EDGES = 100_000
MAX_GAP_UPDATES = 3  # buckets with no call at all, folded in after a quiet gap


def update(b: Baseline, x: float, alpha: float) -> None:
    """One EWMA step of mean and variance (West's incremental form)."""
    if b.n == 0:
        b.mean, b.var = x, 0.0
    else:
        diff = x - b.mean
        incr = alpha * diff
        b.mean += incr
        b.var = (1 - alpha) * (b.var + diff * incr)
    b.n += 1


def zscore(b: Baseline, x: float) -> float:
    return (x - b.mean) / max(math.sqrt(b.var), 1.0)


class Detect(Detector):
    def __init__(self, info: DetectorInfo) -> None:
        super().__init__(info)
        self.bucket: int | None = None
        self.counts: dict[str, int] = {}
        self.last: dict[str, LogEvent] = {}

    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if ev.ts is None:
            return []
        src, dst = ctx.services(ev)
        if src is None or dst is None or src == dst or EXTERNAL in (src, dst):
            return []
        t = ctx.thresholds
        bucket = int(ev.ts // t.bucket_s)
        out: list[Alert] = []
        if self.bucket is None:
            self.bucket = bucket
        elif bucket > self.bucket:
            out = self._close(ctx, t, update_baseline=True)
            gap = min(bucket - self.bucket - 1, MAX_GAP_UPDATES)
            for _ in range(gap):
                for b in ctx.state.volume.values():
                    update(b, 0.0, t.ewma_alpha)
            self.bucket = bucket
        edge = f"{src}->{dst}"
        if edge in self.counts or len(self.counts) < MAX_EDGES:
            self.counts[edge] = self.counts.get(edge, 0) + 1
            self.last[edge] = ev
        return out

    def _close(self, ctx: WatchContext, t: Thresholds, update_baseline: bool) -> list[Alert]:
        out: list[Alert] = []
        volume = ctx.state.volume
        for edge in set(self.counts) | (set(volume) if update_baseline else set()):
            x = self.counts.get(edge, 0)
            b = volume.get(edge)
            if b is None:
                if len(volume) >= MAX_EDGES:
                    continue
                b = volume[edge] = Baseline()
            z = zscore(b, x)
            if b.n >= t.warmup_buckets and x >= t.min_calls and z > t.z_limit:
                ev = self.last[edge]
                src, _, dst = edge.partition("->")
                out.append(Alert(
                    f"{edge}: {x} calls in {t.bucket_s:.0f}s, baseline mean {b.mean:.1f}, "
                    f"std {math.sqrt(b.var):.1f} over {b.n} buckets: z-score {z:.1f} "
                    f"(limit {t.z_limit:.1f})", ev, key=f"{edge}@{self.bucket}", service=dst,
                    identity=ev.src_id, source=ev.src_addr,
                    extra=[("caller", src), ("callee", dst), ("calls", str(x)),
                           ("mean", f"{b.mean:.2f}"), ("z", f"{z:.2f}")]))
            if update_baseline:
                update(b, float(x), t.ewma_alpha)
        self.counts.clear()
        self.last.clear()
        return out

    def finish(self, ctx: WatchContext) -> list[Alert]:
        # The last bucket is cut short by the end of the input: judged, not learned from.
        return self._close(ctx, ctx.thresholds, update_baseline=False) if self.counts else []
