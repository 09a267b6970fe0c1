"""What every detector sees: the model, the identity map, learned state, thresholds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from meshward.checks.context import ScanContext
from meshward.model.graph import EXTERNAL
from meshward.model.source import as_map, as_seq
from meshward.watch.event import LogEvent
from meshward.watch.identity import IdentityMap, Party, parse_identity
from meshward.watch.state import State


@dataclass
class Thresholds:
    """Tunable numbers of the detectors (documented in docs/watch.md)."""

    auth_failures: int = 20  # 401/403 from one source or to one service ...
    auth_window_s: float = 60.0  # ... within this many seconds
    bucket_s: float = 60.0  # volume buckets
    ewma_alpha: float = 0.2
    z_limit: float = 4.0
    warmup_buckets: int = 10
    min_calls: int = 20  # a bucket under this is never "far above" anything


@dataclass
class WatchContext:
    scan: ScanContext
    identities: IdentityMap
    state: State = field(default_factory=State)
    thresholds: Thresholds = field(default_factory=Thresholds)
    today: dt.date = field(default_factory=dt.date.today)
    owners: dict[str, str] = field(default_factory=dict)
    secret_users: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    allowed: set[tuple[str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # what detectors tell the user at the end
    _calls: dict[tuple[str, ...], tuple[str | None, str | None]] = field(default_factory=dict)

    @classmethod
    def build(cls, scan: ScanContext, state: State | None = None,
              thresholds: Thresholds | None = None) -> WatchContext:
        ctx = cls(scan=scan, identities=IdentityMap.build(scan.inventory),
                  state=state or State(), thresholds=thresholds or Thresholds(), today=scan.today)
        ctx.owners = _owners(scan)
        ctx.secret_users = _secret_users(scan)
        ctx.allowed = set(scan.graph.edges) | {(s, t) for s, t, _ in scan.graph.unused_allowed}
        return ctx

    def owner(self, service: str | None) -> str:
        return self.owners.get(service or "", "")

    def services(self, ev: LogEvent) -> tuple[str | None, str | None]:
        """(caller, callee) services of an access event; ``None`` where unmapped.

        Cached by what decides the answer (addresses without their ephemeral ports), so a
        million lines between a few hundred pairs cost a few hundred lookups.
        """
        found = ev.pair
        if found is not None:
            return found
        key = (ev.src_id, _host_part(ev.src_addr), ev.dst_host, _host_part(ev.dst_addr),
               ev.reporter, ev.namespace, ev.direction, ev.fmt)
        found = self._calls.get(key)
        if found is None:
            found = (self._source(ev), self._target(ev))
            if len(self._calls) > 200_000:
                self._calls.clear()
            self._calls[key] = found
        ev.pair = found
        return found

    def call(self, ev: LogEvent) -> tuple[Party, Party]:
        """(caller, callee) with what the line said about each: identity and address."""
        src, dst = self.services(ev)
        return (Party(src, ev.src_id, ev.src_addr),
                Party(dst, "", ev.dst_host or ev.dst_addr))

    def _source(self, ev: LogEvent) -> str | None:
        ids = self.identities
        if ev.src_id:
            services, _account = ids.identity_services(ev.src_id)
            if services:
                return services[0]
        if ev.direction == "outbound" and ev.reporter:
            svc = ids.pod_service(ev.namespace, ev.reporter)
            if svc:
                return svc
        svc = ids.host(ev.src_addr)
        if svc is None and ev.fmt.endswith("ingress-nginx"):
            svc = EXTERNAL  # the ingress controller is the edge: its callers come from outside
        return svc

    def _target(self, ev: LogEvent) -> str | None:
        ids = self.identities
        if ev.direction == "inbound" and ev.reporter:
            svc = ids.pod_service(ev.namespace, ev.reporter)
            if svc:
                return svc
        return ids.host(ev.dst_host) or ids.host(ev.dst_addr)


def _host_part(address: str) -> str:
    """``10.1.2.3:4567`` -> ``10.1.2.3``; anything else as it is."""
    head, sep, port = address.rpartition(":")
    return head if sep and port.isdigit() and "]" not in port else address


def _owners(scan: ScanContext) -> dict[str, str]:
    from meshward.checks.rules.catalog_common import entries_by_service

    out: dict[str, str] = {}
    for name, entry in entries_by_service(scan).items():
        owner = entry.spec.get("owner")
        if isinstance(owner, str) and owner:
            out[name] = owner
    for name, svc in scan.inventory.services.items():
        if name not in out and svc.owners:
            out[name] = sorted(svc.owners.items())[0][1]
    return out


def _secret_users(scan: ScanContext) -> dict[tuple[str, str], set[str]]:
    """(namespace, Secret) -> the service accounts (``ns/sa``) of the workloads using it."""
    out: dict[tuple[str, str], set[str]] = {}
    for w in scan.inventory.workloads:
        names: set[str] = set()
        spec = w.pod_spec
        for vol in as_seq(spec.get("volumes")):
            v = as_map(vol)
            name = as_map(v.get("secret")).get("secretName")
            if isinstance(name, str):
                names.add(name)
            for src in as_seq(as_map(v.get("projected")).get("sources")):
                name = as_map(as_map(src).get("secret")).get("name")
                if isinstance(name, str):
                    names.add(name)
        for c in w.containers:
            names.update(e.ref_name for e in c.env if e.source == "secretKeyRef" and e.ref_name)
            for ef in as_seq(c.body.get("envFrom")):
                name = as_map(as_map(ef).get("secretRef")).get("name")
                if isinstance(name, str):
                    names.add(name)
        for name in names:
            out.setdefault((w.namespace, name), set()).add(f"{w.namespace}/{w.service_account}")
    return out


__all__ = ["Party", "Thresholds", "WatchContext", "parse_identity"]
