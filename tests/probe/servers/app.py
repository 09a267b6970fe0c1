"""An HTTPS API that verifies JWTs and client certificates, with flaws that can be switched on.

Correct by default: RS256 only with the identity provider's key (kid ``idp-1``), issuer,
audience, exp and nbf checked, client certificate from the test CA required, TLS 1.2+,
a token-bucket rate limit, no debug paths. Each flaw breaks exactly one of these:

  no_auth        answer /api/ without any token
  alg_none       accept alg none (any case)
  strip_sig      accept tokens with an empty signature
  no_verify      decode tokens without verifying the signature
  no_exp no_nbf no_iss no_aud   skip that claim check
  kid_fallback   unknown kid: accept without verifying
  key_confusion  HS256 verified with the RSA public key PEM as HMAC secret
  trust_jwk trust_jku trust_x5u   take the key from the token header
  mtls_off       do not ask for client certificates
  tls10 tls11    accept TLS 1.0 (and 1.1) / TLS 1.1
  plaintext_too  also answer plain HTTP on the TLS port
  no_rate_limit  no throttling
  debug          serve /actuator/env, /debug/pprof/, /.env, /server-status, /metrics
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
import urllib.request
import warnings
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

FLAWS = frozenset({
    "no_auth", "alg_none", "strip_sig", "no_verify", "no_exp", "no_nbf", "no_iss", "no_aud",
    "kid_fallback", "key_confusion", "trust_jwk", "trust_jku", "trust_x5u", "mtls_off", "tls10",
    "tls11", "plaintext_too", "no_rate_limit", "debug",
})
DEBUG_BODIES = {
    "/actuator/env": b'{"activeProfiles":[],"propertySources":[{"name":"env"}]}',
    "/debug/pprof/": b"<html>/debug/pprof/ goroutine heap profile</html>",
    "/.env": b"DB_PASSWORD=hunter2\nAPI_KEY=abc\n",
    "/server-status": b"Apache Server Status\nServer Version: Apache/2.4\n",
    "/metrics": b"# HELP requests_total Requests.\n# TYPE requests_total counter\nrequests_total 1\n",
}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class AppConfig:
    issuer: str
    audience: str
    kid: str
    public_pem: bytes
    flaws: frozenset[str] = frozenset()
    hmac_secret: bytes = b""
    bucket: tuple[float, float] = (60.0, 20.0)  # capacity, refill per second
    fetched: list[str] = field(default_factory=list)
    requests: int = 0  # HTTP requests handled (not counting failed handshakes)

    def __post_init__(self) -> None:
        unknown = self.flaws - FLAWS
        if unknown:
            raise ValueError(f"unknown flaws {sorted(unknown)}")
        key = serialization.load_pem_public_key(self.public_pem)
        assert isinstance(key, rsa.RSAPublicKey)
        self.public_key = key
        self._tokens, self._stamp = self.bucket[0], time.monotonic()
        self._lock = threading.Lock()

    def allow_request(self) -> bool:
        if "no_rate_limit" in self.flaws:
            return True
        with self._lock:
            now = time.monotonic()
            cap, refill = self.bucket
            self._tokens = min(cap, self._tokens + (now - self._stamp) * refill)
            self._stamp = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    def _claims_ok(self, claims: dict[str, Any]) -> bool:
        now = time.time()
        if "no_exp" not in self.flaws and not (isinstance(claims.get("exp"), int | float)
                                               and claims["exp"] > now - 30):
            return False
        if "no_nbf" not in self.flaws and isinstance(claims.get("nbf"), int | float) \
                and claims["nbf"] > now + 30:
            return False
        if "no_iss" not in self.flaws and claims.get("iss") != self.issuer:
            return False
        aud = claims.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        return "no_aud" in self.flaws or self.audience in auds

    def _fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        with urllib.request.urlopen(url, timeout=3) as resp:
            return bytes(resp.read())

    def _header_key(self, header: dict[str, Any]) -> Any:
        if "trust_jwk" in self.flaws and isinstance(header.get("jwk"), dict):
            jwk = header["jwk"]
            return rsa.RSAPublicNumbers(int.from_bytes(_unb64(jwk["e"]), "big"),
                                        int.from_bytes(_unb64(jwk["n"]), "big")).public_key()
        if "trust_jku" in self.flaws and isinstance(header.get("jku"), str):
            for jwk in json.loads(self._fetch(header["jku"]))["keys"]:
                if jwk.get("kid") == header.get("kid"):
                    return rsa.RSAPublicNumbers(int.from_bytes(_unb64(jwk["e"]), "big"),
                                                int.from_bytes(_unb64(jwk["n"]), "big")
                                                ).public_key()
        if "trust_x5u" in self.flaws and isinstance(header.get("x5u"), str):
            return x509.load_pem_x509_certificate(self._fetch(header["x5u"])).public_key()
        return None

    def verify(self, token: str) -> bool:
        parts = token.split(".")
        if len(parts) != 3:
            return False
        try:
            header, claims = json.loads(_unb64(parts[0])), json.loads(_unb64(parts[1]))
            sig = _unb64(parts[2])
        except ValueError:
            return False
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return False
        alg, signing_input = str(header.get("alg", "")), f"{parts[0]}.{parts[1]}".encode()
        if alg.lower() == "none":
            return "alg_none" in self.flaws and self._claims_ok(claims)
        if not sig:
            return "strip_sig" in self.flaws and self._claims_ok(claims)
        if "no_verify" in self.flaws:
            return self._claims_ok(claims)
        try:
            key = self._header_key(header)
        except (OSError, ValueError, KeyError):
            return False
        if key is None:
            if header.get("kid") != self.kid:
                return "kid_fallback" in self.flaws and self._claims_ok(claims)
            key = self.public_key
        if alg == "HS256":
            secret = self.public_pem if "key_confusion" in self.flaws else self.hmac_secret
            good = bool(secret) and hmac.compare_digest(
                hmac.new(secret, signing_input, hashlib.sha256).digest(), sig)
            return good and self._claims_ok(claims)
        if alg != "RS256" or not isinstance(key, rsa.RSAPublicKey):
            return False
        try:
            key.verify(sig, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return self._claims_ok(claims)


class Handler(BaseHTTPRequestHandler):
    server: AppServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _token_ok(self) -> bool:
        auth = self.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and self.server.app.verify(auth[7:].strip())

    def do_GET(self) -> None:
        app, path = self.server.app, self.path.split("?", 1)[0]
        with app._lock:
            app.requests += 1
        if "debug" in app.flaws and path in DEBUG_BODIES:
            self._reply(200, DEBUG_BODIES[path], "text/plain")
        elif path == "/auth/check":
            self._reply(200 if self._token_ok() else 401, b"{}")
        elif path.startswith("/api/"):
            if not app.allow_request():
                self._reply(429, b'{"error":"slow down"}')
            elif "no_auth" in app.flaws or self._token_ok():
                self._reply(200, b'{"orders":[]}')
            else:
                self._reply(401, b'{"error":"unauthorized"}')
        else:
            self._reply(404, b'{"error":"not found"}')

    do_HEAD = do_GET


class AppServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, port: int, app: AppConfig, cert: tuple[Path, Path], ca: Path) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.app = app
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(cert[0]), str(cert[1]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if "tls10" in app.flaws or "tls11" in app.flaws:
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                ctx.minimum_version = (ssl.TLSVersion.TLSv1 if "tls10" in app.flaws
                                       else ssl.TLSVersion.TLSv1_1)
            else:
                ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if "mtls_off" not in app.flaws:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(cafile=str(ca))
        self.ssl_ctx = ctx

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(5)
        conn = request
        try:
            first = request.recv(1, socket.MSG_PEEK)
            if not ("plaintext_too" in self.app.flaws and first and first != b"\x16"):
                conn = self.ssl_ctx.wrap_socket(request, server_side=True)
            self.RequestHandlerClass(conn, client_address, self)  # type: ignore[arg-type]
        except (OSError, ssl.SSLError):
            pass
        finally:
            if conn is not request:
                conn.close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> AppServer:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main() -> None:  # pragma: no cover - manual use and the bench
    from tests.probe.servers.certs import AUDIENCE, ISSUER, KID, make_pki

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, required=True, help="folder for keys and certificates")
    parser.add_argument("--flaws", default="", help="comma-separated flaws")
    parser.add_argument("--count", type=int, default=1, help="how many servers (ports)")
    args = parser.parse_args()
    pki = make_pki(args.dir)
    flaws = frozenset(f for f in args.flaws.split(",") if f)
    servers = [AppServer(0, AppConfig(ISSUER, AUDIENCE, KID, pki.idp_public_pem.read_bytes(),
                                      flaws), pki.server["good"], pki.ca_pem).start()
               for _ in range(args.count)]
    (args.dir / "token").write_text(pki.token())
    print(json.dumps({"ports": [s.port for s in servers]}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":  # pragma: no cover
    main()
