"""Notary v1 / TUF verification against real notary-server and notary-signer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from meshward.config import Config
from meshward.images.http import HttpClient, Limits
from meshward.images.notary import NotaryClient, Trust
from meshward.images.runner import ImagesResult, Options, run_images
from meshward.images.targets import collect
from meshward.pipeline import load_inventory
from tests.images.conftest import write_tree
from tests.images.notary_server import Notary, TamperingProxy, missing_binary, start_notary
from tests.images.servers import Registry

NOTARY = ("MWI20", "MWI21", "MWI22", "MWI23")


@pytest.fixture(scope="module")
def notary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notary]:
    missing = missing_binary()
    if missing:
        pytest.skip(f"{missing} is not installed (Debian package notary)")
    server = start_notary(tmp_path_factory.mktemp("notary"))
    yield server
    server.stop()


@dataclass
class Signed:
    trusted: str
    moved: str
    unsigned_tag: str
    no_collection: str
    trusted_digest: str
    released: str


@pytest.fixture(scope="module")
def signed(registry: Registry, notary: Notary) -> Signed:
    h = registry.host
    good = registry.push_image("dct/trusted", "1.0", "trusted")
    notary.sign(f"{h}/dct/trusted", "1.0", good, registry.sizes[good])
    then = registry.push_image("dct/moved", "1.0", "signed build")
    notary.sign(f"{h}/dct/moved", "1.0", then, registry.sizes[then])
    registry.push_image("dct/moved", "1.0", "pushed without signing")
    registry.push_image("dct/trusted", "2.0", "never signed")
    registry.push_image("dct/none", "1.0", "no trust data")
    released = registry.push_image("dct/released", "3.0", "signed into targets/releases")
    notary.delegate(f"{h}/dct/released", "3.0", released, registry.sizes[released])
    return Signed(f"{h}/dct/trusted:1.0", f"{h}/dct/moved:1.0", f"{h}/dct/trusted:2.0",
                  f"{h}/dct/none:1.0", good, f"{h}/dct/released:3.0")


def run(tmp_path: Path, images: dict[str, str], url: str, ca: Path,
        now: dt.datetime | None = None) -> ImagesResult:
    tree = write_tree(tmp_path / "t", images)
    inv = load_inventory([tree], Config())
    targets, _ = collect(inv, Config())
    http = HttpClient(limits=Limits(timeout=10), ca_file=str(ca))
    return run_images(targets, http, Options(notary_url=url, now=now))


def notary_pairs(result: ImagesResult) -> set[tuple[str, str]]:
    return {(f.rule_id, dict(f.extra)["image"]) for f in result.findings
            if f.rule_id in NOTARY}


def test_trusted_moved_unsigned_and_missing_collections(tmp_path: Path, signed: Signed,
                                                        notary: Notary) -> None:
    result = run(tmp_path, {"a": signed.trusted, "b": signed.moved, "c": signed.unsigned_tag,
                            "d": signed.no_collection}, notary.url, notary.ca)
    assert notary_pairs(result) == {("MWI23", signed.moved), ("MWI20", signed.unsigned_tag),
                                    ("MWI20", signed.no_collection)}
    assert set(NOTARY) <= result.ran
    moved = next(f for f in result.findings if f.rule_id == "MWI23")
    assert "targets signs 1.0 as sha256:" in moved.message
    none = next(f for f in result.findings
                if f.rule_id == "MWI20" and signed.no_collection in dict(f.extra)["image"])
    assert "no trust data" in none.message


def test_expired_roles(signed: Signed, notary: Notary, registry: Registry) -> None:
    client = NotaryClient(HttpClient(ca_file=str(notary.ca)), notary.url)
    gun = f"{registry.host}/dct/trusted"
    now = dt.datetime.now(dt.UTC)
    assert client.verify(gun, "1.0", signed.trusted_digest, now).trust is Trust.TRUSTED
    # The server-managed timestamp lives 14 days, targets and snapshot 3 years, root 10.
    later = client.verify(gun, "1.0", signed.trusted_digest, now + dt.timedelta(days=20))
    assert later.trust is Trust.EXPIRED and later.detail.startswith("timestamp expired on")
    much_later = client.verify(gun, "1.0", signed.trusted_digest, now + dt.timedelta(days=3700))
    assert much_later.trust is Trust.EXPIRED and much_later.detail.startswith("root expired")


def test_expired_through_the_runner(tmp_path: Path, signed: Signed, notary: Notary) -> None:
    result = run(tmp_path, {"a": signed.trusted}, notary.url, notary.ca,
                 now=dt.datetime.now(dt.UTC) + dt.timedelta(days=20))
    assert notary_pairs(result) == {("MWI21", signed.trusted)}


def _swap_target_hash(path: str, body: bytes) -> bytes:
    if not path.endswith("/targets.json"):
        return body
    doc = json.loads(body)
    for entry in doc["signed"]["targets"].values():
        entry["hashes"]["sha256"] = "A" * 43 + "="
    return json.dumps(doc, separators=(",", ":")).encode()


def _bump_timestamp(path: str, body: bytes) -> bytes:
    if not path.endswith("/timestamp.json"):
        return body
    doc = json.loads(body)
    doc["signed"]["expires"] = "2099-01-01T00:00:00Z"  # a longer life, under the old signature
    return json.dumps(doc, separators=(",", ":")).encode()


def _drop_root_signature(path: str, body: bytes) -> bytes:
    if not path.endswith("/root.json"):
        return body
    doc = json.loads(body)
    doc["signatures"] = []
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("tamper", "detail"), [
    (_swap_target_hash, "targets does not match its sha256 in snapshot"),
    (_bump_timestamp, "timestamp: 0 valid signature(s) of the 1 its role requires"),
    (_drop_root_signature, "root: 0 valid signature(s)"),
])
def test_tampered_collection(tmp_path: Path, signed: Signed, notary: Notary,
                             tamper: object, detail: str) -> None:
    proxy = TamperingProxy(notary.url, notary.ca, tamper)  # type: ignore[arg-type]
    try:
        result = run(tmp_path, {"a": signed.trusted}, proxy.url, notary.ca)
    finally:
        proxy.stop()
    assert notary_pairs(result) == {("MWI22", signed.trusted)}
    finding = next(f for f in result.findings if f.rule_id == "MWI22")
    assert detail in finding.message


def test_unreachable_notary_is_not_run(tmp_path: Path, signed: Signed, notary: Notary) -> None:
    from tests.images.servers import free_port

    result = run(tmp_path, {"a": signed.trusted}, f"https://127.0.0.1:{free_port()}", notary.ca)
    assert notary_pairs(result) == set()
    assert not set(NOTARY) & result.ran
    assert any(n.startswith("not run: MWI20, MWI21, MWI22, MWI23") and "Notary server not "
               "reached" in n for n in result.notices)


def test_delegation_and_the_cli(tmp_path: Path, signed: Signed, notary: Notary) -> None:
    from meshward.cli.main import main

    tree = write_tree(tmp_path / "t", {"a": signed.trusted, "b": signed.released,
                                       "c": signed.no_collection})
    out = tmp_path / "r.json"
    code = main(["images", str(tree), "--notary", notary.url, "--ca", str(notary.ca),
                 "-f", "json", "-o", str(out)])
    assert code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    found = [(f["rule_id"], {e["name"]: e["value"] for e in f["extra"]}["image"])
             for f in doc["findings"] if f["rule_id"] in NOTARY]
    # The tag signed into targets/releases (as `docker trust sign` does) verifies.
    assert found == [("MWI20", signed.no_collection)]
    assert not any("MWI20" in n and "not run" in n for n in doc["notices"])
    client = NotaryClient(HttpClient(ca_file=str(notary.ca)), notary.url)
    gun = signed.released.rsplit(":", 1)[0]
    assert client.verify(gun, "3.0", "sha256:" + "0" * 64).detail.startswith(
        "targets/releases signs 3.0 as sha256:")
