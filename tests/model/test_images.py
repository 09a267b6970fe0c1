"""The one image-reference module: full parse (cached) and the name as written."""

from __future__ import annotations

import pytest

from meshward.checks.images import parse_image as reexported
from meshward.checks.ports import image_repository
from meshward.model.images import parse_image, written_name


@pytest.mark.parametrize(("text", "name"), [
    ("Redis:7-alpine", "redis"),
    ("docker.io/Library/Redis:7", "docker.io/library/redis"),
    ("registry.local:5000/team/app@sha256:abc", "registry.local:5000/team/app"),
    ("registry.local:5000/team/app", "registry.local:5000/team/app"),
    (" envoyproxy/envoy:v1.30 ", "envoyproxy/envoy"),
    ("${REGISTRY}/app:${TAG}", "${registry}/app"),
    ("{{ .Values.nginx.image }}", "{{ .values.nginx.image }}"),
    ("", ""),
])
def test_written_name(text: str, name: str) -> None:
    assert written_name(text) == name
    assert image_repository(text) == name


def test_parse_is_shared_and_cached() -> None:
    assert reexported is parse_image
    first = parse_image("nginx:1.27")
    assert first is parse_image("nginx:1.27")
    assert first is not None and (first.registry, first.repository, first.tag) == \
        ("docker.io", "library/nginx", "1.27")
    ref = parse_image("host:5000/app@sha256:abc")
    assert ref is not None and (ref.registry, ref.repository, ref.tag, ref.digest) == \
        ("host:5000", "app", None, "sha256:abc")
    ref = parse_image("app:${TAG}")
    assert ref is not None and ref.variable_parts == ("tag",) and ref.tag == "${TAG}"
    assert parse_image("${IMAGE}") is None
