"""Debian's notary-signer and notary-server on 127.0.0.1 with certificates made here, the
``notary`` client to publish collections, and a proxy that tampers with what it relays."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme

from tests.images.servers import free_port, wait_http

BINARIES = ("notary-server", "notary-signer", "notary")
PASSPHRASES = {"NOTARY_ROOT_PASSPHRASE": "root-pass", "NOTARY_TARGETS_PASSPHRASE": "targets-pass",
               "NOTARY_SNAPSHOT_PASSPHRASE": "snapshot-pass",
               "NOTARY_DELEGATION_PASSPHRASE": "delegation-pass"}


def missing_binary() -> str:
    return next((b for b in BINARIES if shutil.which(b) is None), "")


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


@dataclass
class Notary:
    folder: Path
    url: str
    ca: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def client(self, *args: str) -> str:
        config = self.folder / "client.json"
        env = {**os.environ, **PASSPHRASES}
        done = subprocess.run(["notary", "-c", str(config), *args], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def sign(self, gun: str, tag: str, digest: str, size: int) -> None:
        """Publish ``tag`` -> ``digest`` in collection ``gun`` (made on first use)."""
        if not (self.folder / "trust" / "tuf" / gun).exists():
            self.client("init", gun, "-p")
        self.client("addhash", gun, tag, str(size), "--sha256", digest.removeprefix("sha256:"),
                    "-p")

    def delegate(self, gun: str, tag: str, digest: str, size: int,
                 role: str = "targets/releases") -> None:
        """Sign ``tag`` into a delegation, as `docker trust sign` does: a delegation key
        (certificate made here) added to the collection, imported, then used."""
        import datetime as dt

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "releaser")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5))
                .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
        cert_path, key_path = self.folder / "releaser.crt", self.folder / "releaser.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        if not (self.folder / "trust" / "tuf" / gun).exists():
            self.client("init", gun, "-p")
        self.client("delegation", "add", gun, role, str(cert_path), "--all-paths", "-p")
        self.client("key", "import", str(key_path), "--role", "user")
        self.client("addhash", gun, tag, str(size), "--sha256", digest.removeprefix("sha256:"),
                    "--roles", role, "-p")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def start_notary(folder: Path) -> Notary:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", "notary-server", "notary-signer")
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    grpc, http = free_port(), free_port()
    tls = {"tls_cert_file": str(cert_path), "tls_key_file": str(key_path)}
    import json

    (folder / "signer.json").write_text(json.dumps({
        "server": {"grpc_addr": f"127.0.0.1:{grpc}", **tls, "client_ca_file": str(ca_path)},
        "storage": {"backend": "memory"}, "logging": {"level": "error"}}))
    (folder / "server.json").write_text(json.dumps({
        "server": {"http_addr": f"127.0.0.1:{http}", **tls},
        "trust_service": {"type": "remote", "hostname": "127.0.0.1", "port": str(grpc),
                          "key_algorithm": "ecdsa", "tls_ca_file": str(ca_path),
                          "tls_client_cert": str(cert_path), "tls_client_key": str(key_path)},
        "storage": {"backend": "memory"}, "logging": {"level": "error"}}))
    url = f"https://127.0.0.1:{http}"
    (folder / "client.json").write_text(json.dumps({
        "trust_dir": str(folder / "trust"), "remote_server": {"url": url, "root_ca": str(ca_path)}}))
    notary = Notary(folder, url, ca_path)
    env = {**os.environ, "NOTARY_SIGNER_DEFAULT_ALIAS": "timestamp"}
    signer_log = folder / "signer.log"
    signer = subprocess.Popen(["notary-signer", "-config", str(folder / "signer.json")], env=env,
                              stdout=signer_log.open("wb"), stderr=subprocess.STDOUT)
    notary.procs.append(signer)
    try:
        _wait_port(grpc, signer, signer_log)
        server_log = folder / "server.log"
        server = subprocess.Popen(["notary-server", "-config", str(folder / "server.json")],
                                  stdout=server_log.open("wb"), stderr=subprocess.STDOUT)
        notary.procs.append(server)
        _wait_port(http, server, server_log)
        ctx = ssl.create_default_context(cafile=str(ca_path))
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{url}/_notary_server/health", timeout=2,
                                       context=ctx).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    except BaseException:
        notary.stop()
        raise
    return notary


Tamper = Callable[[str, bytes], bytes]


class TamperingProxy:
    """Plain-HTTP proxy on 127.0.0.1 that relays GETs to Notary and lets ``tamper`` rewrite
    each answer body (path, body) -> body."""

    def __init__(self, upstream: str, ca: Path, tamper: Tamper) -> None:
        ctx = ssl.create_default_context(cafile=str(ca))

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                try:
                    with urllib.request.urlopen(upstream + self.path, timeout=10,
                                                context=ctx) as resp:
                        status, body = resp.status, resp.read()
                except urllib.error.HTTPError as exc:
                    status, body = exc.code, exc.read()
                body = tamper(self.path, body) if status == 200 else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


__all__ = ["Notary", "TamperingProxy", "missing_binary", "start_notary", "wait_http"]
