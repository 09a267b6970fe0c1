"""A small, bounded HTTP client for registries and Notary servers.

Bounded: every request counts against a budget, answers larger than ``max_bytes`` are
refused, every connection has a timeout, redirects are followed at most three times (and
credentials never follow a redirect to another host). Auth challenges (``401`` with
WWW-Authenticate) are answered once per request, with tokens cached per realm and scope.
Thread-safe: the runner calls it from a thread pool.
"""

from __future__ import annotations

import json
import ssl
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlencode, urljoin, urlsplit

from meshward.images.auth import Challenge, Credentials, DockerConfig, parse_challenge

USER_AGENT = "meshward-images/0.1"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class FetchFailed(Exception):
    """Nothing usable came back: connection refused, TLS failure, timeout, budget spent."""


class BudgetSpent(FetchFailed):
    pass


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Limits:
    requests: int = 5000
    timeout: float = 10.0
    max_bytes: int = 8 * 1024 * 1024


@dataclass
class HttpClient:
    docker: DockerConfig = field(default_factory=DockerConfig)
    limits: Limits = field(default_factory=Limits)
    ca_file: str = ""
    sent: int = 0
    _tokens: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        ctx = ssl.create_default_context()
        if self.ca_file:
            ctx.load_verify_locations(self.ca_file)
        self._opener = urllib.request.build_opener(
            _NoRedirect(), urllib.request.HTTPSHandler(context=ctx))

    # -- plumbing -------------------------------------------------------------------------

    def _count(self) -> None:
        with self._lock:
            if self.sent >= self.limits.requests:
                raise BudgetSpent(f"request budget of {self.limits.requests} spent")
            self.sent += 1

    def _once(self, method: str, url: str, headers: dict[str, str]) -> Response:
        self._count()
        req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT,
                                                                  **headers})
        try:
            resp = self._opener.open(req, timeout=self.limits.timeout)
        except urllib.error.HTTPError as exc:
            body = exc.read(self.limits.max_bytes + 1) if method != "HEAD" else b""
            return Response(exc.code, _lower(exc.headers), body[: self.limits.max_bytes], url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchFailed(f"{urlsplit(url).netloc}: {reason}") from None
        with resp:
            body = resp.read(self.limits.max_bytes + 1) if method != "HEAD" else b""
            if len(body) > self.limits.max_bytes:
                raise FetchFailed(f"{url}: answer larger than {self.limits.max_bytes} bytes")
            return Response(resp.status, _lower(resp.headers), body, url)

    def _follow(self, method: str, url: str, headers: dict[str, str]) -> Response:
        host = urlsplit(url).netloc
        for _ in range(4):
            resp = self._once(method, url, headers)
            if resp.status not in (301, 302, 303, 307, 308) or not resp.header("location"):
                return resp
            url = urljoin(url, resp.header("location"))
            if urlsplit(url).netloc != host:
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        raise FetchFailed(f"{url}: too many redirects")

    # -- the API --------------------------------------------------------------------------

    def bare(self, url: str) -> Response:
        """One GET without credentials and without answering a challenge."""
        return self._follow("GET", url, {})

    def get(self, url: str, headers: dict[str, str] | None = None, registry: str = "",
            scope: str = "", method: str = "GET") -> Response:
        """One request, answering an auth challenge once (Bearer token or Basic)."""
        headers = dict(headers or {})
        creds = self.docker.lookup(registry) if registry else None
        cached = self._cached_auth(url, scope)
        if cached:
            headers["Authorization"] = cached
        resp = self._follow(method, url, headers)
        if resp.status != 401:
            return resp
        challenge = parse_challenge(resp.header("www-authenticate"))
        if challenge is None:
            return resp
        auth = self._answer(challenge, creds, scope, url)
        if not auth:
            return resp
        headers["Authorization"] = auth
        return self._follow(method, url, headers)

    def _cached_auth(self, url: str, scope: str) -> str:
        with self._lock:
            return self._tokens.get(("", urlsplit(url).netloc, scope), "")

    def _answer(self, ch: Challenge, creds: Credentials | None, scope: str, url: str) -> str:
        netloc = urlsplit(url).netloc
        if ch.scheme == "basic":
            if creds is None:
                return ""
            auth = creds.basic()
        elif ch.scheme == "bearer" and ch.params.get("realm"):
            auth = self._token(ch, creds, scope)
        else:
            return ""
        if auth:
            with self._lock:
                self._tokens[("", netloc, scope)] = auth
        return auth

    def _token(self, ch: Challenge, creds: Credentials | None, scope: str) -> str:
        query: dict[str, str] = {}
        if ch.params.get("service"):
            query["service"] = ch.params["service"]
        wanted = ch.params.get("scope") or scope
        if wanted:
            query["scope"] = wanted
        realm = ch.params["realm"]
        url = realm + ("&" if "?" in realm else "?") + urlencode(query) if query else realm
        headers: dict[str, str] = {}
        parts = urlsplit(realm)
        if creds is not None and (parts.scheme == "https" or parts.hostname in _LOOPBACK):
            headers["Authorization"] = creds.basic()  # passwords never cross plain HTTP
        resp = self._follow("GET", url, headers)
        if not resp.ok:
            raise FetchFailed(f"token server {urlsplit(realm).netloc} answered HTTP {resp.status}")
        data = resp.json()
        token = data.get("token") or data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchFailed(f"token server {urlsplit(realm).netloc} gave no token")
        return f"Bearer {token}"


def _lower(headers: Message) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out and key != "www-authenticate" else value
    return out
