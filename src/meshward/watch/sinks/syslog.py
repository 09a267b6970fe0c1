"""syslog, RFC 5424, over UDP (one datagram per alert) or TCP (octet-counted framing,
RFC 6587), e.g. to rsyslog's imudp/imtcp.

``syslog+udp://HOST:PORT`` or ``syslog+tcp://HOST:PORT``; ``?readback=FILE`` names the
file the receiver writes, so ``--test-alerts`` can prove the alert arrived.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from meshward.findings.finding import Finding, Severity
from meshward.watch.sinks.interface import Delivery, Sink, SinkError, extra, now_iso

FACILITY = 13  # log audit
SD_ID = "meshward@32473"  # 32473 is the enterprise number RFC 5424 reserves for examples
LEVEL = {Severity.CRITICAL: 2, Severity.HIGH: 3, Severity.MEDIUM: 4, Severity.LOW: 5,
         Severity.INFO: 6}
MAX_UDP = 8192


def _sd_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _field(text: str, limit: int) -> str:
    cleaned = "".join(ch for ch in text if 33 <= ord(ch) <= 126)
    return cleaned[:limit] or "-"


def format_5424(f: Finding, hostname: str, pid: int) -> bytes:
    """One RFC 5424 message: structured data carries the alert's fields, MSG its text."""
    pri = FACILITY * 8 + LEVEL[f.severity]
    params = [("rule", f.rule_id), ("severity", f.severity.value),
              ("practices", ",".join(f.practices)), ("service", f.service or ""),
              ("owner", extra(f, "owner")), ("identity", f.identity), ("source", f.source),
              ("location", str(f.location)), ("fingerprint", f.fingerprint)]
    sd = "[" + SD_ID + "".join(f' {k}="{_sd_value(v)}"' for k, v in params if v) + "]"
    head = (f"<{pri}>1 {now_iso()} {_field(hostname, 255)} meshward {pid} "
            f"{_field(f.rule_id, 32)} {sd} ")
    return head.encode("utf-8") + b"\xef\xbb\xbf" + f.message.encode("utf-8")


class SyslogSink(Sink):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        self.transport = "tcp" if parts.scheme.endswith("tcp") else "udp"
        if not parts.hostname or not parts.port:
            raise SinkError(f"{url}: give host and port, e.g. syslog+udp://127.0.0.1:514")
        self.address = (parts.hostname, parts.port)
        query = parse_qs(parts.query)
        self.readback = Path(query["readback"][0]) if "readback" in query else None
        self.hostname = socket.gethostname()
        self.sock: socket.socket | None = None

    @property
    def label(self) -> str:
        return f"syslog+{self.transport}://{self.address[0]}:{self.address[1]}"

    def _connect(self) -> socket.socket:
        if self.sock is None:
            kind = socket.SOCK_STREAM if self.transport == "tcp" else socket.SOCK_DGRAM
            sock = socket.socket(socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET, kind)
            sock.settimeout(5.0)
            try:
                sock.connect(self.address)
            except OSError as exc:
                sock.close()
                raise SinkError(f"{self.label}: cannot connect: {exc.strerror or exc}") from None
            self.sock = sock
        return self.sock

    def send(self, finding: Finding) -> None:
        msg = format_5424(finding, self.hostname, os.getpid())
        for attempt in (1, 2):
            sock = self._connect()
            try:
                if self.transport == "tcp":
                    sock.sendall(str(len(msg)).encode() + b" " + msg)
                else:
                    sock.send(msg[:MAX_UDP])
                return
            except OSError as exc:
                self.close()
                if attempt == 2:
                    raise SinkError(f"{self.label}: send failed: {exc.strerror or exc}") from None

    def confirm(self, marker: str, timeout: float) -> Delivery:
        if self.readback is None:
            how = "UDP has no acknowledgement" if self.transport == "udp" else "TCP accepted it"
            return Delivery(self.label, True, f"sent ({how}; add ?readback=FILE to prove arrival)")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if marker in self.readback.read_text("utf-8", "replace"):
                    return Delivery(self.label, True, f"delivered (read back from {self.readback})")
            except OSError:
                pass
            time.sleep(0.1)
        return Delivery(self.label, False,
                        f"not found in {self.readback} after {timeout:.0f}s")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
