"""Recognise each line's format by its content and parse it into a :class:`LogEvent`.

JSON lines are decoded once and told apart by their keys; text lines by their first
characters, then a strict pattern. The format that matched last is tried first (a
file rarely mixes formats), so the common case costs one attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from meshward.watch.event import TEXT, LogEvent
from meshward.watch.logs import cri, docker, envoy, falco, k8s_audit, linkerd, nginx, syslog
from meshward.watch.logs.times import iso

TRUNCATED, UNKNOWN = "truncated or malformed", "unknown format"

try:  # orjson parses a line about twice as fast as the standard library
    from orjson import loads
except ImportError:  # pragma: no cover - orjson is a dependency; json is the fallback
    from json import loads  # type: ignore[assignment]

JsonParser = Callable[[dict[str, Any]], LogEvent | None]
JSON_FORMATS: tuple[tuple[str, Callable[[dict[str, Any]], bool], JsonParser], ...] = (
    (k8s_audit.NAME, k8s_audit.matches, k8s_audit.parse),
    (falco.NAME, falco.matches, falco.parse),
    (envoy.NAME_JSON, envoy.matches, envoy.parse_json),
    (linkerd.NAME_JSON, linkerd.matches, linkerd.parse_json),
)
TextParser = Callable[[str], LogEvent | None]
TEXT_FORMATS: tuple[tuple[str, Callable[[str], bool], TextParser], ...] = (
    (envoy.NAME, envoy.sniff, envoy.parse),
    (linkerd.NAME, linkerd.sniff, linkerd.parse),
    (nginx.NAME, nginx.sniff, nginx.parse),
)
FORMAT_NAMES = (k8s_audit.NAME, falco.NAME, envoy.NAME, envoy.NAME_JSON, linkerd.NAME,
                linkerd.NAME_JSON, nginx.NAME, nginx.NAME_INGRESS, docker.NAME, cri.NAME,
                syslog.NAME_5424, syslog.NAME_3164)


class Recognizer:
    """Parses lines of any supported format; ``problem`` says why a line gave no event."""

    def __init__(self, year: int | None = None) -> None:
        self.year = year or time.gmtime().tm_year
        self._last_json: int = 0
        self._last_text: int = 0
        self.problem = ""

    def parse(self, line: str, path: str = "") -> LogEvent | None:
        self.problem = ""
        ev = self._parse(line, path, nested=False)
        return ev

    def _parse(self, line: str, path: str, nested: bool) -> LogEvent | None:
        if line.startswith("{"):
            return self._json(line, path, nested)
        if not line.strip():
            self.problem = UNKNOWN if not nested else ""
            return None
        n = len(TEXT_FORMATS)
        sniffed = False
        for k in range(n):
            i = (self._last_text + k) % n
            _name, sniff, parse = TEXT_FORMATS[i]
            if sniff(line):
                sniffed = True
                ev = parse(line)
                if ev is not None:
                    self._last_text = i
                    return ev
        if not nested and cri.sniff(line):
            parts = cri.split(line)
            if parts is not None:
                return self._wrapped(parts[1], parts[0], path, cri.NAME)
        if not nested and syslog.sniff(line):
            sl = syslog.parse(line, self.year)
            if sl is not None:
                inner = self._parse(sl.message, path, nested=True) if sl.message else None
                if inner is None:
                    inner = LogEvent(TEXT, sl.fmt, output=sl.message)
                    self.problem = ""
                inner.ts = inner.ts if inner.ts is not None else sl.ts
                inner.extra = {**inner.extra, "host": sl.host, "app": sl.app}
                inner.fmt = f"{sl.fmt}/{inner.fmt}" if inner.fmt != sl.fmt else sl.fmt
                return inner
        self.problem = TRUNCATED if sniffed or _looks_cut(line) else UNKNOWN
        return None

    def parse_json_bytes(self, data: bytes, path: str = "") -> LogEvent | None:
        """A line starting with ``{``, straight from its bytes (the fast path)."""
        self.problem = ""
        try:
            doc = loads(data)
        except ValueError:
            self.problem = TRUNCATED
            return None
        return self._doc(doc, path, nested=False)

    def _json(self, line: str, path: str, nested: bool) -> LogEvent | None:
        try:
            doc = loads(line)
        except ValueError:
            self.problem = TRUNCATED
            return None
        return self._doc(doc, path, nested)

    def _doc(self, doc: Any, path: str, nested: bool) -> LogEvent | None:
        if not isinstance(doc, dict):
            self.problem = UNKNOWN
            return None
        n = len(JSON_FORMATS)
        for k in range(n):
            i = (self._last_json + k) % n
            _name, matches, parse = JSON_FORMATS[i]
            if matches(doc):
                ev = parse(doc)
                if ev is None:
                    self.problem = TRUNCATED
                    return None
                self._last_json = i
                return ev
        if not nested and docker.matches(doc):
            return self._docker(doc, path)
        self.problem = UNKNOWN
        return None

    def _docker(self, doc: dict[str, Any], path: str) -> LogEvent:
        text, stamp = docker.inner(doc)
        ev = self._wrapped(text, stamp, path, docker.NAME)
        compose = docker.compose_service(doc)
        if compose and not ev.reporter:
            ev.reporter, ev.namespace = compose, ""  # compose services live in namespace ""
        return ev

    def _wrapped(self, text: str, stamp: str, path: str, fmt: str) -> LogEvent:
        """A container runtime's line around the container's own: parse the inner one."""
        inner = self._parse(text, path, nested=True) if text else None
        if inner is None:
            inner = LogEvent(TEXT, fmt, output=text)
            self.problem = ""
        else:
            inner.fmt = f"{fmt}/{inner.fmt}"
        if inner.ts is None:
            inner.ts = iso(stamp)
        pod, ns, container = docker.container_of(path)
        if pod:
            inner.reporter = inner.reporter or pod
            inner.namespace = inner.namespace or ns
            inner.container = inner.container or container
        return inner


def _looks_cut(line: str) -> bool:
    """A line of a known shape that stops early (an unclosed quote or bracket)."""
    return (line.count('"') % 2 == 1) or (line.startswith("[") and "]" not in line)
