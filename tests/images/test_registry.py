"""`meshward images` against a real docker-registry: digests, moved tags, cosign signatures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshward.cli.main import main
from meshward.config import Config
from meshward.images.http import HttpClient, Limits
from meshward.images.keys import KeyRing, PublicKey, load_key
from meshward.images.runner import ImagesResult, Options, run_images
from meshward.images.targets import collect
from meshward.pipeline import load_inventory
from tests.images.conftest import Fleet, write_tree
from tests.images.servers import Keys, Registry, free_port


def _key(path: Path) -> PublicKey:
    loaded = load_key(path, str(path))
    assert isinstance(loaded, PublicKey)
    return loaded


def run(tree: Path, **options: object) -> ImagesResult:
    inv = load_inventory([tree], Config())
    targets, _ = collect(inv, Config())
    return run_images(targets, HttpClient(limits=Limits(timeout=5)), Options(**options))  # type: ignore[arg-type]


def pairs(result: ImagesResult) -> set[tuple[str, str]]:
    return {(f.rule_id, dict(f.extra)["image"]) for f in result.findings}


def test_every_verdict_against_the_registry(tmp_path: Path, fleet: Fleet, registry: Registry,
                                            keys: Keys) -> None:
    images = {"signed": fleet.signed, "moved": fleet.moved, "gone": fleet.gone,
              "missing": fleet.missing, "unsigned": fleet.unsigned, "wrong": fleet.wrong_key,
              "copied": fleet.copied}
    tree = write_tree(tmp_path / "tree", images)
    result = run(tree, keys=KeyRing(everywhere=[_key(keys.trusted_pub)]))
    assert pairs(result) == {
        ("MWI02", fleet.signed),  # the test registry speaks plain HTTP: said once
        ("MWI03", fleet.moved),
        ("MWI04", fleet.gone),
        ("MWI05", fleet.missing),
        ("MWI10", fleet.unsigned),
        ("MWI11", fleet.wrong_key),
        ("MWI12", fleet.copied),
    }
    moved = next(f for f in result.findings if f.rule_id == "MWI03")
    assert fleet.moved_now in moved.message
    assert moved.resource is not None and str(moved.resource) == "Deployment/prod/shop"
    assert moved.location.path.endswith("deploy.yaml") and moved.location.line > 0
    assert moved.mode.value == "verify"
    assert dict(moved.extra)["digest"] == fleet.moved.split("@")[1]
    plain = next(f for f in result.findings if f.rule_id == "MWI02")
    assert "(7 image(s) of 1 service(s)) answered only over plain HTTP" in plain.message
    assert dict(plain.extra)["services"] == "shop" and plain.service == "shop"
    copied = next(f for f in result.findings if f.rule_id == "MWI12")
    assert fleet.signed_digest in copied.evidence
    # Notary and the allowlist were not asked for: said, never passed.
    assert any(n.startswith("not run: MWI01") for n in result.notices)
    assert any("MWI20" in n and "no Notary server" in n for n in result.notices)
    assert "MWI01" not in result.ran and "MWI20" not in result.ran
    assert {"MWI02", "MWI03", "MWI10", "MWI11"} <= result.ran


def test_signed_image_passes_and_requests_are_cached(tmp_path: Path, fleet: Fleet,
                                                     keys: Keys) -> None:
    # The same image in twenty containers: one lookup, twenty uses, no finding but MWI02.
    tree = write_tree(tmp_path / "t", {f"c{i}": fleet.signed for i in range(20)})
    result = run(tree, keys=KeyRing(everywhere=[_key(keys.trusted_pub)]))
    assert {f.rule_id for f in result.findings} == {"MWI02"}
    assert result.uses == 20 and result.images == 1
    # /v2/ on https (refused) and http, tag, digest, referrers, .sig tag, payload blob
    assert result.requests <= 8


def test_referrers_fallback_index_and_sigstore_bundles(tmp_path: Path, fleet: Fleet,
                                                       keys: Keys) -> None:
    # distribution 2.8 has no referrers API: the OCI 1.1 fallback tag sha256-<hex> lists a
    # cosign signature (verified) or only a Sigstore bundle (not run: never unsigned, never
    # a pass).
    tree = write_tree(tmp_path / "t", {"a": fleet.via_index, "b": fleet.keyless})
    result = run(tree, keys=KeyRing(everywhere=[_key(keys.trusted_pub)]))
    assert {f.rule_id for f in result.findings} == {"MWI02"}
    assert "cosign: 1 image(s) signed by a configured key" in result.notices
    note = next(n for n in result.notices if n.startswith("not run: MWI11, MWI12"))
    assert fleet.keyless in note and "keyless" in note and fleet.via_index not in note
    # With the wrong key, the signature found through the index does not verify.
    other = run(tree, keys=KeyRing(everywhere=[_key(keys.other_pub)]))
    assert pairs(other) == {("MWI02", fleet.via_index), ("MWI11", fleet.via_index)}
    assert "referrer sha256:" in next(f.evidence for f in other.findings if f.rule_id == "MWI11")


def test_without_a_key_signatures_are_not_run_but_unsigned_is_reported(
        tmp_path: Path, fleet: Fleet) -> None:
    tree = write_tree(tmp_path / "t", {"a": fleet.signed, "b": fleet.unsigned})
    result = run(tree)
    assert pairs(result) == {("MWI02", fleet.signed), ("MWI10", fleet.unsigned)}
    assert any(n.startswith("not run: MWI11, MWI12") and "no public key" in n
               for n in result.notices)


def test_key_per_repository_from_config(tmp_path: Path, fleet: Fleet, registry: Registry,
                                        keys: Keys) -> None:
    from meshward.images.keys import build_keyring

    raw = {"image_keys": [{"match": f"{registry.host}/shop/wrongkey", "key": str(keys.other_pub)},
                          {"match": f"{registry.host}/shop/signed", "key": str(keys.trusted_pub)}]}
    ring = build_keyring(raw, str(tmp_path / ".meshward.yaml"), [])
    assert ring.errors == []
    tree = write_tree(tmp_path / "t", {"a": fleet.signed, "b": fleet.wrong_key})
    assert {f.rule_id for f in run(tree, keys=ring).findings} == {"MWI02"}
    # The trusted key does not verify the image signed by the other key.
    swapped = build_keyring({"image_keys": [{"match": f"{registry.host}/*",
                                             "key": str(keys.trusted_pub)}]},
                            str(tmp_path / "x.yaml"), [])
    assert ("MWI11", fleet.wrong_key) in pairs(run(tree, keys=swapped))


def test_allowlist_and_an_unreachable_registry(tmp_path: Path, fleet: Fleet,
                                               registry: Registry) -> None:
    dead = f"127.0.0.1:{free_port()}/team/app:1.0"
    tree = write_tree(tmp_path / "t", {"a": fleet.signed, "b": dead})
    result = run(tree, allowlist=[registry.host])
    assert ("MWI01", dead) in pairs(result)
    assert ("MWI01", fleet.signed) not in pairs(result)
    assert not any(r in ("MWI03", "MWI05", "MWI10") for r, i in pairs(result) if i == dead)
    assert "registries answered for 1 of 2 image(s)" in result.notices
    note = next(n for n in result.notices if dead in n)
    assert note.startswith("not run: MWI03, MWI04, MWI05, MWI10") and "not asked" in note


def test_cli_json_report_and_exit_code(tmp_path: Path, fleet: Fleet, registry: Registry,
                                       keys: Keys) -> None:
    tree = write_tree(tmp_path / "t", {"a": fleet.signed, "b": fleet.unsigned})
    (tree / "docker-compose.yaml").write_text(
        f"services:\n  web:\n    image: {fleet.wrong_key}\n", encoding="utf-8")
    (tree / "Dockerfile").write_text(f"FROM {fleet.moved}\nUSER app\n", encoding="utf-8")
    out = tmp_path / "report.json"
    code = main(["images", str(tree), "--key", str(keys.trusted_pub), "--allow-registry",
                 registry.host, "-f", "json", "-o", str(out)])
    assert code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["run"]["command"] == "images"
    got = {(f["rule_id"], f["location"]["path"].rsplit("/", 1)[-1]) for f in doc["findings"]}
    assert got == {("MWI02", "deploy.yaml"), ("MWI10", "deploy.yaml"),
                   ("MWI11", "docker-compose.yaml"), ("MWI03", "Dockerfile")}
    assert any("4 image(s) in 4 place(s)" in n for n in doc["notices"])
    practices = {p["code"]: p["status"] for p in doc["summary"]["practices"]}
    assert practices["SUP-PROVENANCE"] == "gaps"


def test_cli_bad_key_file_is_an_input_error(tmp_path: Path, fleet: Fleet,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    tree = write_tree(tmp_path / "t", {"a": fleet.signed})
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key\n", encoding="utf-8")
    code = main(["images", str(tree), "--key", str(bad)])
    assert code == 2
    assert "is not a PEM public key" in capsys.readouterr().out


def test_config_file_keys_allowlist_and_insecure(tmp_path: Path, fleet: Fleet, registry: Registry,
                                                 keys: Keys) -> None:
    tree = write_tree(tmp_path / "t", {"a": fleet.signed, "b": fleet.wrong_key,
                                       "c": "quay.io/team/tool:1"})
    (tree / "keys").mkdir()
    (tree / "keys" / "fleet.pub").write_bytes(keys.trusted_pub.read_bytes())
    (tree / ".meshward.yaml").write_text(
        f"registries: [{registry.host}]\n"
        "image_keys:\n"
        f"  - match: {registry.host}/shop/*\n"
        "    key: keys/fleet.pub\n"
        "  - match: nowhere.example\n"
        "    key: keys/absent.pub\n", encoding="utf-8")
    out = tmp_path / "r.json"
    code = main(["images", str(tree), "--timeout", "2", "-f", "json", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code == 2  # the missing key file is an input error; the rest still ran
    assert [(e["path"].rsplit("/", 1)[-1], e["line"]) for e in doc["errors"]] == [
        (".meshward.yaml", 5)]
    got = {(f["rule_id"], {e["name"]: e["value"] for e in f["extra"]}["image"])
           for f in doc["findings"]}
    assert got == {("MWI02", fleet.signed), ("MWI11", fleet.wrong_key),
                   ("MWI01", "quay.io/team/tool:1")}
