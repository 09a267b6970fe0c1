"""One log line as the detectors see it, whatever format it was written in."""

from __future__ import annotations

from typing import Any

ACCESS, AUDIT, RUNTIME, TEXT = "access", "audit", "runtime", "text"


_NO_EXTRA: dict[str, str] = {}


class LogEvent:
    """A parsed line. Fields a format does not carry keep their class default.

    ``kind`` is ``access`` (a request between two parties), ``audit`` (a Kubernetes API
    call), ``runtime`` (a Falco alert) or ``text`` (anything else worth archiving only).
    A plain class with class-level defaults: creating one costs only the fields a parser
    sets, which matters at a million lines. ``extra`` is replaced, never changed in place.
    """

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
    extra: dict[str, str] = _NO_EXTRA
    # (caller, callee) services, filled once by WatchContext.services for all detectors
    pair: tuple[str | None, str | None] | None = None

    def __init__(self, kind: str, fmt: str, **fields: Any) -> None:
        self.kind = kind
        self.fmt = fmt
        if fields:
            self.__dict__.update(fields)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __repr__(self) -> str:
        return f"LogEvent({self.__dict__!r})"
