"""nginx as the API gateway (TLS, limit_req, auth_request) in front of the test service:
probed through the gateway and directly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshward.probe import http as probe_http
from tests.probe.conftest import StartApp, endpoint, probe_file, write_targets
from tests.probe.servers.certs import Pki
from tests.probe.servers.nginx import Gateway, GatewayOptions, nginx_binary

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed "
                                "(apt-get install nginx)")


@pytest.fixture
def gateways(tmp_path: Path, pki: Pki) -> Iterator[Any]:
    started: list[Gateway] = []

    def start(upstream: int, **options: Any) -> Gateway:
        folder = tmp_path / f"nginx{len(started)}"
        folder.mkdir()
        gw = Gateway(folder, upstream, pki, GatewayOptions(**options))
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()


def _edge(pki: Pki, port: int, **changes: Any) -> dict[str, Any]:
    """The gateway endpoint: token at the edge, no client certificate there."""
    base = {"name": "gateway", "expects": ["token"], "client_cert": None, "client_key": None,
            "rate_limit": {"requests": 20, "burst": 50}}
    return endpoint(pki, port, **{**base, **changes})


def _found(result: Any) -> set[tuple[str, str]]:
    return {(f.rule_id, f.service) for f in result.findings}


def test_correct_gateway_and_service_are_clean(pki: Pki, start_app: StartApp, gateways: Any,
                                               tmp_path: Path) -> None:
    app = start_app()
    gw = gateways(app.port)
    result = probe_file(write_targets(tmp_path, [_edge(pki, gw.port),
                                                 endpoint(pki, app.port, name="direct")]))
    assert result.findings == []
    assert app.app.requests > 0  # auth_request and proxying reached the service


def test_gateway_auth_request_covers_an_open_service(pki: Pki, start_app: StartApp,
                                                     gateways: Any, tmp_path: Path) -> None:
    app = start_app("no_auth")
    gw = gateways(app.port)
    result = probe_file(write_targets(tmp_path, [_edge(pki, gw.port),
                                                 endpoint(pki, app.port, name="direct")]))
    assert _found(result) == {("MWP01", "direct")}


def test_gateway_without_auth_request(pki: Pki, start_app: StartApp, gateways: Any,
                                      tmp_path: Path) -> None:
    app = start_app("no_auth")
    gw = gateways(app.port, auth=False)
    result = probe_file(write_targets(tmp_path, [_edge(pki, gw.port)]))
    assert _found(result) == {("MWP01", "gateway")}


def test_weak_gateway(pki: Pki, start_app: StartApp, gateways: Any, tmp_path: Path) -> None:
    app = start_app("no_rate_limit")
    gw = gateways(app.port, protocols="TLSv1 TLSv1.1 TLSv1.2", legacy_ciphers=True, rate=None,
                  client_certs="optional_no_ca", metrics=True)
    ep = _edge(pki, gw.port, expects=["token", "client_cert"], client_cert=str(pki.client_cert),
               client_key=str(pki.client_key), rate_limit=None)
    result = probe_file(write_targets(tmp_path, [ep]))
    expected = {("MWP27", "gateway"), ("MWP30", "gateway"), ("MWP31", "gateway")}
    for rule, version in (("MWP21", "TLSv1"), ("MWP22", "TLSv1_1")):
        if not probe_http.legacy_tls_unavailable(version):
            expected.add((rule, "gateway"))
    assert _found(result) == expected
    metrics = next(f for f in result.findings if f.rule_id == "MWP31")
    assert metrics.key.endswith("#/metrics")
