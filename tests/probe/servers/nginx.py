"""nginx as an API gateway in front of the test service: TLS, limit_req, auth_request.

The tests write a config into a temporary folder and run
``nginx -p DIR -c nginx.conf -g 'daemon off; pid DIR/nginx.pid;'`` on a free loopback port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.probe.servers.certs import Pki


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class GatewayOptions:
    protocols: str = "TLSv1.2 TLSv1.3"
    legacy_ciphers: bool = False  # "DEFAULT:@SECLEVEL=0" so TLS 1.0/1.1 can work
    rate: tuple[int, int] | None = (20, 50)  # limit_req rate r/s and burst
    auth: bool = True  # auth_request to the service's /auth/check
    client_certs: str = ""  # "" (none) or an ssl_verify_client mode such as optional_no_ca
    metrics: bool = False  # answer /metrics itself


def render_config(folder: Path, port: int, upstream: int, pki: Pki, o: GatewayOptions) -> str:
    cert, key = pki.server["good"]
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = "\n".join(f"    {name}_temp_path {folder}/tmp/{name};"
                      for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    lines = [f"{user}worker_processes 1;", "events { worker_connections 512; }", "http {",
             "    access_log off;", temps, "    default_type text/plain;"]
    if o.rate:
        lines += [f"    limit_req_zone $binary_remote_addr zone=api:1m rate={o.rate[0]}r/s;",
                  "    limit_req_status 429;"]
    lines += ["    server {", f"        listen 127.0.0.1:{port} ssl;",
              f"        ssl_certificate {cert};", f"        ssl_certificate_key {key};",
              f"        ssl_protocols {o.protocols};",
              f"        proxy_ssl_certificate {pki.client_cert};",
              f"        proxy_ssl_certificate_key {pki.client_key};"]
    if o.legacy_ciphers:
        lines.append("        ssl_ciphers DEFAULT:@SECLEVEL=0;")
    if o.client_certs:
        lines += [f"        ssl_verify_client {o.client_certs};",
                  f"        ssl_client_certificate {pki.ca_pem};"]
    lines += ["        location = /_auth {", "            internal;",
              f"            proxy_pass https://127.0.0.1:{upstream}/auth/check;",
              "            proxy_pass_request_body off;",
              '            proxy_set_header Content-Length "";', "        }",
              "        location /api/ {"]
    if o.rate:
        lines.append(f"            limit_req zone=api burst={o.rate[1]} nodelay;")
    if o.client_certs:
        lines.append('            if ($ssl_client_verify = "NONE") { return 403; }')
    if o.auth:
        lines.append("            auth_request /_auth;")
    lines += [f"            proxy_pass https://127.0.0.1:{upstream};", "        }"]
    if o.metrics:
        lines.append('        location = /metrics { return 200 "# HELP nginx_up Up.\\n'
                     '# TYPE nginx_up gauge\\nnginx_up 1\\n"; }')
    lines += ["    }", "}", ""]
    return "\n".join(lines)


class Gateway:
    def __init__(self, folder: Path, upstream: int, pki: Pki, options: GatewayOptions) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed")
        self.folder = folder
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / "tmp" / name).mkdir(parents=True, exist_ok=True)
        (folder / "logs").mkdir(exist_ok=True)
        self.port = free_port()
        (folder / "nginx.conf").write_text(render_config(folder, self.port, upstream, pki, options))
        self.log = folder / "stderr.log"
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(
                [binary, "-p", str(folder), "-e", "stderr", "-c", "nginx.conf",
                 "-g", f"daemon off; pid {folder}/nginx.pid; error_log stderr;"],
                stdout=subprocess.DEVNULL, stderr=err)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.log.read_text(errors="replace")
                raise RuntimeError(f"nginx exited {self.proc.returncode}: {err}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
