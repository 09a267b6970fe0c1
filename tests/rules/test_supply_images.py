"""Image reference parsing, the registry allowlist and the dated end-of-life table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.checks.images import parse_image
from meshward.checks.rules.supply_eol import releases_of
from meshward.checks.rules.supply_images import allowed
from meshward.config import Config
from meshward.pipeline import scan


@pytest.mark.parametrize(("text", "registry", "repository", "tag", "digest"), [
    ("redis", "docker.io", "library/redis", None, None),
    ("redis:alpine", "docker.io", "library/redis", "alpine", None),
    ("weaveworksdemos/carts:0.4.8", "docker.io", "weaveworksdemos/carts", "0.4.8", None),
    ("docker.io/redis:7", "docker.io", "library/redis", "7", None),
    ("index.docker.io/library/redis:7", "docker.io", "library/redis", "7", None),
    ("localhost:5000/app", "localhost:5000", "app", None, None),
    ("localhost/app:1", "localhost", "app", "1", None),
    ("registry.example.com:5000/team/app:1.2@sha256:ab", "registry.example.com:5000", "team/app", "1.2",
     "sha256:ab"),
    ("busybox@sha256:fd8d", "docker.io", "library/busybox", None, "sha256:fd8d"),
    ("us-central1-docker.pkg.dev/p/r/frontend:v0.10.6", "us-central1-docker.pkg.dev", "p/r/frontend",
     "v0.10.6", None),
])
def test_parse_image(text: str, registry: str, repository: str, tag: str | None,
                     digest: str | None) -> None:
    ref = parse_image(text)
    assert ref is not None
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)
    assert ref.variable_parts == ()


def test_variables_are_unknown_not_latest() -> None:
    assert parse_image("${IMAGE}") is None
    ref = parse_image("${REGISTRY}/app:${TAG}")
    assert ref is not None and ref.variable_parts == ("tag", "registry") and not ref.tag_known
    ref = parse_image("registry.example.com/app${SUFFIX}")
    assert ref is not None and "tag" in ref.variable_parts
    ref = parse_image("{{ .Values.images.repository }}/redis:alpine")
    assert ref is not None and ref.registry == "" and ref.tag == "alpine"


@pytest.mark.parametrize(("image", "allow", "ok"), [
    ("redis:7", ["docker.io"], True),
    ("redis:7", ["docker.io/library"], True),
    ("bitnami/redis:7", ["docker.io/library"], False),
    ("eu.gcr.io/p/app:1", ["*.gcr.io"], True),
    ("registry.example.com.evil.io/app:1", ["registry.example.com"], False),
    ("registry.example.com/team-b/app:1", ["registry.example.com/team"], False),
    ("registry.example.com/team/app:1", ["registry.example.com/team"], True),
])
def test_allowlist(image: str, allow: list[str], ok: bool) -> None:
    ref = parse_image(image)
    assert ref is not None and allowed(ref, allow) is ok


def _releases(image: str) -> list[tuple[str, str, str]]:
    ref = parse_image(image)
    assert ref is not None
    return [(r.product, r.cycle, r.eol.isoformat()) for r in releases_of(ref)]


def test_release_lookup() -> None:
    assert _releases("python:2") == [("python", "2.7", "2020-01-01")]
    assert _releases("python:3.8.18-slim-bookworm") == [("python", "3.8", "2024-10-07"),
                                                        ("debian", "12", "2028-06-30")]
    assert _releases("node:16-buster") == [("node", "16", "2023-09-11"), ("debian", "10", "2024-06-30")]
    assert _releases("node:gallium-alpine3.17") == [("node", "16", "2023-09-11"),
                                                    ("alpine", "3.17", "2024-11-22")]
    assert _releases("alpine:3.15.4") == [("alpine", "3.15", "2023-11-01")]
    assert _releases("ubuntu:18.04") == [("ubuntu", "18.04", "2023-05-31")]
    assert _releases("debian:stretch-slim") == [("debian", "9", "2022-06-30")]
    assert _releases("mongo:4") == [("mongo", "4.4", "2024-02-29")]
    assert _releases("postgres:9.6-alpine") == [("postgres", "9.6", "2021-11-11")]
    assert _releases("python") == [] and _releases("python:latest") == []
    assert _releases("ghcr.io/acme/python:3.7") == []  # not the official image


def _eol_findings(tmp_path: Path, today: dt.date) -> list[tuple[str, str]]:
    result = scan([tmp_path], Config(), today=today, select=["MW304"])
    return [(f.severity.value, f.message) for f in result.findings]


def test_eol_rule_ages_with_today(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM node:20-alpine\nUSER node\n")
    assert _eol_findings(tmp_path, dt.date(2025, 12, 1)) == []
    soon = _eol_findings(tmp_path, dt.date(2026, 3, 1))
    assert soon == [("low", "Dockerfile FROM (final stage 0): image node:20-alpine: Node.js 20 "
                            "reaches end of life on 2026-04-30 (in 60 days)")]
    assert _eol_findings(tmp_path, dt.date(2026, 4, 30)) == [
        ("high", "Dockerfile FROM (final stage 0): image node:20-alpine: Node.js 20 reached end "
                 "of life on 2026-04-30 (0 days ago): no security fixes any more")]
    later = _eol_findings(tmp_path, dt.date(2029, 5, 1))
    assert later[0][1].endswith("reached end of life on 2026-04-30 (3 years ago): no security fixes any more")


def test_registry_notice_once_and_no_findings(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  a: {image: 'redis:7'}\n  b: {image: 'quay.io/x/y:1'}\n")
    result = scan([tmp_path], Config(), select=["MW303"])
    assert result.findings == []
    assert [n for n in result.notices if n.startswith("MW303")] == [
        "MW303: no registry allowlist is configured (`registries:` in .meshward.yaml), so image "
        "registries were not checked"]
