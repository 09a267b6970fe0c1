"""MWW04: exec, attach or port-forward into a pod (audit log)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from meshward.findings.finding import ResourceRef, Severity
from meshward.watch.detectors.audit_common import allowed, completed
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import AUDIT, LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW04",
    title="Interactive access into a pod (exec, attach, port-forward)",
    severity=Severity.HIGH,
    practices=("LOG-ANOMALY", "AUTH-LEASTPRIV"),
    inputs=("k8s-audit",),
    kinds=(AUDIT,),
    rationale=(
        "`kubectl exec`, `attach` and `port-forward` step around every control of the "
        "service: no gateway, no authorization policy, no request log. In production they "
        "should be rare, named and explained; every one deserves an alert, and a denied one "
        "is someone trying."
    ),
    remediation=(
        "Confirm the access with the person named in the alert; remove `pods/exec`, "
        "`pods/attach` and `pods/portforward` from roles that do not need them, and give "
        "break-glass access through a temporary, expiring binding instead."
    ),
    references=("https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources",),
    example_fires='{"kind":"Event",...,"verb":"create","objectRef":{"resource":"pods",'
                  '"subresource":"exec","name":"web-7d9f8c6b5d-x2x9q",...},"stage":"ResponseStarted"}',
    example_silent='{"kind":"Event",...,"verb":"get","objectRef":{"resource":"pods",'
                   '"name":"web-7d9f8c6b5d-x2x9q"}}',
)
SUBRESOURCES = ("exec", "attach", "portforward")


class Detect(Detector):
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if (ev.kind != AUDIT or ev.resource != "pods" or ev.subresource not in SUBRESOURCES
                or not completed(ev)):
            return []
        service = ctx.identities.pod_service(ev.namespace, ev.name)
        query = parse_qs(urlsplit(ev.uri).query)
        command = " ".join(query.get("command", []))
        container = ",".join(query.get("container", []))
        ok = allowed(ev)
        detail = f" running {command!r}" if command else ""
        verdict = "" if ok else f" (denied: {ev.status})"
        return [Alert(
            f"{ev.user} did {ev.subresource} into pod {ev.namespace}/{ev.name}"
            f"{' container ' + container if container else ''}{detail}{verdict}",
            ev, key=ev.audit_id or f"{ev.user}|{ev.subresource}|{ev.namespace}/{ev.name}",
            service=service, identity=ev.user, source=ev.src_addr,
            resource=ResourceRef("Pod", ev.name, ev.namespace),
            severity=None if ok else Severity.MEDIUM,
            extra=[("action", ev.subresource), ("command", command)])]
