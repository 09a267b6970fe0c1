"""MWW03: a Secret read by an identity that is not a workload using it (audit log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.watch.detectors.audit_common import allowed, completed, control_plane
from meshward.watch.detectors.interface import Alert, Detector, DetectorInfo
from meshward.watch.event import AUDIT, LogEvent
from meshward.watch.identity import parse_identity

if TYPE_CHECKING:
    from meshward.watch.context import WatchContext

INFO = DetectorInfo(
    id="MWW03",
    title="Secret read by an identity that does not use it",
    severity=Severity.HIGH,
    practices=("LOG-ANOMALY", "SEC-LEASTPRIV"),
    inputs=("k8s-audit",),
    kinds=(AUDIT,),
    rationale=(
        "meshward knows which workloads use each Secret (environment references, volumes, "
        "envFrom) and which service account each runs as. A successful get, list or watch of "
        "a Secret by any other identity, a service account of another workload or a person, "
        "is a credential leaving its owner: the classic step after a foothold."
    ),
    remediation=(
        "Check who the identity is and why it read the Secret; rotate the Secret if the read "
        "was not expected; narrow RBAC so only the workload's own service account may get it "
        "(resourceNames), and no one may list Secrets of the namespace."
    ),
    references=("https://kubernetes.io/docs/concepts/security/secrets-good-practices/",),
    example_fires='{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","user":'
                  '{"username":"system:serviceaccount:shop:web"},"objectRef":{"resource":'
                  '"secrets","namespace":"shop","name":"payments-db"},...}',
    example_silent="the same get by system:serviceaccount:shop:payments, which mounts payments-db",
)


class Detect(Detector):
    def observe(self, ev: LogEvent, ctx: WatchContext) -> list[Alert]:
        if (ev.kind != AUDIT or ev.resource != "secrets" or ev.subresource
                or ev.verb not in ("get", "list", "watch") or not completed(ev)
                or not allowed(ev) or control_plane(ev.user)):
            return []
        users = ctx.secret_users.get((ev.namespace, ev.name), set()) if ev.name else set()
        ns, sa = parse_identity(ev.user)
        account = f"{ns}/{sa}" if sa else ""
        if account and account in users:
            return []
        using = sorted(users)
        services = sorted({s for u in using for s in ctx.identities.account_services(*u.split("/", 1))})
        reader = ctx.identities.account_services(ns, sa) if sa else []
        what = f"Secret {ev.namespace}/{ev.name}" if ev.name else f"every Secret of {ev.namespace or 'the cluster'}"
        who = (f"service account {account}" + (f" (service {', '.join(reader)})" if reader else "")
               if sa else f"user {ev.user}")
        used_by = (f"used only by {', '.join(services or using)}" if using
                   else "used by no workload meshward knows")
        return [Alert(
            f"{who} did {ev.verb} on {what} ({used_by})", ev,
            key=f"{ev.user}|{ev.verb if not ev.name else 'read'}|{ev.namespace}/{ev.name or '*'}",
            service=services[0] if services else (reader[0] if reader else None),
            identity=ev.user, source=ev.src_addr,
            resource=ResourceRef("Secret", ev.name or "*", ev.namespace),
            confidence=Confidence.HIGH if (reader or not sa) else Confidence.MEDIUM,
            severity=None if sa else Severity.MEDIUM,
            extra=[("reader_services", ",".join(reader)), ("secret_users", ",".join(using))])]
