"""MWW08: a call to an external destination never seen before (learned in the state file)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from meshward.findings.finding import Severity
from meshward.model.graph import EXTERNAL
from meshward.model.source import as_map, as_seq
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import ACCESS, LogEvent
from meshward.watch.identity import is_public

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW08",
    title="New external destination",
    severity=Severity.MEDIUM,
    practices=("LOG-ANOMALY", "ENV-PRIVATE"),
    inputs=("envoy", "envoy-json"),
    kinds=(ACCESS,),
    rationale=(
        "Exfiltration and command-and-control need a way out. A service that starts calling "
        "a host outside the fleet that neither its configuration nor any earlier run has "
        "shown is worth a look. Destinations named in the deployment files (URLs in the "
        "environment, Istio ServiceEntries) and those seen before (the state file) are known."
    ),
    remediation=(
        "Check which service called the host and why. If it is a new legitimate dependency, "
        "declare it (a ServiceEntry with REGISTRY_ONLY outbound traffic policy); otherwise "
        "block egress and investigate the caller."
    ),
    references=("https://istio.io/latest/docs/tasks/traffic-management/egress/",),
    example_fires='... "api.exfil.example.net:443" ... PassthroughCluster (not in the state file)',
    example_silent="the same call to a host recorded in the state file or named in a manifest",
)
_INTERNAL_SUFFIXES = (".local", ".svc", ".internal", ".cluster", ".localdomain")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"]+")


def external_host(host: str) -> str:
    """The host part when ``host`` names a place outside the fleet, else ``""``."""
    name = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    if not name or "." not in name or name.endswith(_INTERNAL_SUFFIXES):
        return ""
    if name.replace(".", "").isdigit():
        return name if is_public(name) else ""
    return name


def declared_hosts(ctx: WatchContext) -> set[str]:
    out: set[str] = set()
    for svc in ctx.scan.inventory.services.values():
        for env in svc.env:
            for url in _URL.findall(env.value or ""):
                host = external_host(urlsplit(url).netloc.rsplit("@", 1)[-1])
                if host:
                    out.add(host)
    for obj in ctx.scan.inventory.by_kind("ServiceEntry"):
        out.update(h.lower() for h in as_seq(as_map(obj.body.get("spec")).get("hosts"))
                   if isinstance(h, str))
    return out


class Detect(Detector):
    def __init__(self, info: DetectorInfo) -> None:
        super().__init__(info)
        self.declared: set[str] | None = None
        self.learned = 0

    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if ev.direction == "inbound":
            return []
        src, dst = ctx.services(ev)
        if dst is not None and dst != EXTERNAL:
            return []
        host = external_host(ev.dst_host or ev.dst_addr)
        if not host or host in ctx.state.external:
            return []
        if self.declared is None:
            self.declared = declared_hosts(ctx)
        stamp = (dt.datetime.fromtimestamp(ev.ts, dt.UTC).isoformat()
                 if ev.ts is not None else "")
        ctx.state.external[host] = stamp
        if host in self.declared:
            return []
        if not ctx.state.existed:
            self.learned += 1
            return []
        who = src if src and src != EXTERNAL else (ev.src_addr or "an unknown caller")
        return [Alert(f"{who} called {host}, an external destination not seen before and "
                      f"not declared in the deployment files ({ev.method} {ev.uri} -> "
                      f"{ev.status or 'no status'})", ev, key=host, service=src,
                      identity=ev.src_id, source=ev.src_addr, extra=[("destination", host)])]

    def finish(self, ctx: WatchContext) -> list[Alert]:
        if self.learned:
            ctx.notes.append(f"MWW08 learned {self.learned} external destination(s) into the "
                             "state file; alerts on new ones start with the next run"
                             if ctx.state.path else
                             f"MWW08 saw {self.learned} external destination(s) but has no "
                             "--state file to learn them into: it alerts only with one")
        return []
