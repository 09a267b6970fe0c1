"""Envoy and Istio proxy access logs: the default text format and JSON.

Envoy's default format::

    [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
    %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
    %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
    "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"

Istio's adds response details before the byte counts and, after the upstream host,
``%UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS%
%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%``. The cluster name
(``outbound|8000||httpbin.foo.svc.cluster.local`` or ``inbound|80||``) tells which side
of the call wrote the line.
"""

from __future__ import annotations

import re
from typing import Any

from meshward.watch.event import ACCESS, LogEvent
from meshward.watch.logs.times import iso

NAME = "envoy"
NAME_JSON = "envoy-json"

_HEAD = re.compile(r'\[([^\]]+)\] "(\S+) (\S+) ([^"]*)" (\d{1,3}) (\S+) (.*)\Z')
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def sniff(line: str) -> bool:
    return line.startswith("[") and '] "' in line[:48]


def _dash(value: str) -> str:
    return "" if value == "-" else value


def _int(value: Any) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return 0


def _cluster(cluster: str) -> tuple[str, str]:
    """(direction, host) of an Istio cluster name ``outbound|PORT|SUBSET|HOST``."""
    parts = cluster.split("|")
    if len(parts) == 4 and parts[0] in ("inbound", "outbound"):
        return parts[0], parts[3]
    if cluster in ("PassthroughCluster", "BlackHoleCluster"):
        return "outbound", ""  # egress to a host the mesh does not know
    return "", ""


def _fill(ev: LogEvent, cluster: str, downstream_local: str, downstream_remote: str) -> None:
    direction, host = _cluster(cluster)
    ev.direction = direction
    if direction == "outbound":
        # Written by the caller's sidecar: the downstream peer is the application itself.
        ev.src_addr = downstream_remote
        ev.dst_host = host or ev.dst_host
    elif direction == "inbound":
        ev.src_addr = downstream_remote
        ev.dst_addr = downstream_local or ev.dst_addr


def parse(line: str) -> LogEvent | None:
    m = _HEAD.match(line)
    if m is None:
        return None
    ts, method, path, _proto, code, _flags, rest = m.groups()
    tokens = [(q is not None and not bare, q if q is not None and not bare else bare)
              for q, bare in ((t.group(1), t.group(2)) for t in _TOKEN.finditer(rest))]
    # Find the run of five quoted values: x-forwarded-for, user agent, request id,
    # authority, upstream host. Everything after it is Istio's extra fields.
    start = -1
    for i in range(len(tokens) - 4):
        if all(tokens[i + k][0] for k in range(5)):
            start = i
            break
    if start < 0:
        return None  # truncated
    xff, _ua, _rid, authority, upstream = (tokens[start + k][1] for k in range(5))
    numbers = [v for quoted, v in tokens[:start] if not quoted]
    ev = LogEvent(ACCESS, NAME, ts=iso(ts), method=method, uri=path, status=int(code),
                  dst_host=_dash(authority), dst_addr=_dash(upstream),
                  bytes_sent=_int(numbers[-3]) if len(numbers) >= 3 else 0)
    ev.src_addr = _dash(xff).split(",")[0].strip()
    extra = [v for _, v in tokens[start + 5:]]
    if len(extra) >= 4:
        _fill(ev, extra[0], _dash(extra[2]), _dash(extra[3]))
    return ev


def matches(doc: dict[str, Any]) -> bool:
    return "response_code" in doc and ("authority" in doc or ":authority" in doc
                                       or "upstream_cluster" in doc)


def _str(value: Any) -> str:
    return value if value.__class__ is str and value != "-" else ""


def parse_json(doc: dict[str, Any]) -> LogEvent | None:
    # The hot path of JSON access logs: one dict lookup per field, no helper calls for the
    # fields Envoy writes as strings or null.
    g = doc.get
    code = g("response_code")
    if code.__class__ is not int:
        code = _int(code)
    ev = LogEvent(ACCESS, NAME_JSON)
    start = g("start_time")
    ev.ts = iso(start) if start.__class__ is str else None
    ev.method = g("method") or _str(g(":method"))
    ev.uri = g("path") or _str(g("x-envoy-origin-path"))
    ev.status = code
    ev.dst_host = _str(g("authority")) or _str(g(":authority"))
    ev.dst_addr = _str(g("upstream_host"))
    sent = g("bytes_sent")
    ev.bytes_sent = sent if sent.__class__ is int else _int(sent or 0)
    if "downstream_peer_uri_san" in doc or "source_principal" in doc:
        ev.src_id = _str(g("downstream_peer_uri_san")) or _str(g("source_principal"))
    xff = g("x_forwarded_for") or g("x-forwarded-for")
    if xff.__class__ is str and xff != "-":
        ev.src_addr = xff.split(",")[0].strip()
    cluster = g("upstream_cluster")
    if cluster.__class__ is str:
        _fill(ev, cluster, _str(g("downstream_local_address")),
              _str(g("downstream_remote_address")))
    return ev
