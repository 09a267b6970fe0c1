"""MW402 reports one finding per graph edge, redacts passwords and defers to an enforcing
mesh; MW313 redacts values and tell references from literals."""

from __future__ import annotations

from pathlib import Path

from meshward.checks.literals import is_literal_secret, is_secret_name, redact
from meshward.checks.rules.plaintext_edges import plaintext_protocol
from meshward.config import Config
from meshward.model.edges import addresses_in
from meshward.model.graph import Evidence
from meshward.model.source import Location
from meshward.pipeline import scan
from tests.conftest import FIXTURES

RULES = FIXTURES / "rules"


def test_one_finding_per_edge_with_every_variable() -> None:
    result = scan([RULES / "MW402" / "fail" / "plain"], Config(), select=["MW402"])
    got = sorted((f.key, f.severity.value, f.message, f.evidence) for f in result.findings)
    assert got == [
        ("cart->catalog", "medium", "cart calls catalog over plaintext HTTP (CATALOG_URL)",
         "CATALOG_URL=http://catalog.shop.svc.cluster.local:8080/api"),
        ("cart->rabbitmq", "high", "cart calls rabbitmq over plaintext AMQP (QUEUE_URL); the URL "
         "carries a password, sent in the clear", "QUEUE_URL=amqp://cart:…@rabbitmq:5672/"),
        ("cart->redis-cart", "medium", "cart calls redis-cart over plaintext Redis (REDIS_ADDR, 2 "
         "places); no TLS setting is visible for this address", "REDIS_ADDR=redis-cart:6379"),
        ("orders->orders-db", "medium", "orders calls orders-db over plaintext MongoDB (MONGO_URL)",
         "MONGO_URL=mongodb://orders-db:27017/orders"),
        ("orders->pg", "medium", "orders calls pg over plaintext PostgreSQL (sslmode=disable) "
         "(DATABASE_URL)", "DATABASE_URL=postgres://orders@pg:5432/orders?sslmode=disable"),
    ]


def test_strict_mesh_makes_plaintext_informational(tmp_path: Path) -> None:
    result = scan([RULES / "MW402" / "fail" / "mesh"], Config(), select=["MW402"])
    assert [(f.severity.value, f.message) for f in result.findings] == [
        ("info", "basket calls redis-basket over plaintext Redis (REDIS_URL); Istio mTLS (STRICT) "
                 "encrypts it between the sidecars")]
    permissive = (RULES / "MW402" / "fail" / "mesh" / "shop.yaml").read_text().replace(
        "mode: STRICT", "mode: PERMISSIVE")
    (tmp_path / "shop.yaml").write_text(permissive)
    result = scan([tmp_path], Config(), select=["MW402"])
    assert [(f.severity.value, f.message) for f in result.findings] == [
        ("medium", "basket calls redis-basket over plaintext Redis (REDIS_URL)")]


def test_secret_names_and_values() -> None:
    assert is_secret_name("MYSQL_ROOT_PASSWORD") and is_secret_name("api_key")
    assert not is_secret_name("PASSWORD_FILE") and not is_secret_name("TOKEN_URL")
    assert not is_secret_name("PWD_DIR") and not is_secret_name("POSTGRES_USER")
    assert is_literal_secret("hunter2") and is_literal_secret("changeme")
    for value in ("", "${X}", "$(X)", "$X", "<pw>", "{{ .Values.pw }}", "****", "true", "/run/secrets/x"):
        assert not is_literal_secret(value), value
    assert not is_literal_secret("GOOGLE_API_KEY_VAL", "GOOGLE_API_KEY")
    assert redact("postgres") == "po…" and redact("ab") == "…"


def test_build_arg_severities() -> None:
    result = scan([RULES / "MW313" / "fail"], Config(), select=["MW313"])
    got = sorted((f.location.line, f.severity.value, f.message) for f in result.findings)
    assert got == [
        (2, "high", "Dockerfile: ARG GITHUB_TOKEN has a literal default before the first FROM"),
        (5, "low", "Dockerfile stage build: secret passed as build argument NPM_TOKEN: its value "
                   "is recorded in this build stage's history"),
        (9, "medium", "Dockerfile stage 1: secret passed as build argument API_KEY: its value is "
                      "recorded in the image history"),
        (11, "high", "Dockerfile stage 1: ENV API_KEY copies build argument API_KEY into the image "
                     "configuration"),
        (13, "high", "Dockerfile stage 1: ARG DB_PASSWORD has a literal default"),
    ]


def _protocols(value: str) -> list[tuple[str, bool] | None]:
    return [plaintext_protocol(Evidence("env", Location("f", 1), "", scheme=a.scheme, port=a.port,
                                        variable="X", value=value))
            for a in addresses_in(value) if a.scheme or a.port]


def test_plaintext_schemes_and_tls_options() -> None:
    assert _protocols("jdbc:mysql://orders-db:3306/orders?useSSL=false") == [("MySQL (SSL off)", True)]
    assert _protocols("jdbc:mysql://orders-db:3306/orders?useSSL=true") == [None]
    assert _protocols("jdbc:postgresql://pg:5432/db?sslmode=disable") == [
        ("PostgreSQL (sslmode=disable)", True)]
    assert _protocols("postgres://pg:5432/db") == [None]  # libpq default prefers TLS
    assert _protocols("mongodb+srv://cluster.example.net/db") == [None]
    assert _protocols("mongodb://a:27017,b:27017/db?tls=true") == [None, None]
    assert _protocols("nats://nats:4222") == [("NATS", True)]
    assert _protocols("ws://feed:8080/stream") == [("WebSocket", True)]
    assert _protocols("wss://feed:8443/stream") == [None]
    assert _protocols("rediss://cache:6380") == [None]
    assert _protocols("cache:6379") == [("Redis", False)]
    assert _protocols("catalog:3550") == [None]
