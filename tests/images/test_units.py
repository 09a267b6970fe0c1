"""The parts without a server: challenges, Docker config, keys, targets, the once-cache."""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path

import pytest

from meshward.config import Config
from meshward.images.auth import load_docker_config, parse_challenge
from meshward.images.cache import Once
from meshward.images.keys import build_keyring
from meshward.images.notary import canonical, parse_time
from meshward.images.registry import is_loopback
from meshward.images.targets import collect
from meshward.model.cloud import CloudResource
from meshward.model.inventory import Inventory
from meshward.model.source import Location
from tests.images.servers import Keys


def test_bearer_challenge_parameters() -> None:
    ch = parse_challenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"'
                         ',scope="repository:library/redis:pull,push"')
    assert ch is not None and ch.scheme == "bearer"
    assert ch.params == {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                         "scope": "repository:library/redis:pull,push"}
    basic = parse_challenge('Basic realm="Registry Realm"')
    assert basic is not None and basic.scheme == "basic"
    assert parse_challenge("") is None


def test_docker_config_credentials(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({
        "auths": {
            "https://index.docker.io/v1/": {"auth": base64.b64encode(b"hub:pw").decode()},
            "registry.example.com": {"username": "ci", "password": "p:w"},
            "broken.example.com": {"auth": "!!!"},
        },
        "credsStore": "desktop"}), encoding="utf-8")
    cfg = load_docker_config(path)
    hub = cfg.lookup("docker.io")
    assert hub is not None and (hub.username, hub.password) == ("hub", "pw")
    own = cfg.lookup("registry.example.com")
    assert own is not None and own.basic() == "Basic " + base64.b64encode(b"ci:p:w").decode()
    assert cfg.lookup("broken.example.com") is None
    assert cfg.store == "desktop" and cfg.problems == []
    path.write_text("{not json", encoding="utf-8")
    bad = load_docker_config(path)
    assert bad.auths == {} and "is not JSON" in bad.problems[0]
    assert load_docker_config(tmp_path / "absent.json").problems == []


def test_keyring_globs_and_errors(tmp_path: Path, keys: Keys) -> None:
    cfg = tmp_path / ".meshward.yaml"
    ring = build_keyring({"image_keys": [
        {"match": "reg.example.com/pay/*", "key": str(keys.trusted_pub)},
        {"match": "other.example.com", "key": str(keys.other_pub)},
        {"match": "x.example.com"},
        {"match": "y.example.com", "key": "missing.pub"},
    ]}, str(cfg), [])
    assert [e.message.split(" ")[0] for e in ring.errors] == ["each", "cannot"]
    assert [k.name for k in ring.for_image("reg.example.com", "pay/api")] == [str(keys.trusted_pub)]
    assert [k.name for k in ring.for_image("other.example.com", "a/b")] == [str(keys.other_pub)]
    assert ring.for_image("reg.example.com", "shop/web") == []


def test_ecs_task_definition_images_are_collected() -> None:
    inv = Inventory(root=".")
    defs = json.dumps([{"name": "web", "image": "reg.example.com/shop/web:1.2"},
                       {"name": "side", "image": "reg.example.com/shop/side:${var.tag}"}])
    inv.cloud_resources.append(CloudResource(
        "aws_ecs_task_definition", "web", {"container_definitions": defs},
        Location("main.tf", 10), "terraform:.", attribute_lines={"container_definitions": 12}))
    targets, variable = collect(inv, Config())
    assert variable == 1
    assert [t.ref.raw for t in targets] == ["reg.example.com/shop/web:1.2"]
    use = targets[0].first
    assert (use.location.path, use.location.line, use.environment) == ("main.tf", 12, "cloud")
    assert str(use.resource) == "aws_ecs_task_definition/web"


def test_once_runs_each_key_once_across_threads() -> None:
    once: Once[int] = Once()
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(once.get("k", slow)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and calls == [1]

    def fail() -> int:
        raise ValueError("boom")

    for _ in range(2):
        with pytest.raises(ValueError, match="boom"):
            once.get("bad", fail)


def test_notary_helpers() -> None:
    assert canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()
    t = parse_time("2036-11-29T06:59:20.571612886Z")
    assert t is not None and (t.year, t.microsecond, t.utcoffset() is not None) == (2036, 571612, True)
    assert parse_time("soon") is None


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1:5000", True), ("localhost:5000", True),
                                            ("[::1]:5000", True), ("registry.example.com", False),
                                            ("10.0.0.1:5000", False)])
def test_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop
