"""Fixtures: a real docker-registry with a small signed/unsigned fleet pushed into it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.images.servers import (
    OCI_MANIFEST,
    REGISTRY_BIN,
    SIGSTORE_BUNDLE,
    Keys,
    Registry,
    make_keys,
    start_registry,
)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    if REGISTRY_BIN is None:
        pytest.skip("docker-registry is not installed (Debian package docker-registry)")
    reg = start_registry(tmp_path_factory.mktemp("registry"))
    yield reg
    reg.stop()


@dataclass
class Fleet:
    """Image references written into the test tree, by what is true of them."""

    signed: str
    moved: str
    gone: str
    missing: str
    unsigned: str
    wrong_key: str
    copied: str
    signed_digest: str
    moved_now: str
    via_index: str
    keyless: str


@pytest.fixture(scope="module")
def fleet(registry: Registry, keys: Keys) -> Fleet:
    h = registry.host
    signed = registry.push_image("shop/signed", "1.0", "signed")
    registry.sign("shop/signed", signed, keys.trusted)
    moved_then = registry.push_image("shop/moved", "1.0", "moved v1")
    registry.sign("shop/moved", moved_then, keys.trusted)
    moved_now = registry.push_image("shop/moved", "1.0", "moved v2")  # the tag moves
    registry.push_image("shop/gone", "1.0", "gone")
    unsigned = registry.push_image("shop/unsigned", "1.0", "unsigned")
    wrong = registry.push_image("shop/wrongkey", "1.0", "wrong key")
    registry.sign("shop/wrongkey", wrong, keys.other)
    copied = registry.push_image("shop/copied", "1.0", "copied")
    registry.sign("shop/copied", copied, keys.trusted, names_digest=signed)
    assert unsigned and copied
    indexed = registry.push_image("shop/indexed", "1.0", "signed, found by the referrers index")
    registry.sign("shop/indexed", indexed, keys.trusted, as_referrer=True)
    keyless = registry.push_image("shop/keyless", "1.0", "sigstore bundle only")
    bundle = b'{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'
    bundle_manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "artifactType": SIGSTORE_BUNDLE,
                       "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
                                  "digest": registry.push_blob("shop/keyless", b"{}")},
                       "layers": [{"mediaType": SIGSTORE_BUNDLE, "size": len(bundle),
                                   "digest": registry.push_blob("shop/keyless", bundle)}]}
    body_digest = registry.push_manifest("shop/keyless", "bundle", bundle_manifest)
    registry.refer("shop/keyless", keyless, [{"mediaType": OCI_MANIFEST, "digest": body_digest,
                                              "size": registry.sizes[body_digest],
                                              "artifactType": SIGSTORE_BUNDLE}])
    return Fleet(
        signed=f"{h}/shop/signed:1.0@{signed}",
        moved=f"{h}/shop/moved:1.0@{moved_then}",
        gone=f"{h}/shop/gone@sha256:{'ab' * 32}",
        missing=f"{h}/shop/missing:9.9",
        unsigned=f"{h}/shop/unsigned:1.0",
        wrong_key=f"{h}/shop/wrongkey:1.0",
        copied=f"{h}/shop/copied:1.0",
        signed_digest=signed,
        moved_now=moved_now,
        via_index=f"{h}/shop/indexed:1.0",
        keyless=f"{h}/shop/keyless:1.0",
    )


def deployment(images: dict[str, str]) -> str:
    containers = "".join(f"      - name: {name}\n        image: {image}\n"
                         for name, image in images.items())
    return ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n"
            "  namespace: prod\nspec:\n  selector:\n    matchLabels: {app: shop}\n"
            "  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n"
            "      containers:\n" + containers)


def write_tree(folder: Path, images: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deploy.yaml").write_text(deployment(images), encoding="utf-8")
    return folder
