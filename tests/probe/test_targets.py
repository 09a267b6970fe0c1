"""The targets file loader and the safety layer: errors with lines, refusals before traffic."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshward.errors import InputError
from meshward.probe.runner import refuse_unlisted
from meshward.probe.safety import Allowlist, Budget, BudgetExhausted, ProbeRefused, is_loopback
from meshward.probe.targets import RateLimit, load_targets


def _load(tmp_path: Path, text: str) -> tuple[list[InputError], object]:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    t = load_targets(path)
    return [InputError(Path(e.path).name, e.line, e.message, e.hint) for e in t.errors], t


def test_full_endpoint(tmp_path: Path) -> None:
    (tmp_path / "idp.pem").write_text("x")
    errors, t = _load(tmp_path, """\
allow: [Staging.Example.com]
limits: {requests: 500, per_host_rate: 20, timeout: 2, burst: 50, concurrency: 4}
defaults:
  issuer: https://idp/
endpoints:
  - name: orders
    url: https://staging.example.com:8443/api
    expects: [token, client_cert]
    audience: orders
    public_key: idp.pem
    rate_limit: {requests: 120, per: minute, burst: 10}
    methods: [get, post]
    private_ports: [9090]
  - url: http://127.0.0.1/x
""")
    assert errors == []
    a, b = t.endpoints  # type: ignore[attr-defined]
    assert (a.name, a.host, a.port, a.origin) == ("orders", "staging.example.com", 8443,
                                                  "https://staging.example.com:8443")
    assert a.expects == frozenset({"token", "client_cert"})
    assert (a.issuer, a.audience, a.public_key) == ("https://idp/", "orders", tmp_path / "idp.pem")
    assert a.rate_limit == RateLimit(2.0, 10)
    assert a.methods == ("GET", "POST")
    assert a.location.line == 6
    assert (b.name, b.port, b.expects, b.service) == ("endpoint-2", 80, frozenset(), None)
    assert t.allow == ["staging.example.com"]  # type: ignore[attr-defined]
    assert t.limits.burst == 50 and t.limits.per_host_rate == 20.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "expected"), [
    ("endpoints:\n  - url: ftp://x/\n", [(2, "`url` 'ftp://x/' is not an http:// or https:// URL")]),
    ("endpoints:\n  - url: https://h/\n    expects: password\n",
     [(3, "`expects` 'password' is not one of token, client_cert, none")]),
    ("endpoints:\n  - url: https://h/\n    public_key: nope.pem\n",
     [(3, "`public_key` file nope.pem not found")]),
    ("endpoints:\n  - url: https://h/\n    tokn: x\n", [(3, "unknown endpoint key `tokn`")]),
    ("endpoints:\n  - url: https://h/\n    valid_token: abc\n",
     [(3, "`valid_token` is not a compact JWT (three dot-separated parts)")]),
    ("endpoints:\n  - url: https://h/\n    rate_limit: fast\n",
     [(3, "`rate_limit` must be a number of requests per second, or {requests: N, per: "
          "second|minute|hour, burst: N}")]),
    ("limits:\n  requests: -1\nendpoints: [{url: 'https://h/'}]\n",
     [(2, "limit `requests` must be a positive number")]),
    ("endpoints: [\n", [(2, "invalid YAML: ...")]),
    ("- a\n", [(1, "a targets file is one YAML mapping")]),
    ("allow: []\n", [(1, "nothing to probe")]),
    ("endpoints:\n  - url: https://h/\n    valid_token_env: MESHWARD_NO_SUCH_VAR\n",
     [(3, "environment variable MESHWARD_NO_SUCH_VAR is not set")]),
])
def test_errors_have_lines(tmp_path: Path, text: str, expected: list[tuple[int, str]]) -> None:
    errors, _ = _load(tmp_path, text)
    got = [(e.line, e.message.split(": ")[0] + ": ..." if want.endswith("...") else e.message)
           for e, (_, want) in zip(errors, expected, strict=False)]
    assert len(errors) == len(expected)
    assert got == expected  # parser wording varies with libyaml, so only its prefix is fixed
    assert all(e.path == "t.yaml" for e in errors)


def test_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost",
                                        "api.localhost"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "example.com", "localhost.example.com"))


def test_refusal_names_host_and_remedy(tmp_path: Path) -> None:
    _, t = _load(tmp_path, "endpoints:\n  - url: https://127.0.0.1/\n  - name: prod\n"
                           "    url: https://api.example.com/\n")
    with pytest.raises(ProbeRefused) as exc:
        refuse_unlisted(t.endpoints, Allowlist([]))  # type: ignore[attr-defined]
    assert exc.value.render() == (
        "refusing to probe api.example.com (endpoint prod): only loopback and hosts named in the "
        "targets file's `allow:` list or with --allow are touched; nothing was sent (if you own "
        "api.example.com and may test it, add it to `allow:` or pass --allow api.example.com)")
    refuse_unlisted(t.endpoints, Allowlist(["API.example.com"]))  # type: ignore[attr-defined]


def test_unsafe_method_refused_unless_configured(tmp_path: Path) -> None:
    _, t = _load(tmp_path, "endpoints:\n  - url: https://127.0.0.1/\n    methods: [DELETE]\n")
    refuse_unlisted(t.endpoints, Allowlist([]))  # type: ignore[attr-defined]
    from meshward.probe.safety import check_method

    with pytest.raises(ProbeRefused, match="refusing to send DELETE"):
        check_method("DELETE", ["GET"])
    check_method("OPTIONS", [])


def test_jwks_host_must_be_allowed(tmp_path: Path) -> None:
    _, t = _load(tmp_path, "endpoints:\n  - name: a\n    url: https://127.0.0.1/\n"
                           "    jwks_url: https://idp.example.com/jwks\n")
    with pytest.raises(ProbeRefused, match=r"idp\.example\.com \(jwks_url of a\)"):
        refuse_unlisted(t.endpoints, Allowlist([]))  # type: ignore[attr-defined]


def test_budget_is_a_hard_limit() -> None:
    b = Budget(2)
    b.spend()
    b.spend()
    with pytest.raises(BudgetExhausted):
        b.spend()


def test_budget_exhaustion_stops_checks_with_a_notice(tmp_path: Path) -> None:
    from meshward.probe.runner import run_probe
    from meshward.probe.targets import Limits

    _, t = _load(tmp_path, "endpoints:\n  - url: http://127.0.0.1:9/\n    private_ports: [1]\n")
    result = run_probe(t.endpoints, Limits(requests=1), Allowlist([]))  # type: ignore[attr-defined]
    assert result.requests == 1
    assert result.findings == []
    assert result.notices[-1] == ("the request budget (1) was spent; some checks did not finish "
                                  "(raise it with --budget)")
