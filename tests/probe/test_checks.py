"""Every probe check fires on a service with exactly that flaw and stays silent on a correct one."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

import pytest

from meshward.findings.finding import Mode, ResourceRef, Severity
from meshward.probe import http as probe_http
from tests.probe.conftest import StartApp, endpoint, probe_file, rule_ids, write_targets
from tests.probe.servers.certs import Pki

TLS10_MISSING = probe_http.legacy_tls_unavailable("TLSv1")
TLS11_MISSING = probe_http.legacy_tls_unavailable("TLSv1_1")


def test_correct_service_gives_no_finding(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: the private port is closed
        ep = endpoint(pki, app.port, private_ports=[closed.getsockname()[1]])
        result = probe_file(write_targets(tmp_path, [ep]))
    assert result.findings == []
    assert [n for n in result.notices if n.startswith("not run")] == (
        [] if not (TLS10_MISSING or TLS11_MISSING) else result.notices[:1])
    assert 60 < result.requests < 200
    assert app.app.fetched == []


FLAWS = [
    ("no_auth", {"MWP01"}),
    ("alg_none", {"MWP02"}),
    ("strip_sig", {"MWP03"}),
    ("no_verify", {"MWP04"}),
    ("no_exp", {"MWP05"}),
    ("no_nbf", {"MWP06"}),
    ("no_iss", {"MWP07"}),
    ("no_aud", {"MWP08"}),
    ("kid_fallback", {"MWP09"}),
    ("key_confusion", {"MWP10"}),
    ("trust_jwk", {"MWP11"}),
    ("trust_jku", {"MWP12"}),
    ("trust_x5u", {"MWP13"}),
    ("plaintext_too", {"MWP20"}),
    ("mtls_off", {"MWP26", "MWP27"}),
    ("no_rate_limit", {"MWP30"}),
]


@pytest.mark.parametrize(("flaw", "expected"), FLAWS, ids=[f for f, _ in FLAWS])
def test_flaw_fires_exactly_its_check(flaw: str, expected: set[str], pki: Pki,
                                      start_app: StartApp, tmp_path: Path) -> None:
    app = start_app(flaw)
    path = write_targets(tmp_path, [endpoint(pki, app.port)])
    result = probe_file(path)
    assert rule_ids(result) == expected
    line = path.read_text().splitlines().index("- name: orders") + 1
    for f in result.findings:
        assert f.mode is Mode.VERIFY
        assert f.location.line == line  # the endpoint's line in the targets file
        assert f.resource == ResourceRef("Endpoint", f"https://127.0.0.1:{app.port}/api/orders")
        assert f.service == "orders"


@pytest.mark.skipif(bool(TLS10_MISSING), reason=f"local OpenSSL: {TLS10_MISSING}")
def test_tls10_server(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("tls10")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]))
    assert rule_ids(result) == {"MWP21", "MWP22"}
    assert {f.evidence for f in result.findings} == {
        "handshake pinned to TLSv1 negotiated TLSv1",
        "handshake pinned to TLSv1.1 negotiated TLSv1.1"}


@pytest.mark.skipif(bool(TLS11_MISSING), reason=f"local OpenSSL: {TLS11_MISSING}")
def test_tls11_server(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("tls11")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]))
    assert rule_ids(result) == {"MWP22"}


def test_legacy_tls_unavailable_is_reported_not_passed(
        pki: Pki, start_app: StartApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("meshward.probe.transport.legacy_tls_unavailable",
                        lambda v: "OpenSSL 9 cannot" if v == "TLSv1" else "")
    app = start_app("tls11")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]))
    assert rule_ids(result) == {"MWP22"}
    assert ("not run: MWP21 on orders: the local OpenSSL cannot offer TLSv1 (OpenSSL 9 cannot)"
            in result.notices)


@pytest.mark.parametrize(("cert", "rule", "evidence_part"), [
    ("expired", "MWP23", ": expired "),
    ("self_signed", "MWP24", "signed itself; not in the CA file ca.pem"),
    ("wrong_name", "MWP25", "has no subjectAltName matching 127.0.0.1"),
])
def test_bad_server_certificate(cert: str, rule: str, evidence_part: str, pki: Pki,
                                start_app: StartApp, tmp_path: Path) -> None:
    app = start_app(cert=cert)
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]))
    assert rule_ids(result) == {rule}
    assert evidence_part in result.findings[0].evidence


def test_certificate_from_ca_not_given_is_untrusted(pki: Pki, start_app: StartApp,
                                                   tmp_path: Path) -> None:
    app = start_app()
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port, ca=None)]),
                        select=("MWP2*",))
    assert rule_ids(result) == {"MWP24"}
    assert "does not chain to the system trust store" in result.findings[0].message


def test_alg_none_finding_names_every_variant(pki: Pki, start_app: StartApp,
                                              tmp_path: Path) -> None:
    app = start_app("alg_none")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]), select=("MWP02",))
    [f] = result.findings
    assert f.message == "orders accepted a forged token: alg none"
    assert f.evidence == ("alg none -> HTTP 200; alg None -> HTTP 200; alg NONE -> HTTP 200; "
                          "alg nOnE -> HTTP 200")
    assert f.severity is Severity.CRITICAL
    assert f.practices == ("AUTH-JWT", "AUTH-PENTEST")


def test_jku_url_is_served_by_the_probe_and_fetched(pki: Pki, start_app: StartApp,
                                                    tmp_path: Path) -> None:
    app = start_app("trust_jku")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]), select=("MWP12",))
    assert rule_ids(result) == {"MWP12"}
    assert len(app.app.fetched) == 1 and app.app.fetched[0].startswith("http://127.0.0.1:")


def test_tampered_payload_without_valid_token_uses_a_foreign_key(
        pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("no_verify")
    ep = endpoint(pki, app.port, valid_token=None)
    result = probe_file(write_targets(tmp_path, [ep]), select=("MWP04",))
    [f] = result.findings
    assert f.message == "orders accepted a forged token: signed by a key the issuer never had"


def test_weak_hmac_secret_is_cracked_and_used(pki: Pki, start_app: StartApp,
                                              tmp_path: Path) -> None:
    app = start_app(hmac_secret=b"changeme")
    ep = endpoint(pki, app.port, valid_token=pki.hs_token(b"changeme"), signing_key=None)
    result = probe_file(write_targets(tmp_path, [ep]))
    assert rule_ids(result) == {"MWP14"}
    assert result.findings[0].evidence == "alg HS256, secret 'changeme'"
    assert not [n for n in result.notices if "MWP05" in n]  # claim checks ran with the secret


def test_strong_hmac_secret_is_not_reported(pki: Pki, start_app: StartApp,
                                            tmp_path: Path) -> None:
    secret = secrets.token_bytes(32)
    app = start_app(hmac_secret=secret)
    ep = endpoint(pki, app.port, valid_token=pki.hs_token(secret), signing_key=None)
    result = probe_file(write_targets(tmp_path, [ep]))
    assert result.findings == []
    assert ("not run: MWP05, MWP06, MWP07, MWP08 on orders: needs signing_key (a test issuer's "
            "key) or a guessable valid_token to sign otherwise-correct tokens") in result.notices


def test_debug_endpoints_one_finding_per_path(pki: Pki, start_app: StartApp,
                                              tmp_path: Path) -> None:
    app = start_app("debug")
    result = probe_file(write_targets(tmp_path, [endpoint(pki, app.port)]))
    assert sorted(f.key.split("#")[1] for f in result.findings) == [
        "/.env", "/actuator/env", "/debug/pprof/", "/metrics", "/server-status"]
    assert rule_ids(result) == {"MWP31"}


def test_debug_endpoints_not_checked_on_private_endpoints(pki: Pki, start_app: StartApp,
                                                          tmp_path: Path) -> None:
    app = start_app("debug")
    ep = endpoint(pki, app.port, public=False)
    assert probe_file(write_targets(tmp_path, [ep]), select=("MWP31",)).findings == []


def test_plaintext_url(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app("plaintext_too")
    ep = endpoint(pki, app.port, url=f"http://127.0.0.1:{app.port}/api/orders",
                  expects=["token"], client_cert=None, client_key=None)
    result = probe_file(write_targets(tmp_path, [ep]))
    assert rule_ids(result) == {"MWP20"}
    assert result.findings[0].evidence == f"GET http://127.0.0.1:{app.port}/api/orders -> HTTP 200"


def test_a_check_with_nothing_to_check_says_so(pki: Pki, start_app: StartApp,
                                               tmp_path: Path) -> None:
    """Not run is not passed: a check an endpoint gives it nothing for is a notice."""
    app = start_app()
    ep = endpoint(pki, app.port)
    ep.pop("private_ports", None)
    result = probe_file(write_targets(tmp_path, [ep]), select=("MWP32",))
    assert result.findings == []
    assert result.not_run == {"MWP32": {ep["name"]}}
    assert f"not run: MWP32 on {ep['name']}: no private_ports listed for the host " \
           "(targets file)" in result.notices


def test_private_port(pki: Pki, start_app: StartApp, tmp_path: Path) -> None:
    app = start_app()
    with socket.socket() as listener, socket.socket() as closed:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        closed.bind(("127.0.0.1", 0))  # bound, never listening: refuses connections
        open_port, closed_port = listener.getsockname()[1], closed.getsockname()[1]
        ep = endpoint(pki, app.port, private_ports=[open_port, closed_port])
        result = probe_file(write_targets(tmp_path, [ep]), select=("MWP32",))
    [f] = result.findings
    assert f.rule_id == "MWP32" and f.key.endswith(f"#{open_port}")


def test_unreachable_endpoint_is_a_notice(pki: Pki, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = probe_file(write_targets(tmp_path, [endpoint(pki, port)]))
    assert result.findings == []
    assert len(result.notices) == 1
    assert result.notices[0].startswith("not run: MWP01, MWP02")
    assert "the endpoint did not answer" in result.notices[0]
