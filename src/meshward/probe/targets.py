"""The targets file: which endpoints to probe, what each should demand, and the limits.

Every problem becomes an :class:`InputError` with file and line; nothing is sent when
the file has one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from meshward.errors import InputError
from meshward.loaders.yamlsrc import ParseError, iter_yaml_documents
from meshward.model.source import Location, YMap, YSeq

EXPECTS = ("token", "client_cert", "none")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_ENDPOINT_KEYS = {
    "name", "url", "expects", "issuer", "audience", "jwks_url", "public_key", "signing_key",
    "kid", "valid_token", "valid_token_env", "client_cert", "client_key", "ca", "rate_limit",
    "methods", "public", "private_ports", "server_name",
}
_TOP_KEYS = {"version", "allow", "limits", "defaults", "endpoints", "inventory"}
_LIMIT_KEYS = {"requests", "per_host_rate", "timeout", "burst", "concurrency"}
_FILE_KEYS = ("public_key", "signing_key", "client_cert", "client_key", "ca")


@dataclass(frozen=True)
class RateLimit:
    """What the endpoint should allow: ``requests`` per second, plus a ``burst``."""

    requests: float
    burst: int = 0


@dataclass
class Limits:
    requests: int = 2000  # global request budget of one run
    per_host_rate: float = 100.0  # requests per second to one host
    timeout: float = 5.0  # seconds per connection or request
    burst: int = 200  # most requests the rate-limit check may send to one endpoint
    concurrency: int = 32  # connections open at once


@dataclass
class Endpoint:
    name: str
    url: str
    location: Location
    expects: frozenset[str] = frozenset()
    issuer: str = ""
    audience: str = ""
    jwks_url: str = ""
    public_key: Path | None = None
    signing_key: Path | None = None
    kid: str = ""
    valid_token: str = ""
    client_cert: Path | None = None
    client_key: Path | None = None
    ca: Path | None = None
    rate_limit: RateLimit | None = None
    methods: tuple[str, ...] = ("GET",)
    public: bool = True
    private_ports: tuple[int, ...] = ()
    server_name: str = ""
    service: str | None = None

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@dataclass
class InventoryMap:
    """Probe every service of a scanned tree: ``path`` and a base URL per service."""

    path: Path
    services: dict[str, tuple[str, int]]  # service -> (base URL, line)
    location: Location


@dataclass
class Targets:
    path: str
    endpoints: list[Endpoint] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    defaults: dict[str, Any] = field(default_factory=dict)
    defaults_lines: dict[str, int] = field(default_factory=dict)
    inventory: InventoryMap | None = None
    errors: list[InputError] = field(default_factory=list)


def check_url(url: Any, where: str, line: int, errors: list[InputError], label: str = "url") -> str:
    if not isinstance(url, str) or not url.strip():
        errors.append(InputError(where, line, f"`{label}` must be an http(s) URL"))
        return ""
    parts = urlsplit(url.strip())
    try:
        _ = parts.port
    except ValueError:
        errors.append(InputError(where, line, f"`{label}` {url!r} has a bad port"))
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(InputError(where, line, f"`{label}` {url!r} is not an http:// or https:// URL",
                                 "write e.g. https://127.0.0.1:8443/api"))
        return ""
    return url.strip()


class _Reader:
    """Read one endpoint mapping (merged with ``defaults``) into an :class:`Endpoint`."""

    def __init__(self, targets: Targets, base: Path) -> None:
        self.t = targets
        self.base = base

    def err(self, line: int, message: str, hint: str = "") -> None:
        self.t.errors.append(InputError(self.t.path, line, message, hint))

    def endpoint(self, raw: YMap, index: int) -> Endpoint | None:
        merged: dict[str, Any] = {**self.t.defaults, **raw}
        lines = {**self.t.defaults_lines, **raw.key_lines}

        def ln(key: str) -> int:
            return lines.get(key, raw.line)

        for key in raw:
            if key not in _ENDPOINT_KEYS:
                self.err(raw.line_of(key), f"unknown endpoint key `{key}`",
                         "see docs/probe.md for the targets file format")
        url = check_url(merged.get("url"), self.t.path, ln("url"), self.t.errors)
        if not url:
            return None
        ep = Endpoint(name=str(merged.get("name") or f"endpoint-{index + 1}"), url=url,
                      location=Location(self.t.path, raw.line))
        ep.service = str(merged["name"]) if merged.get("name") else None
        ep.expects = self._expects(merged.get("expects", "none"), ln("expects"))
        for key in ("issuer", "audience", "kid", "server_name"):
            value = merged.get(key, "")
            if not isinstance(value, str):
                self.err(ln(key), f"`{key}` must be text")
            else:
                setattr(ep, key, value)
        if merged.get("jwks_url"):
            ep.jwks_url = check_url(merged["jwks_url"], self.t.path, ln("jwks_url"),
                                    self.t.errors, "jwks_url")
        for key in _FILE_KEYS:
            if merged.get(key):
                setattr(ep, key, self._file(merged[key], key, ln(key)))
        if (ep.client_cert is None) != (ep.client_key is None):
            self.err(raw.line, "`client_cert` and `client_key` go together")
        ep.valid_token = self._token(merged, ln)
        ep.rate_limit = self._rate(merged.get("rate_limit"), ln("rate_limit"))
        ep.methods = self._methods(merged.get("methods", ["GET"]), ln("methods"))
        public = merged.get("public", True)
        if not isinstance(public, bool):
            self.err(ln("public"), "`public` must be true or false")
        ep.public = public is not False
        ep.private_ports = self._ports(merged.get("private_ports", []), ln("private_ports"))
        return ep

    def _expects(self, value: Any, line: int) -> frozenset[str]:
        items = value if isinstance(value, list) else [value]
        out: set[str] = set()
        for item in items:
            if item not in EXPECTS:
                self.err(line, f"`expects` {item!r} is not one of {', '.join(EXPECTS)}")
            elif item != "none":
                out.add(str(item))
        return frozenset(out)

    def _file(self, value: Any, key: str, line: int) -> Path | None:
        if not isinstance(value, str):
            self.err(line, f"`{key}` must be a file path")
            return None
        path = Path(os.path.expanduser(value))
        path = path if path.is_absolute() else self.base / path
        if not path.is_file():
            self.err(line, f"`{key}` file {value} not found",
                     "paths are relative to the targets file")
            return None
        return path

    def _token(self, merged: dict[str, Any], ln: Any) -> str:
        token = merged.get("valid_token", "")
        env = merged.get("valid_token_env", "")
        if env:
            if not isinstance(env, str) or env not in os.environ:
                self.err(ln("valid_token_env"), f"environment variable {env} is not set")
                return ""
            token = os.environ[env]
        if not isinstance(token, str):
            self.err(ln("valid_token"), "`valid_token` must be a compact JWT string")
            return ""
        if token and token.count(".") != 2:
            self.err(ln("valid_token" if not env else "valid_token_env"),
                     "`valid_token` is not a compact JWT (three dot-separated parts)")
            return ""
        return token.strip()

    def _rate(self, value: Any, line: int) -> RateLimit | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return RateLimit(float(value))
        if isinstance(value, dict):
            req, burst = value.get("requests"), value.get("burst", 0)
            per = value.get("per", "second")
            secs = {"second": 1.0, "minute": 60.0, "hour": 3600.0}.get(str(per))
            if (isinstance(req, int | float) and not isinstance(req, bool) and req > 0
                    and isinstance(burst, int) and burst >= 0 and secs):
                return RateLimit(float(req) / secs, burst)
        self.err(line, "`rate_limit` must be a number of requests per second, or "
                       "{requests: N, per: second|minute|hour, burst: N}")
        return None

    def _methods(self, value: Any, line: int) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(m, str) for m in value):
            self.err(line, "`methods` must be a list of HTTP methods, e.g. [GET]")
            return ("GET",)
        return tuple(m.upper() for m in value)

    def _ports(self, value: Any, line: int) -> tuple[int, ...]:
        if not isinstance(value, list) or not all(
                isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in value):
            self.err(line, "`private_ports` must be a list of port numbers")
            return ()
        return tuple(value)


def _limits(raw: Any, t: Targets, line: int) -> None:
    if not isinstance(raw, YMap):
        t.errors.append(InputError(t.path, line, "`limits` must be a mapping"))
        return
    for key, value in raw.items():
        kl = raw.line_of(key)
        if key not in _LIMIT_KEYS:
            t.errors.append(InputError(t.path, kl, f"unknown limit `{key}`",
                                       f"use {', '.join(sorted(_LIMIT_KEYS))}"))
        elif not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            t.errors.append(InputError(t.path, kl, f"limit `{key}` must be a positive number"))
        elif key in ("requests", "burst", "concurrency"):
            setattr(t.limits, key, int(value))
        else:
            setattr(t.limits, key, float(value))


def _inventory(raw: Any, t: Targets, base: Path, line: int) -> None:
    if not isinstance(raw, YMap) or not isinstance(raw.get("services"), YMap):
        t.errors.append(InputError(t.path, line, "`inventory` needs `path` and a `services` "
                                   "mapping of service name to base URL"))
        return
    path_value = raw.get("path", ".")
    path = Path(str(path_value))
    path = path if path.is_absolute() else base / path
    if not path.exists():
        t.errors.append(InputError(t.path, raw.line_of("path"), f"inventory path {path_value} "
                                   "not found", "paths are relative to the targets file"))
        return
    services: dict[str, tuple[str, int]] = {}
    smap: YMap = raw["services"]
    for name, url in smap.items():
        good = check_url(url, t.path, smap.line_of(name), t.errors, f"services.{name}")
        if good:
            services[name] = (good, smap.line_of(name))
    t.inventory = InventoryMap(path, services, Location(t.path, line))


def load_targets(path: Path) -> Targets:
    shown = str(path)
    t = Targets(path=shown)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        t.errors.append(InputError(shown, 0, f"cannot read targets file: {exc.strerror}"))
        return t
    try:
        docs = list(iter_yaml_documents(text))
    except ParseError as exc:
        t.errors.append(InputError(shown, exc.line, f"invalid YAML: {exc.message}"))
        return t
    if len(docs) != 1 or not isinstance(docs[0].value, YMap):
        t.errors.append(InputError(shown, 1, "a targets file is one YAML mapping",
                                   "with `endpoints:` and/or `inventory:`"))
        return t
    root: YMap = docs[0].value
    base = path.resolve().parent
    for key in root:
        if key not in _TOP_KEYS:
            t.errors.append(InputError(shown, root.line_of(key), f"unknown top-level key `{key}`",
                                       f"use {', '.join(sorted(_TOP_KEYS))}"))
    allow = root.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) and a for a in allow):
        t.errors.append(InputError(shown, root.line_of("allow"), "`allow` must be a list of hosts"))
    else:
        t.allow = [a.strip().lower() for a in allow]
    if "limits" in root:
        _limits(root["limits"], t, root.line_of("limits"))
    defaults = root.get("defaults", YMap())
    if not isinstance(defaults, YMap):
        t.errors.append(InputError(shown, root.line_of("defaults"), "`defaults` must be a mapping"))
    else:
        t.defaults, t.defaults_lines = dict(defaults), dict(defaults.key_lines)
    reader = _Reader(t, base)
    endpoints = root.get("endpoints", YSeq())
    if not isinstance(endpoints, YSeq):
        t.errors.append(InputError(shown, root.line_of("endpoints"), "`endpoints` must be a list"))
        endpoints = YSeq()
    for i, raw in enumerate(endpoints):
        if not isinstance(raw, YMap):
            t.errors.append(InputError(shown, endpoints.line_at(i), "each endpoint is a mapping "
                                       "with at least `url`"))
            continue
        ep = reader.endpoint(raw, i)
        if ep is not None:
            t.endpoints.append(ep)
    if "inventory" in root:
        _inventory(root["inventory"], t, base, root.line_of("inventory"))
    if not t.endpoints and t.inventory is None and not t.errors:
        t.errors.append(InputError(shown, 1, "nothing to probe",
                                   "list `endpoints:` or map an `inventory:` to base URLs"))
    return t


def endpoint_from_defaults(t: Targets, name: str, url: str, location: Location) -> Endpoint | None:
    """An endpoint for an inventory service: its base URL plus the file's ``defaults``."""
    raw = YMap({"name": name, "url": url})
    raw.line = location.line
    ep = _Reader(t, Path(t.path).resolve().parent).endpoint(raw, 0)
    if ep is not None:
        ep.location = location
    return ep
