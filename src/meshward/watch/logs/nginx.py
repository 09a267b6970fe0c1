"""nginx ``combined`` access logs and the ingress-nginx controller's default format.

combined::

    $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
    "$http_referer" "$http_user_agent"

ingress-nginx appends ``$request_length $request_time [$proxy_upstream_name]
[$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
$upstream_response_time $upstream_status $req_id``; the upstream name is
``NAMESPACE-SERVICE-PORT``.
"""

from __future__ import annotations

import re

from meshward.watch.event import ACCESS, LogEvent
from meshward.watch.logs.times import clf

NAME = "nginx"
NAME_INGRESS = "ingress-nginx"

_LINE = re.compile(
    r'(\S+) - (\S+) \[(\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "((?:[^"\\]|\\.)*)" '
    r'(\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"(.*)\Z')
_INGRESS = re.compile(r' (\d+) ([\d.]+|-) \[([^\]]*)\] \[([^\]]*)\] (\S+) (\S+) (\S+) (\S+) (\S+)\Z')


def sniff(line: str) -> bool:
    return " - " in line[:64] and "] \"" in line[:128] and "/" in line[:64]


def parse(line: str) -> LogEvent | None:
    m = _LINE.match(line)
    if m is None:
        return None
    addr, user, ts, request, status, size, _ref, _ua, rest = m.groups()
    parts = request.split(" ")
    method, uri = (parts[0], parts[1]) if len(parts) >= 2 else ("", request)
    ev = LogEvent(ACCESS, NAME, ts=clf(ts), src_addr=addr, method=method, uri=uri,
                  status=int(status), bytes_sent=0 if size == "-" else int(size),
                  user="" if user == "-" else user, direction="inbound")
    if rest:
        ing = _INGRESS.match(rest)
        if ing is None:
            return ev if not rest.strip() else _with_unknown_tail(ev, rest)
        ev.fmt = NAME_INGRESS
        upstream = ing.group(3)
        ev.dst_host = "" if upstream in ("", "-", "upstream-default-backend") else upstream
        first = ing.group(5).split(",")[0].strip()
        ev.dst_addr = "" if first == "-" else first
        ev.extra = {"upstream": upstream}
    return ev


def _with_unknown_tail(ev: LogEvent, rest: str) -> LogEvent:
    """combined plus fields of a custom ``log_format``: keep what combined gave."""
    ev.extra = {"tail": rest.strip()[:200]}
    return ev
