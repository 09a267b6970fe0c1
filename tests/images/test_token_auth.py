"""Bearer token auth as registries do it, against docker-registry with `auth: token`."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from meshward.cli.main import main
from tests.images.conftest import write_tree
from tests.images.servers import REGISTRY_BIN, Keys, Registry, start_registry
from tests.images.token_server import TokenServer


@pytest.fixture(scope="module")
def token_registry(tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[tuple[Registry, TokenServer]]:
    if REGISTRY_BIN is None:
        pytest.skip("docker-registry is not installed (Debian package docker-registry)")
    folder = tmp_path_factory.mktemp("token-registry")
    tokens = TokenServer(folder, {"alice": "s3cret"})
    reg = start_registry(folder, tokens.registry_auth())
    reg.auth = "Bearer " + tokens.token("alice", "repository:private/app:push,pull")
    yield reg, tokens
    reg.stop()
    tokens.stop()


def _docker_config(folder: Path, host: str, user: str, password: str) -> Path:
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    path = folder / "config.json"
    path.write_text(json.dumps({"auths": {host: {"auth": auth}}}), encoding="utf-8")
    return path


def test_credentials_from_docker_config_get_a_bearer_token(
        tmp_path: Path, token_registry: tuple[Registry, TokenServer], keys: Keys) -> None:
    reg, tokens = token_registry
    digest = reg.push_image("private/app", "1.0", "private")
    reg.sign("private/app", digest, keys.trusted)
    tree = write_tree(tmp_path / "t", {"app": f"{reg.host}/private/app:1.0@{digest}"})
    config = _docker_config(tmp_path, reg.host, "alice", "s3cret")
    out = tmp_path / "r.json"
    tokens.requests.clear()
    code = main(["images", str(tree), "--docker-config", str(config), "--key",
                 str(keys.trusted_pub), "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [f["rule_id"] for f in doc["findings"]] == ["MWI02"]
    assert code == 1  # MWI02: the test registry is plain HTTP
    assert not any(n.startswith("not run: MWI03") for n in doc["notices"])
    # The client asked the realm for exactly the repository's pull scope, as alice.
    assert {(r["scope"], r["service"], r["user"]) for r in tokens.requests} == {
        ("repository:private/app:pull", "meshward-test-registry", "alice")}


def test_without_credentials_the_checks_are_not_run(
        tmp_path: Path, token_registry: tuple[Registry, TokenServer]) -> None:
    reg, _ = token_registry
    digest = reg.push_image("private/app", "2.0", "private two")
    tree = write_tree(tmp_path / "t", {"app": f"{reg.host}/private/app:2.0@{digest}"})
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    out = tmp_path / "r.json"
    main(["images", str(tree), "--docker-config", str(empty), "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [f["rule_id"] for f in doc["findings"]] == ["MWI02"]
    note = next(n for n in doc["notices"] if n.startswith("not run: MWI03"))
    assert "HTTP 401" in note and "docker login" in note


def test_wrong_password_is_not_run(tmp_path: Path,
                                   token_registry: tuple[Registry, TokenServer]) -> None:
    reg, _ = token_registry
    tree = write_tree(tmp_path / "t", {"app": f"{reg.host}/private/app:1.0"})
    config = _docker_config(tmp_path, reg.host, "alice", "wrong")
    out = tmp_path / "r.json"
    main(["images", str(tree), "--docker-config", str(config), "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert not [f for f in doc["findings"] if f["rule_id"] != "MWI02"]
    assert any("token server" in n and "HTTP 401" in n for n in doc["notices"])
