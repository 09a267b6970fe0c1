"""Fixtures for the probe tests: keys and certificates, the test service, targets files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from meshward.probe.runner import ProbeResult, run_probe
from meshward.probe.safety import Allowlist
from meshward.probe.targets import load_targets
from tests.probe.servers.app import AppConfig, AppServer
from tests.probe.servers.certs import AUDIENCE, ISSUER, KID, Pki, make_pki

FAST_LIMITS = {"per_host_rate": 4000, "timeout": 3, "requests": 3000}


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


StartApp = Callable[..., AppServer]


@pytest.fixture
def start_app(pki: Pki) -> Iterator[StartApp]:
    started: list[AppServer] = []

    def start(*flaws: str, cert: str = "good", hmac_secret: bytes = b"") -> AppServer:
        config = AppConfig(ISSUER, AUDIENCE, KID, pki.idp_public_pem.read_bytes(),
                           frozenset(flaws), hmac_secret=hmac_secret)
        server = AppServer(0, config, pki.server[cert], pki.ca_pem).start()
        started.append(server)
        return server

    yield start
    for s in started:
        s.stop()


def endpoint(pki: Pki, port: int, **changes: Any) -> dict[str, Any]:
    """A fully described endpoint of the test service; ``changes`` override or (None) drop."""
    out: dict[str, Any] = {
        "name": "orders", "url": f"https://127.0.0.1:{port}/api/orders",
        "expects": ["token", "client_cert"], "issuer": ISSUER, "audience": AUDIENCE, "kid": KID,
        "public_key": str(pki.idp_public_pem), "signing_key": str(pki.idp_private_pem),
        "valid_token": pki.token(), "client_cert": str(pki.client_cert),
        "client_key": str(pki.client_key), "ca": str(pki.ca_pem),
        "rate_limit": {"requests": 20, "burst": 60},
    }
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def write_targets(folder: Path, endpoints: list[dict[str, Any]], **top: Any) -> Path:
    doc: dict[str, Any] = {"limits": dict(FAST_LIMITS), "endpoints": endpoints}
    doc.update(top)
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def probe_file(path: Path, select: tuple[str, ...] = (), allow: tuple[str, ...] = ()
               ) -> ProbeResult:
    t = load_targets(path)
    assert t.errors == []
    return run_probe(t.endpoints, t.limits, Allowlist([*t.allow, *allow]), select)


def rule_ids(result: ProbeResult) -> set[str]:
    return {f.rule_id for f in result.findings}
