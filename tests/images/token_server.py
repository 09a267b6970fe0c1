"""A small token server as registries use it (distribution's `auth: token`), on 127.0.0.1.

``GET /token?service=..&scope=repository:NAME:pull`` with Basic auth answers a JWT (ES256,
certificate chain in ``x5c``) granting the scope's actions to a known user, and a token
granting nothing to anyone else, as Docker Hub does for anonymous clients.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import trustme
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509 import load_pem_x509_certificate

SERVICE = "meshward-test-registry"
ISSUER = "meshward-test-issuer"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenServer:
    folder: Path
    users: dict[str, str]
    requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        ca = trustme.CA()
        leaf = ca.issue_cert("token-signer")
        self.bundle = self.folder / "token-ca.pem"
        ca.cert_pem.write_to_path(str(self.bundle))
        cert = load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
        self._x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        self._key = key
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                user = server.user(self.headers.get("Authorization", ""))
                server.requests.append({**query, "user": user or ""})
                if user is None and self.headers.get("Authorization"):
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps({"token": server.token(user, query.get("scope", ""))}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.realm = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def user(self, header: str) -> str | None:
        if not header.startswith("Basic "):
            return None
        name, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return name if self.users.get(name) == password else None

    def token(self, user: str | None, scope: str, actions: tuple[str, ...] = ()) -> str:
        access = []
        if user is not None and scope.count(":") >= 2:
            kind, rest = scope.split(":", 1)
            name, wanted = rest.rsplit(":", 1)
            access.append({"type": kind, "name": name,
                           "actions": list(actions or wanted.split(","))})
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": user or "", "aud": SERVICE, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        header = {"typ": "JWT", "alg": "ES256", "x5c": [self._x5c]}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        der = self._key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def registry_auth(self) -> dict[str, object]:
        return {"token": {"realm": self.realm, "service": SERVICE, "issuer": ISSUER,
                          "rootcertbundle": str(self.bundle)}}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
