"""Kubernetes audit log: one ``audit.k8s.io/v1`` Event per line (the log backend's JSON lines)."""

from __future__ import annotations

from typing import Any

from meshward.watch.event import AUDIT, LogEvent
from meshward.watch.logs.times import iso

NAME = "k8s-audit"


def matches(doc: dict[str, Any]) -> bool:
    return doc.get("kind") == "Event" and str(doc.get("apiVersion", "")).startswith("audit.k8s.io/")


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse(doc: dict[str, Any]) -> LogEvent | None:
    user = doc.get("user")
    ref = doc.get("objectRef")
    if not isinstance(user, dict) or not _s(doc.get("verb")):
        return None  # an Event without who or what: truncated or hand-made
    ref = ref if isinstance(ref, dict) else {}
    status = doc.get("responseStatus")
    code = status.get("code") if isinstance(status, dict) else None
    annotations = doc.get("annotations")
    reason = _s(annotations.get("authorization.k8s.io/reason")) if isinstance(annotations, dict) else ""
    ips = doc.get("sourceIPs")
    groups = user.get("groups")
    obj = doc.get("requestObject")
    return LogEvent(
        AUDIT, NAME,
        ts=iso(_s(doc.get("requestReceivedTimestamp")) or _s(doc.get("stageTimestamp"))),
        src_addr=_s(ips[0]) if isinstance(ips, list) and ips else "",
        user=_s(user.get("username")),
        groups=tuple(g for g in groups if isinstance(g, str)) if isinstance(groups, list) else (),
        verb=_s(doc.get("verb")),
        resource=_s(ref.get("resource")),
        subresource=_s(ref.get("subresource")),
        namespace=_s(ref.get("namespace")),
        name=_s(ref.get("name")),
        stage=_s(doc.get("stage")),
        audit_id=_s(doc.get("auditID")),
        uri=_s(doc.get("requestURI")),
        status=code if isinstance(code, int) else 0,
        reason=reason,
        request_object=obj if isinstance(obj, dict) else None,
    )
