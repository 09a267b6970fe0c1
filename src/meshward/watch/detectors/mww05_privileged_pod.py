"""MWW05: creation of a privileged pod or pod template (audit log with request bodies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from meshward.findings.finding import ResourceRef, Severity
from meshward.watch.detectors.audit_common import allowed, completed, control_plane
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import AUDIT, LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW05",
    title="Privileged pod created",
    severity=Severity.CRITICAL,
    practices=("LOG-ANOMALY", "AUTH-LEASTPRIV"),
    inputs=("k8s-audit",),
    kinds=(AUDIT,),
    rationale=(
        "A privileged container, or one sharing the host's PID or IPC namespace, owns the "
        "node. Creating one at run time, outside the reviewed manifests, is how an intruder "
        "with create rights on pods escapes the container. The audit log shows the request "
        "body at level Request or RequestResponse."
    ),
    remediation=(
        "Delete the pod if nobody expected it; enforce the `restricted` Pod Security Standard "
        "on the namespace; limit who may create pods and workloads."
    ),
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/",),
    example_fires='{"kind":"Event",...,"verb":"create","objectRef":{"resource":"pods",...},'
                  '"requestObject":{"spec":{"containers":[{"securityContext":{"privileged":true}}]}}}',
    example_silent="the same create without privileged, hostPID or hostIPC",
)
KINDS = {"pods": ("spec",), "deployments": ("spec", "template", "spec"),
         "daemonsets": ("spec", "template", "spec"), "statefulsets": ("spec", "template", "spec"),
         "replicasets": ("spec", "template", "spec"), "jobs": ("spec", "template", "spec"),
         "cronjobs": ("spec", "jobTemplate", "spec", "template", "spec")}


def _dig(doc: Any, path: tuple[str, ...]) -> dict[str, Any]:
    for step in path:
        doc = doc.get(step) if isinstance(doc, dict) else None
    return doc if isinstance(doc, dict) else {}


def reasons(spec: dict[str, Any]) -> list[str]:
    out = [f"{k}: true" for k in ("hostPID", "hostIPC") if spec.get(k) is True]
    for group in ("initContainers", "containers", "ephemeralContainers"):
        items = spec.get(group)
        for c in items if isinstance(items, list) else []:
            sc = c.get("securityContext") if isinstance(c, dict) else None
            if isinstance(sc, dict) and sc.get("privileged") is True:
                out.append(f"container {c.get('name', '?')} privileged: true")
    return out


class Detect(Detector):
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if (ev.kind != AUDIT or ev.verb != "create" or ev.subresource
                or ev.resource not in KINDS or ev.request_object is None
                or not completed(ev) or not allowed(ev)):
            return []
        why = reasons(_dig(ev.request_object, KINDS[ev.resource]))
        if not why:
            return []
        meta = ev.request_object.get("metadata")
        name = ev.name or (str(meta.get("name") or meta.get("generateName") or "")
                           if isinstance(meta, dict) else "")
        kind = ev.resource[:-1].capitalize()
        service = ctx.identities.pod_service(ev.namespace, name) if name else None
        return [Alert(
            f"{ev.user} created {kind.lower()} {ev.namespace}/{name}: {'; '.join(why)}",
            ev, key=ev.audit_id or f"{ev.user}|{ev.resource}|{ev.namespace}/{name}",
            service=service, identity=ev.user, source=ev.src_addr,
            resource=ResourceRef(kind.replace("set", "Set").replace("job", "Job"), name, ev.namespace),
            severity=Severity.HIGH if control_plane(ev.user) else None,
            extra=[("reasons", "; ".join(why))])]
