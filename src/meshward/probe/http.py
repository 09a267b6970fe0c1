"""A small HTTP/1.1 client on asyncio streams; every byte goes through the safety layer.

One connection per request (``Connection: close``), bodies capped, one timeout around
connect + handshake + exchange. TLS contexts never verify by default: certificate
problems are findings of the transport checks, not reasons to stop probing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import warnings
from collections.abc import Coroutine
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from meshward.probe.safety import Allowlist, Budget, BudgetExhausted, HostRate, check_method

T = TypeVar("T")

MAX_BODY = 256 * 1024
USER_AGENT = "meshward-probe/1"


class ConnectFailed(Exception):
    """No HTTP answer: refused, reset, timed out, or the TLS handshake failed."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class TlsOptions:
    verify: bool = False
    ca: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    version: str = ""  # pin one version: "TLSv1", "TLSv1_1", ... ("" = library defaults)


@dataclass(frozen=True)
class Handshake:
    version: str
    der: bytes


@dataclass
class Stats:
    requests: int = 0
    failures: int = 0
    hosts: set[str] = field(default_factory=set)


def _tls_version(name: str) -> ssl.TLSVersion:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(ssl.TLSVersion, name)  # type: ignore[no-any-return]


@cache
def client_context(opts: TlsOptions) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if opts.verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        if opts.ca:
            ctx.load_verify_locations(cafile=str(opts.ca))
        else:
            ctx.load_default_certs()
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if opts.client_cert and opts.client_key:
        ctx.load_cert_chain(str(opts.client_cert), str(opts.client_key))
    if opts.version:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = _tls_version(opts.version)
            ctx.maximum_version = _tls_version(opts.version)
    return ctx


@cache
def legacy_tls_unavailable(version: str) -> str:
    """Why this OpenSSL cannot offer ``version`` (empty when it can), tested in memory."""
    try:
        from meshward.probe.selfcert import memory_server_context

        client = client_context(TlsOptions(version=version))
        server = memory_server_context(version)
        cin, cout, sin, sout = (ssl.MemoryBIO() for _ in range(4))
        c = client.wrap_bio(cin, cout, server_hostname="localhost")
        s = server.wrap_bio(sin, sout, server_side=True)
        for _ in range(20):
            done = 0
            for side, src, dst in ((c, cout, sin), (s, sout, cin)):
                try:
                    side.do_handshake()
                    done += 1
                except ssl.SSLWantReadError:
                    pass
                data = src.read()
                if data:
                    dst.write(data)
            if done == 2:
                return "" if c.version() == version.replace("_", ".") else (
                    f"negotiated {c.version()} instead")
        return "handshake did not finish"
    except (ssl.SSLError, ValueError, AttributeError) as exc:
        return f"{ssl.OPENSSL_VERSION} cannot offer {version.replace('_', '.')}: {exc}"


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ConnectFailed(f"not an HTTP response: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while pos < len(data):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(data[pos:end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[end + 2:end + 2 + size]
        pos = end + 4 + size
    return bytes(out)


class HttpClient:
    def __init__(self, allow: Allowlist, budget: Budget, rate: HostRate, timeout: float,
                 concurrency: int) -> None:
        self.allow, self.budget, self.rate, self.timeout = allow, budget, rate, timeout
        self._slots = asyncio.Semaphore(concurrency)
        self.stats = Stats()

    async def _open(self, host: str, port: int, tls: TlsOptions | None, sni: str
                    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.allow.check(host, "connection")
        self.budget.spend()
        await self.rate.wait(host)
        self.stats.requests += 1
        self.stats.hosts.add(host)
        if tls is None:
            return await asyncio.open_connection(host, port)
        return await asyncio.open_connection(
            host, port, ssl=client_context(tls), server_hostname=sni or host.strip("[]"),
            ssl_handshake_timeout=self.timeout)

    async def _guard(self, what: str, coro: Coroutine[Any, Any, T]) -> T:
        async with self._slots:
            try:
                return await asyncio.wait_for(coro, self.timeout)
            except (OSError, ssl.SSLError, EOFError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError, TimeoutError, ValueError, BudgetExhausted) as exc:
                self.stats.failures += 1
                reason = type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"
                raise ConnectFailed(f"{what}: {reason}") from None

    async def request(self, method: str, url: str, headers: dict[str, str] | None = None,
                      tls: TlsOptions | None = None, sni: str = "",
                      methods: tuple[str, ...] = ()) -> Response:
        """One request; ``tls`` applies to https URLs (defaults: no verification)."""
        check_method(method, methods)
        parts = urlsplit(url)
        host = parts.hostname or ""
        self.allow.check(host, f"request to {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        use_tls = (tls or TlsOptions()) if parts.scheme == "https" else None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}",
                 f"User-Agent: {USER_AGENT}", "Accept: */*", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

        async def go() -> Response:
            reader, writer = await self._open(host, port, use_tls, sni)
            try:
                writer.write(raw)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status, hdrs = _parse_head(head[:-4])
                if method == "HEAD" or status in (204, 304):
                    body = b""
                elif hdrs.get("content-length", "").isdigit():
                    body = await reader.readexactly(min(int(hdrs["content-length"]), MAX_BODY))
                else:
                    body = await reader.read(MAX_BODY)
                    if "chunked" in hdrs.get("transfer-encoding", "").lower():
                        body = _dechunk(body)
                return Response(status, hdrs, body)
            finally:
                writer.close()
                with contextlib.suppress(OSError, ssl.SSLError):
                    await writer.wait_closed()

        return await self._guard(f"{method} {url}", go())

    async def handshake(self, host: str, port: int, tls: TlsOptions, sni: str = "") -> Handshake:
        """Complete a TLS handshake only; the negotiated version and the leaf certificate."""

        async def go() -> Handshake:
            _, writer = await self._open(host, port, tls, sni)
            try:
                obj = writer.get_extra_info("ssl_object")
                der = obj.getpeercert(binary_form=True) if obj else b""
                return Handshake(obj.version() if obj else "", der or b"")
            finally:
                writer.close()
                with contextlib.suppress(OSError, ssl.SSLError):
                    await writer.wait_closed()

        return await self._guard(f"TLS handshake with {host}:{port}", go())

    async def connects(self, host: str, port: int) -> bool:
        """Whether a TCP connection to ``host:port`` is accepted."""

        async def go() -> bool:
            _, writer = await self._open(host, port, None, "")
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return True

        try:
            return await self._guard(f"connect {host}:{port}", go())
        except ConnectFailed:
            return False
