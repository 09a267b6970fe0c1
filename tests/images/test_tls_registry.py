"""A registry that speaks only HTTPS: trusted through --ca, never downgraded to HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from meshward.cli.main import main
from tests.images.conftest import write_tree
from tests.images.servers import REGISTRY_BIN, Keys, Registry, start_registry


@pytest.fixture(scope="module")
def tls_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Registry, Path]]:
    if REGISTRY_BIN is None:
        pytest.skip("docker-registry is not installed (Debian package docker-registry)")
    folder = tmp_path_factory.mktemp("tls-registry")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    paths = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(paths[0]))
    cert.private_key_pem.write_to_path(str(paths[1]))
    ca.cert_pem.write_to_path(str(paths[2]))
    reg = start_registry(folder, tls=paths)
    yield reg, paths[2]
    reg.stop()


def test_https_registry_with_its_ca(tmp_path: Path, tls_registry: tuple[Registry, Path],
                                    keys: Keys) -> None:
    reg, ca = tls_registry
    digest = reg.push_image("secure/app", "1.0", "over TLS")
    reg.sign("secure/app", digest, keys.trusted)
    tree = write_tree(tmp_path / "t", {"app": f"{reg.host}/secure/app:1.0@{digest}"})
    out = tmp_path / "r.json"
    code = main(["images", str(tree), "--ca", str(ca), "--key", str(keys.trusted_pub),
                 "--allow-registry", reg.host, "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["findings"] == [] and code == 0
    assert "registries answered for 1 of 1 image(s)" in doc["notices"]
    practices = {p["code"]: p["status"] for p in doc["summary"]["practices"]}
    assert practices["SUP-REGISTRY"] == "met"


def test_untrusted_certificate_is_not_run_and_not_downgraded(
        tmp_path: Path, tls_registry: tuple[Registry, Path]) -> None:
    reg, _ = tls_registry
    tree = write_tree(tmp_path / "t", {"app": f"{reg.host}/secure/app:1.0"})
    out = tmp_path / "r.json"
    main(["images", str(tree), "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["findings"] == []  # not MWI02: the HTTP answer was a TLS server's 400
    note = next(n for n in doc["notices"] if n.startswith("not run: MWI03"))
    assert "CERTIFICATE_VERIFY_FAILED" in note
