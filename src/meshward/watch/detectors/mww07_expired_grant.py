"""MWW07: a grant used after its ``meshward.io/expires`` date (audit log)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from meshward.findings.finding import Confidence, Severity
from meshward.watch.detectors.audit_common import allowed, completed
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import AUDIT, LogEvent
from meshward.zerotrust.rbac import EXPIRES, Binding, parse_expiry, resolve

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW07",
    title="Temporary grant used after it expired",
    severity=Severity.HIGH,
    practices=("ENV-GRANTS", "LOG-ANOMALY"),
    inputs=("k8s-audit",),
    kinds=(AUDIT,),
    rationale=(
        "A binding annotated `meshward.io/expires` is a temporary grant. `meshward scan` "
        "(MW808) says it should have been revoked; this says it was still used. The API "
        "server names the binding that allowed each request (authorization.k8s.io/reason), "
        "so the alert is exact; without that annotation a request by a subject of an "
        "expired binding is reported with medium confidence."
    ),
    remediation=(
        "Delete the binding now; ask the person named what they did with it after the date; "
        "make expiry automatic (a controller or a CI job running `meshward scan --select MW808`)."
    ),
    references=("https://kubernetes.io/docs/reference/access-authn-authz/rbac/",),
    example_fires='"annotations":{"authorization.k8s.io/reason":"RBAC: allowed by RoleBinding '
                  '\\"oncall-debug/shop\\" of ClusterRole \\"edit\\" to User \\"alice@example.com\\""}'
                  " on 2026-12-01, binding expired 2026-11-01",
    example_silent="the same request on 2026-10-15, before the expiry date",
)
_REASON = re.compile(r'allowed by (RoleBinding|ClusterRoleBinding) "([^"]+)"')


def _key(kind: str, namespace: str, name: str) -> tuple[str, str, str]:
    return kind, "" if kind == "ClusterRoleBinding" else namespace, name


class Detect(Detector):
    def __init__(self, info: DetectorInfo) -> None:
        super().__init__(info)
        self.expired: dict[tuple[str, str, str], tuple[dt.date, Binding]] | None = None
        self.by_subject: dict[str, list[tuple[dt.date, Binding]]] = {}

    def _load(self, ctx: WatchContext) -> dict[tuple[str, str, str], tuple[dt.date, Binding]]:
        if self.expired is None:
            self.expired = {}
            for b in resolve(ctx.scan.inventory).bindings:
                date = parse_expiry(b.obj.annotations.get(EXPIRES, ""))
                if date is None:
                    continue
                self.expired[_key(b.kind, b.obj.namespace, b.obj.name)] = (date, b)
                for subject, _line in b.subjects:
                    name = (f"system:serviceaccount:{subject.namespace}:{subject.name}"
                            if subject.is_service_account else subject.name)
                    self.by_subject.setdefault(name, []).append((date, b))
        return self.expired

    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        expired = self._load(ctx)
        if not expired or ev.ts is None or not completed(ev) or not allowed(ev):
            return []
        day = dt.datetime.fromtimestamp(ev.ts, dt.UTC).date()
        m = _REASON.search(ev.reason)
        if m:
            kind, ref = m.groups()
            name, _, ns = ref.partition("/")
            found = expired.get(_key(kind, ns, name))
            if found is None or day <= found[0]:
                return []
            return [self._alert(ev, found, day, Confidence.HIGH, "allowed by")]
        if ev.reason:
            return []  # another binding allowed it
        for who in (ev.user, *ev.groups):
            for date, b in self.by_subject.get(who, ()):
                if day > date:
                    return [self._alert(ev, (date, b), day, Confidence.MEDIUM,
                                        "made by a subject of")]
        return []

    def _alert(self, ev: LogEvent, found: tuple[dt.date, Binding], day: dt.date,
               confidence: Confidence, how: str) -> Alert:
        date, b = found
        what = f"{ev.verb} {ev.resource}{'/' + ev.subresource if ev.subresource else ''}"
        target = f" {ev.namespace}/{ev.name}" if ev.name else ""
        return Alert(
            f"{ev.user} did {what}{target} on {day.isoformat()}, {how} {b.label} "
            f"({b.role_kind} {b.role_name}), which expired on {date.isoformat()}",
            ev, key=f"{b.label}|{ev.user}", identity=ev.user, source=ev.src_addr,
            resource=b.obj.ref, confidence=confidence,
            extra=[("binding", b.label), ("expired", date.isoformat())])
