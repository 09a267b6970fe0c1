"""Registry credentials: Docker's config file and the WWW-Authenticate challenge.

Registries answer an anonymous request with ``401`` and a challenge. ``Basic realm=...``
asks for the user's password on every request; ``Bearer realm=...,service=...,scope=...``
sends the client to a token server (``GET realm?service=..&scope=repository:NAME:pull``,
with the user's password as Basic auth when there is one), whose JSON answer carries
``token`` (or ``access_token``) to send as ``Authorization: Bearer``.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

_PARAM = re.compile(r'([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_HUB_KEYS = ("https://index.docker.io/v1/", "index.docker.io", "docker.io",
             "registry-1.docker.io", "https://registry-1.docker.io")


@dataclass(frozen=True, slots=True)
class Challenge:
    scheme: str  # "bearer" | "basic" | other, lower case
    params: dict[str, str] = field(default_factory=dict)


def parse_challenge(header: str) -> Challenge | None:
    """The first challenge of a WWW-Authenticate header (registries send one)."""
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    params = {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
              for m in _PARAM.finditer(rest)}
    return Challenge(scheme.lower(), params)


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str

    def basic(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode()


@dataclass
class DockerConfig:
    """``auths`` of ``~/.docker/config.json`` (or ``$DOCKER_CONFIG/config.json``)."""

    path: str = ""
    auths: dict[str, Credentials] = field(default_factory=dict)
    helpers: dict[str, str] = field(default_factory=dict)  # host -> credential helper name
    store: str = ""
    problems: list[str] = field(default_factory=list)

    def lookup(self, registry: str) -> Credentials | None:
        keys = _HUB_KEYS if registry == "docker.io" else (
            registry, f"https://{registry}", f"http://{registry}", f"https://{registry}/v1/",
            f"https://{registry}/v2/")
        for key in keys:
            creds = self.auths.get(key)
            if creds is not None:
                return creds
        return None

    def helper_for(self, registry: str) -> str:
        return self.helpers.get(registry, "") or self.store


def default_docker_config_path() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def load_docker_config(path: Path | None = None) -> DockerConfig:
    """Read the credentials; a missing file is no credentials, a bad one is a problem noted."""
    path = path or default_docker_config_path()
    cfg = DockerConfig(path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return cfg
    except OSError as exc:
        cfg.problems.append(f"{path}: cannot read Docker credentials: {exc.strerror}")
        return cfg
    try:
        data = json.loads(text)
    except ValueError as exc:
        cfg.problems.append(f"{path}: Docker config is not JSON ({exc}); registries are asked "
                            "anonymously")
        return cfg
    if not isinstance(data, dict):
        cfg.problems.append(f"{path}: Docker config is not a JSON object")
        return cfg
    auths = data.get("auths")
    for host, entry in (auths.items() if isinstance(auths, dict) else ()):
        creds = _entry_credentials(entry)
        if creds is not None:
            cfg.auths[str(host).rstrip("/") if not str(host).endswith("/v1/") else str(host)] = creds
    helpers = data.get("credHelpers")
    if isinstance(helpers, dict):
        cfg.helpers = {str(k): str(v) for k, v in helpers.items()}
    store = data.get("credsStore")
    cfg.store = str(store) if isinstance(store, str) else ""
    return cfg


def _entry_credentials(entry: object) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    auth: object = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            user, sep, password = base64.b64decode(auth, validate=False).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if sep:
            return Credentials(user, password)
    name, secret = entry.get("username"), entry.get("password")
    if isinstance(name, str) and isinstance(secret, str):
        return Credentials(name, secret)
    return None
