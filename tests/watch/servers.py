"""Real receivers for the sink tests: rsyslogd on loopback, and a stdlib HTTP collector."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Rsyslog:
    """rsyslogd in the foreground with imudp and imtcp on loopback, writing one file."""

    folder: Path
    udp_port: int = 0
    tcp_port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def out(self) -> Path:
        return self.folder / "received.log"

    def start(self) -> Rsyslog:
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.tcp_port = free_port()
        conf = self.folder / "rsyslog.conf"
        work = self.folder / "work"
        work.mkdir(exist_ok=True)
        # No imklog or imuxsock: this daemon only hears the test's sockets. The file keeps the
        # received message as sent (RSYSLOG_SyslogProtocol23Format is RFC 5424).
        conf.write_text(f"""
global(workDirectory="{work}")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{self.udp_port}")
input(type="imtcp" address="127.0.0.1" port="{self.tcp_port}")
*.* action(type="omfile" file="{self.out}" template="RSYSLOG_SyslogProtocol23Format")
""", encoding="utf-8")
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", str(conf), "-i", str(self.folder / "rsyslogd.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rsyslogd exited: {self.proc.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.tcp_port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("rsyslogd did not open its TCP port")
        # UDP has no handshake: send probes until one is written, so no test datagram is lost
        # to a listener that is not bound yet.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            while time.monotonic() < deadline:
                udp.sendto(b"<14>1 - - probe - - - rsyslog-ready", ("127.0.0.1", self.udp_port))
                if self.out.exists() and "rsyslog-ready" in self.out.read_text("utf-8", "replace"):
                    return self
                time.sleep(0.1)
        raise RuntimeError("rsyslogd did not write what it received over UDP")

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.out.exists():
                content = self.out.read_text("utf-8", "replace")
                if text in content:
                    return content
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not received by rsyslogd")

    def wait_lines(self, text: str, count: int, timeout: float = 10.0) -> list[str]:
        """The received lines holding ``text``, once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        found: list[str] = []
        while time.monotonic() < deadline:
            if self.out.exists():
                found = [ln for ln in self.out.read_text("utf-8", "replace").splitlines()
                         if text in ln]
                if len(found) >= count:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"{len(found)} of {count} lines with {text!r} received")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Collector:
    """An HTTP server on loopback that keeps every POST; answers ``status``."""

    status: int = 200
    requests: list[Request] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Collector:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(size)
                collector.requests.append(Request(self.path, dict(self.headers.items()),
                                                  json.loads(data)))
                self.send_response(collector.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"text":"Success","code":0}')

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
