"""The probe's own key server on 127.0.0.1, for tokens whose ``jku``/``x5u`` point at it.

It serves the probe's attacker key as a JWKS and as a PEM certificate, and remembers
which one-time paths were fetched, so a service that fetches them is caught even
when it then rejects the token.
"""

from __future__ import annotations

import asyncio
import json
import secrets

from meshward.probe.jwt import public_jwk
from meshward.probe.selfcert import PROBE_KID, probe_keys


class KeyServer:
    def __init__(self) -> None:
        self.fetched: set[str] = set()
        self._kids: dict[str, str] = {}
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def url(self, kind: str, kid: str = PROBE_KID) -> tuple[str, str]:
        """A fresh URL (``jwks`` or ``x5u``) serving the probe key as ``kid``, and its nonce."""
        nonce = secrets.token_hex(8)
        self._kids[nonce] = kid
        suffix = "json" if kind == "jwks" else "pem"
        return f"http://127.0.0.1:{self.port}/{kind}/{nonce}.{suffix}", nonce

    def _body(self, path: str) -> bytes | None:
        keys = probe_keys()
        parts = path.strip("/").split("/")
        if len(parts) != 2:
            return None
        kind, name = parts
        nonce = name.rsplit(".", 1)[0]
        if kind == "jwks":
            self.fetched.add(nonce)
            jwk = public_jwk(keys.signing_key.public_key(), self._kids.get(nonce, PROBE_KID))
            return json.dumps({"keys": [{**jwk, "alg": "RS256", "use": "sig"}]}).encode()
        if kind == "x5u":
            self.fetched.add(nonce)
            return keys.signing_cert_pem
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            path = parts[1].split("?", 1)[0] if len(parts) >= 2 else "/"
            body = self._body(path)
            status = "200 OK" if body is not None else "404 Not Found"
            body = body if body is not None else b"not found"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n"
                         f"Connection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass
        finally:
            writer.close()
