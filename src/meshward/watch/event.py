"""One log line as the detectors see it, whatever format it was written in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACCESS, AUDIT, RUNTIME, TEXT = "access", "audit", "runtime", "text"


@dataclass(slots=True)
class LogEvent:
    """A parsed line. Fields a format does not carry stay empty.

    ``kind`` is ``access`` (a request between two parties), ``audit`` (a Kubernetes API
    call), ``runtime`` (a Falco alert) or ``text`` (anything else worth archiving only).
    """

    kind: str
    fmt: str
    path: str = ""
    line: int = 0
    ts: float | None = None  # seconds since the epoch, when the line carries a time
    raw: str = ""
    # access logs: who called whom
    src_addr: str = ""  # ip or ip:port of the caller
    src_id: str = ""  # caller identity as written (SPIFFE id, Linkerd identity, SA)
    dst_host: str = ""  # Host / :authority / upstream cluster host
    dst_addr: str = ""  # ip:port of the callee
    reporter: str = ""  # the workload whose proxy wrote the line (pod or container name)
    direction: str = ""  # inbound | outbound | "" (unknown)
    method: str = ""
    uri: str = ""
    status: int = 0
    bytes_sent: int = 0
    # audit events
    user: str = ""
    groups: tuple[str, ...] = ()
    verb: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    stage: str = ""
    audit_id: str = ""
    reason: str = ""  # authorization.k8s.io/reason
    request_object: dict[str, Any] | None = None
    # runtime alerts
    rule: str = ""
    priority: str = ""
    pod: str = ""
    container: str = ""
    output: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
