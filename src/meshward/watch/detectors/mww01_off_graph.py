"""MWW01: a call between two services on no edge of the graph, and allowed by no policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meshward.findings.finding import Severity
from meshward.model.graph import EXTERNAL
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import ACCESS, LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW01",
    title="Call on no edge of the service graph",
    severity=Severity.HIGH,
    practices=("LOG-ANOMALY", "ENV-PRIVATE"),
    inputs=("envoy", "envoy-json", "linkerd", "linkerd-json", "ingress-nginx"),
    kinds=(ACCESS,),
    rationale=(
        "meshward knows who may call whom: the edges of the service graph (from configuration "
        "that names another service, compose links, ingress routes) and the pairs the "
        "NetworkPolicies or mesh policies allow. A call between two services on none of "
        "them is either an undeclared dependency or someone moving sideways with a stolen "
        "foothold. Only meshward can say it, because only it has the graph."
    ),
    remediation=(
        "Find out who made the call (identity and source address are in the alert). If the "
        "dependency is real, declare it (the configuration that names the callee) and let "
        "`meshward policy` allow it; otherwise block it with a deny-by-default policy and "
        "investigate the caller."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
    example_fires='[2026-12-01T10:00:00.000Z] "GET /v1/charge HTTP/1.1" 200 ... '
                  "outbound|9000||payments.shop.svc.cluster.local ... (worker never calls "
                  "payments in the graph)",
    example_silent='... outbound|9000||orders.shop.svc.cluster.local ... (web -> orders is an edge)',
)


class Detect(Detector):
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if ev.kind != ACCESS:
            return []
        src_svc, dst_svc = ctx.services(ev)
        if src_svc is None:
            ctx.identities.count_unmapped(
                f"caller {ev.src_id or ev.src_addr or f'(not in the {ev.fmt} line)'}")
            return []
        if dst_svc is None:
            ctx.identities.count_unmapped(
                f"callee {ev.dst_host or ev.dst_addr or f'(not in the {ev.fmt} line)'}")
            return []
        if src_svc == dst_svc or dst_svc == EXTERNAL or (src_svc, dst_svc) in ctx.allowed:
            return []
        src, dst = ctx.call(ev)
        denied = ev.status in (401, 403)
        who = "the outside" if src.service == EXTERNAL else src.service
        outcome = f"answered {ev.status}" if ev.status else "no status"
        return [Alert(
            f"{who} called {dst.service} ({ev.method} {ev.uri}; {outcome}), but the graph has "
            f"no edge {src.service} -> {dst.service} and no policy allows it",
            ev, key=f"{src.service}->{dst.service}", service=dst.service,
            identity=src.identity, source=src.address,
            severity=Severity.MEDIUM if denied else None,
            extra=[("caller", src_svc), ("callee", dst_svc)])]
