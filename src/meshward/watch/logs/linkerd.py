"""Linkerd proxy HTTP access logs (``config.linkerd.io/access-log: apache`` or ``json``).

The proxy logs requests it receives, so each line is written on the callee's side::

    10.42.0.63:51160 traffic.booksapp.serviceaccount.identity.linkerd.cluster.local - \
[2022-08-23T20:28:20.071809491Z] "GET http://webapp:7000/ HTTP/2.0" 200

and in JSON with the keys ``client.addr``, ``client.id``, ``host``, ``method``, ``uri``,
``status``, ``timestamp`` (and timings and sizes).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from meshward.watch.event import ACCESS, LogEvent
from meshward.watch.logs.times import iso

NAME = "linkerd"
NAME_JSON = "linkerd-json"

_LINE = re.compile(r'(\S+:\d+) (\S+) (\S+) \[(\d{4}-[^\]]+)\] "(\S+) (\S+) ([^"]*)" (\d{3})\Z')


def sniff(line: str) -> bool:
    head = line[:24]
    return ":" in head.split(" ", 1)[0] and " [" in line[:200] and "Z] \"" in line[:300]


def _host(uri: str, fallback: str = "") -> str:
    if "://" in uri:
        return urlsplit(uri).netloc or fallback
    return fallback


def parse(line: str) -> LogEvent | None:
    m = _LINE.match(line)
    if m is None:
        return None
    addr, ident, _user, ts, method, uri, _version, status = m.groups()
    return LogEvent(ACCESS, NAME, ts=iso(ts), src_addr=addr, src_id="" if ident == "-" else ident,
                    method=method, uri=uri, status=int(status), dst_host=_host(uri),
                    direction="inbound")


def matches(doc: dict[str, Any]) -> bool:
    return "client.addr" in doc and "status" in doc


def parse_json(doc: dict[str, Any]) -> LogEvent | None:
    status = doc.get("status")
    if not isinstance(status, int):
        return None
    ident = doc.get("client.id")
    uri = str(doc.get("uri") or "")
    host = str(doc.get("host") or "")
    ts = doc.get("timestamp")
    size = doc.get("response_bytes")
    return LogEvent(ACCESS, NAME_JSON, ts=iso(ts) if isinstance(ts, str) else None,
                    src_addr=str(doc.get("client.addr") or ""),
                    src_id="" if ident in (None, "-") else str(ident),
                    method=str(doc.get("method") or ""), uri=uri, status=status,
                    dst_host=host or _host(uri), direction="inbound",
                    bytes_sent=int(str(size)) if str(size).isdigit() else 0)
