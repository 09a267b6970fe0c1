"""MWW06: Falco critical, error and warning alerts, joined to the service and its owner."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from meshward.findings.finding import ResourceRef, Severity
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import RUNTIME, LogEvent

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW06",
    title="Runtime threat detected by Falco",
    severity=Severity.HIGH,
    practices=("LOG-ANOMALY", "LOG-RUNTIME"),
    inputs=("falco",),
    kinds=(RUNTIME,),
    rationale=(
        "Falco sees what the process does (a shell in a container, a read of /etc/shadow, a "
        "write below /bin). Its alert names a pod; meshward adds which service that pod "
        "belongs to and who owns it in the catalog, so the alert reaches someone who can act."
    ),
    remediation=(
        "Give the alert to the owner named in it; isolate the pod (a deny-all NetworkPolicy "
        "on its labels) before deleting it, so evidence stays; then fix what let it happen."
    ),
    references=("https://falco.org/docs/concepts/outputs/",),
    example_fires='{"output":"... Notice A shell was spawned ...","priority":"Warning",'
                  '"rule":"Terminal shell in container",...}',
    example_silent='the same alert with "priority":"Notice" or "Informational"',
)
SEVERITY = {"emergency": Severity.CRITICAL, "alert": Severity.CRITICAL,
            "critical": Severity.CRITICAL, "error": Severity.HIGH, "warning": Severity.MEDIUM}


class Detect(Detector):
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if ev.kind != RUNTIME:
            return []
        severity = SEVERITY.get(ev.priority.lower())
        if severity is None:
            return []
        service = ctx.identities.pod_service(ev.namespace, ev.pod) if ev.pod else None
        where = f"pod {ev.namespace}/{ev.pod}" if ev.pod else "a host process"
        digest = hashlib.sha256(ev.output.encode()).hexdigest()[:12]
        return [Alert(
            f"Falco {ev.priority}: {ev.rule} in {where}"
            + (f" (service {service})" if service else ""),
            ev, key=f"{ev.rule}|{ev.namespace}/{ev.pod}|{digest}", service=service,
            # the remote address of a network event (fd.rip, else fd.cip); a container id
            # or a node name is no address, so they travel as extra data
            identity=ev.user, source=ev.extra.get("fd.rip") or ev.extra.get("fd.cip", ""),
            resource=ResourceRef("Pod", ev.pod, ev.namespace) if ev.pod else None,
            severity=severity,
            extra=[(k, v) for k, v in (
                ("falco_rule", ev.rule), ("priority", ev.priority),
                ("image", ev.extra.get("container.image.repository", "")),
                ("command", ev.extra.get("proc.cmdline", "")),
                ("container_id", ev.extra.get("container.id", "")),
                ("node", ev.extra.get("hostname", ""))) if v])]
