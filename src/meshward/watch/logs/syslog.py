"""syslog lines: RFC 5424, RFC 3164 (with or without ``<PRI>``, as daemons write files).

RFC 5424: ``<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] message``.
RFC 3164: ``<34>Oct 11 22:14:15 host tag[pid]: message`` and rsyslog's file form without
the priority. The message may itself be a line of another format (nginx, Falco JSON):
the recogniser reads it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meshward.watch.logs.times import bsd, iso

NAME_5424 = "syslog-5424"
NAME_3164 = "syslog-3164"

_5424 = re.compile(r'<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?\Z')
_3164 = re.compile(r'(?:<(\d{1,3})>)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^:\[\s]+)(?:\[(\d+)\])?: ?(.*)\Z')
_ISO_FILE = re.compile(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (\S+) ([^:\[\s]+)(?:\[(\d+)\])?: ?(.*)\Z')


@dataclass(slots=True)
class SyslogLine:
    fmt: str
    ts: float | None
    host: str
    app: str
    message: str


def sniff(line: str) -> bool:
    return line.startswith("<") or (len(line) > 15 and line[3] == " " and line[0].isupper()) or (
        len(line) > 25 and line[4] == "-" and line[10] == "T")


def parse(line: str, year: int) -> SyslogLine | None:
    if line.startswith("<") and ">1 " in line[:8]:
        m = _5424.match(line)
        if m is None:
            return None
        _pri, ts, host, app, _pid, _msgid, _sd, msg = m.groups()
        msg = (msg or "").removeprefix("\ufeff")
        return SyslogLine(NAME_5424, iso(ts), host, "" if app == "-" else app, msg)
    m = _3164.match(line)
    if m is not None:
        _pri, ts, host, tag, _pid, msg = m.groups()
        return SyslogLine(NAME_3164, bsd(ts, year), host, tag, msg)
    m = _ISO_FILE.match(line)
    if m is not None:
        ts, host, tag, _pid, msg = m.groups()
        return SyslogLine(NAME_3164, iso(ts), host, tag, msg)
    return None
