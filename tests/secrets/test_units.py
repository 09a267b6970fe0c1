"""Redaction, filters, checksums, JWT judging, Secret decoding, SealedSecret/SOPS, Vault."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest

from meshward.secrets.filters import is_placeholder, is_secret_key, is_strong_placeholder
from meshward.secrets.jwt import judge
from meshward.secrets.model import redact
from meshward.secrets.scanner import scan_text
from meshward.secrets.validate import crc32_base62_ok
from meshward.secrets.vault import broad_wildcard, parse_policy
from tests.secrets.eval.tokens import Gen


def test_redact_never_shows_the_value() -> None:
    assert redact("ghp_" + "a" * 36) == "ghp_…(40 chars)"
    assert redact("postgres") == "po…(8 chars)"
    assert redact("abc") == "…(3 chars)"
    assert redact("-----BEGIN RSA PRIVATE KEY-----\nMIIB") == "-----BEGIN RSA PRIVATE KEY-----…(36 chars)"


def test_github_checksum() -> None:
    token = Gen(7).crc_token("ghp")
    assert crc32_base62_ok(token)
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not crc32_base62_ok(broken)


@pytest.mark.parametrize(("key", "expected"), [
    ("DB_PASSWORD", True), ("dbPassword", True), ("api_key", True), ("SIGNING_KEY", True),
    ("MYSQL_PWD", True), ("GITHUB_TOKEN", True), ("client_secret", True),
    ("secretName", False), ("existingSecret", False), ("password_min_length", False),
    ("max_tokens", False), ("token_url", False), ("PassStateEntered", False), ("bypass", False),
    ("ALLOYDB_SECRET_NAME", False), ("AWS_ACCESS_KEY_ID", False), ("passwordFile", False),
])
def test_secret_keys(key: str, expected: bool) -> None:
    assert is_secret_key(key) is expected


@pytest.mark.parametrize("value", ["${DB_PASSWORD}", "{{ .Values.pw }}", "<password>", "xxxxxxxx",
                                   "changeme", "ENC[AES256_GCM,data:x]", "GOOGLE_API_KEY_VAL",
                                   "$2b$12$abcdefghijklmnopqrstuv", "true", ""])
def test_strong_placeholders(value: str) -> None:
    assert is_strong_placeholder(value, "GOOGLE_API_KEY")


@pytest.mark.parametrize("value", ["fake_password", "postgres", "admin", "Xq9-s3cr3t"])
def test_deployed_literals_are_not_strong_placeholders(value: str) -> None:
    assert not is_strong_placeholder(value, "DB_PASSWORD")


def test_weak_placeholders_in_code() -> None:
    assert is_placeholder("example-key-123")
    assert is_placeholder("123e4567-e89b-42d3-a456-426614174000")
    assert is_placeholder("platformLicense")
    assert not is_placeholder("kQ9vX2mN7pL4")


def _jwt(header: dict[str, object], claims: dict[str, object], sig: str = "c2ln") -> str:
    def enc(o: dict[str, object]) -> str:
        import json

        return base64.urlsafe_b64encode(json.dumps(o).encode()).decode().rstrip("=")

    return f"{enc(header)}.{enc(claims)}.{sig}"


def test_jwt_judgement() -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    v = judge(_jwt({"alg": "none"}, {"sub": "a"}, ""), 24, now)
    assert v is not None and v.severity == "critical"
    assert v.notes[0].startswith("alg none") and "no exp claim" in v.notes[1]
    v = judge(_jwt({"alg": "HS256"}, {"iat": 0, "exp": 7 * 24 * 3600}), 24, now)
    assert v is not None and v.severity == "medium"
    assert v.notes == ["HS256: a shared HMAC secret signs it, so every verifier can also mint tokens",
                       "lifetime 168 h exceeds the 24 h bound", "expired on 1970-01-08"]
    v = judge(_jwt({"alg": "RS256"}, {"iat": 1704067200, "exp": 1704070800}), 24, now)
    assert v is not None and v.notes == [] and v.severity == "medium"
    assert judge("a.b.c") is None


def test_k8s_secret_data_is_decoded_and_located() -> None:
    pw = base64.b64encode(b"Zr8-long-db-pass").decode()
    text = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ndata:\n"
            f"  password: {pw}\n  empty: ''\n")
    res = scan_text("k8s/db.yaml", text)
    assert res.errors == []
    [m] = res.matches
    assert (m.detector, m.line, m.key, str(m.resource)) == ("k8s-secret-data", 7, "data.password",
                                                             "Secret/shop/db")
    assert m.value == "Zr8-long-db-pass"


def test_bad_base64_is_an_input_error() -> None:
    res = scan_text("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  a: '%%%'\n")
    assert [(e.path, e.line, e.message) for e in res.errors] == [
        ("s.yaml", 6, "Secret data `a` is not valid base64")]


def test_sealed_and_sops_are_not_findings() -> None:
    sealed = ("kind: SealedSecret\nmetadata:\n  name: x\nspec:\n  encryptedData:\n"
              "    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq8kR2vX9pLmQw7ZtN\n")
    assert scan_text("sealed.yaml", sealed).matches == []
    sops = ("db_password: ENC[AES256_GCM,data:Tr7k,iv:x,tag:y,type:str]\nsops:\n"
            "    mac: ENC[AES256_GCM,data:abc,type:str]\n    password_hint: Zx9-kLm2-Qw81\n")
    assert scan_text("sops.yaml", sops).matches == []


def test_dockerfile_env_forms() -> None:
    res = scan_text("Dockerfile", "FROM x\nENV API_SECRET Zr8kLm2Qw81x\nARG DB_PASSWORD=Qp7-zz81ab\n")
    assert [(m.line, m.key, str(m.resource)) for m in res.matches] == [
        (2, "API_SECRET", "Dockerfile/Dockerfile"), (3, "DB_PASSWORD", "Dockerfile/Dockerfile")]


def test_vault_policy_parsing_and_wildcards() -> None:
    pol, err = parse_policy("orders.hcl", 'path "secret/*" {\n  capabilities = ["read"]\n}\n')
    assert err is None and pol is not None
    assert [(p.path, p.capabilities, p.line) for p in pol.paths] == [("secret/*", ["read"], 1)]
    assert broad_wildcard("secret/data/*") and not broad_wildcard("secret/data/orders/*")
    _, err = parse_policy("bad.hcl", 'path "x" {\n  capabilities = ["read"\n')
    assert err is not None and err.line == 2 and "invalid Vault policy HCL" in err.message


def test_terraform_expressions_are_not_literals() -> None:
    """In HCL an unquoted value is an expression (a reference, a variable, a function): only a
    quoted string is a literal secret."""
    text = ('secrets = {\n  DB_PASSWORD = aws_secretsmanager_secret.db.arn\n'
            '  API_TOKEN   = var.api_token\n}\n'
            'environment = {\n  REDIS_PASSWORD = "Zr8kLm2Qw81xTq4v"\n}\n')
    for path in ("main.tf", "prod.tfvars"):
        got = [(m.detector, m.line) for m in scan_text(path, text).matches]
        assert got == [("generic-secret", 6)], path


def test_cloud_workloads_secret_sources(tmp_path: Path) -> None:
    """ECS ``secrets`` with ``valueFrom`` are a cloud manager; a literal secret in a Lambda
    environment is a literal (what the catalog and MW910 read)."""
    from meshward.pipeline import build_context
    from meshward.secrets.managers import secret_sources

    (tmp_path / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "orders" {\n  family = "orders"\n'
        '  container_definitions = jsonencode([{\n    name = "orders"\n'
        '    secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]\n'
        '  }])\n}\n'
        'resource "aws_ecs_service" "orders" {\n  name = "orders"\n'
        '  task_definition = aws_ecs_task_definition.orders.arn\n}\n'
        'resource "aws_lambda_function" "hooks" {\n  function_name = "hooks"\n'
        '  environment {\n    variables = { API_TOKEN = "Zr8kLm2Qw81xTq4vB7" }\n  }\n}\n')
    got = {name: [(s.kind, s.detail, s.location.line) for s in ss.sources]
           for name, ss in secret_sources(build_context([tmp_path]).inventory).items()}
    assert got == {"hooks": [("literal", "env API_TOKEN", 14)],
                   "orders": [("cloud", "secret DB_PASSWORD (valueFrom)", 3)]}
