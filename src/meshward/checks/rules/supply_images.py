"""MW301-MW303: image references: mutable `latest`/missing tags, tags without digest,
registries outside the configured allowlist."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.images import ImageRef, image_uses
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity

_DIGEST_REF = "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier"
_VERSIONED = re.compile(r"\d+\.\d+")


@rule(
    id="MW301",
    title="Image uses the `latest` tag or no tag",
    severity=Severity.MEDIUM,
    practices=("SUP-PROVENANCE",),
    targets=("kubernetes", "compose", "dockerfile"),
    cwe="CWE-1357",
    rationale=(
        "An image without a tag means `latest`, which moves with every push: two nodes, or "
        "two deploys a day apart, can run different code, a rollback cannot return to what "
        "ran before, and an attacker who can push to the repository changes what runs."
    ),
    remediation=(
        "Name an exact version and pin it by digest: `image: redis:7.2.4@sha256:<digest>`. "
        "Let a bot (Renovate, Dependabot) propose updates."
    ),
    references=(_DIGEST_REF, "https://kubernetes.io/docs/concepts/containers/images/#image-names"),
    example_fail="containers:\n- name: cache\n  image: redis",
    example_pass="containers:\n- name: cache\n  image: redis:7.2.4@sha256:<digest>",
)
def latest_tag(ctx: ScanContext) -> Iterator[Hit]:
    for use in image_uses(ctx):
        img = use.image
        if img.pinned or not img.tag_known or "repository" in img.variable_parts:
            continue
        if img.tag is None:
            what = "has no tag, so it means `latest`"
        elif img.tag.lower() == "latest":
            what = "uses the `latest` tag"
        else:
            continue
        yield Hit(f"{use.where}: image {img.raw} {what}, which changes with every push",
                  use.location, use.resource, use.service, f"image: {img.raw}", key=use.key)


@rule(
    id="MW302",
    title="Image pinned by tag, not by digest",
    severity=Severity.LOW,
    practices=("SUP-PROVENANCE",),
    targets=("kubernetes", "compose", "dockerfile"),
    cwe="CWE-1357",
    rationale=(
        "Tags are mutable: the registry can serve different content under the same tag "
        "tomorrow (a rebuilt base, or a compromised account). Only a digest names exactly "
        "the bytes that were tested and, with signatures, verified. Tags without a version "
        "number (`alpine`, `stable`) move with every release."
    ),
    remediation=(
        "Append the digest to the tag (`redis:7.2.4-alpine@sha256:<digest>`); the tag "
        "stays readable and the digest decides what runs. An image already pinned by "
        "digest is fine."
    ),
    references=(_DIGEST_REF, "https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests"),
    example_fail="image: redis:alpine",
    example_pass="image: redis:7.2.4-alpine@sha256:<digest>",
)
def tag_without_digest(ctx: ScanContext) -> Iterator[Hit]:
    for use in image_uses(ctx):
        img = use.image
        if img.pinned or img.tag is None or not img.tag_known or img.tag.lower() == "latest":
            continue
        floating = not _VERSIONED.search(img.tag)
        how = ("a floating tag that moves to each new release" if floating
               else "a tag, which the registry can re-point")
        yield Hit(f"{use.where}: image {img.raw} is pinned only by {how}; no digest",
                  use.location, use.resource, use.service, f"image: {img.raw}", key=use.key,
                  severity=Severity.MEDIUM if floating else None)


def allowed(img: ImageRef, allowlist: list[str]) -> bool:
    """An entry is a registry host (glob allowed) or a registry/repository prefix."""
    full = img.full_name
    for entry in allowlist:
        entry = entry.strip().rstrip("/").lower()
        if not entry:
            continue
        if "/" not in entry:
            if fnmatch.fnmatchcase(img.registry, entry):
                return True
        elif fnmatch.fnmatchcase(full, entry) or full.startswith(entry + "/") or full == entry:
            return True
    return False


@rule(
    id="MW303",
    title="Image from a registry outside the allowlist",
    severity=Severity.HIGH,
    practices=("SUP-REGISTRY",),
    targets=("kubernetes", "compose", "dockerfile"),
    cwe="CWE-829",
    rationale=(
        "Images should come only from registries the organisation trusts and scans. An image "
        "pulled straight from a public registry skips that scanning and can change or vanish "
        "(typosquatting, account takeover, rate limits)."
    ),
    remediation=(
        "Mirror the image into an allowed registry and reference it there, or add the "
        "registry to `registries:` in .meshward.yaml if it is trusted. Entries are hosts "
        "(`registry.example.com`, `*.pkg.dev`) or host/path prefixes (`docker.io/library`)."
    ),
    references=("https://kubernetes.io/docs/concepts/containers/images/",
                "https://kyverno.io/policies/best-practices/restrict-image-registries/restrict-image-registries/"),
    example_fail="# .meshward.yaml\nregistries: [registry.example.com]\n---\nimage: docker.io/library/redis:7",
    example_pass="# .meshward.yaml\nregistries: [registry.example.com]\n---\nimage: registry.example.com/redis:7",
)
def registry_allowlist(ctx: ScanContext) -> Iterator[Hit]:
    allowlist = ctx.config.registries
    if not allowlist:
        ctx.notice("MW303: no registry allowlist is configured (`registries:` in .meshward.yaml), "
                   "so image registries were not checked")
        return
    for use in image_uses(ctx):
        img = use.image
        if "registry" in img.variable_parts or "repository" in img.variable_parts:
            continue
        if allowed(img, allowlist):
            continue
        yield Hit(f"{use.where}: image {img.raw} comes from {img.registry}, which is not in the "
                  f"registry allowlist ({', '.join(allowlist)})",
                  use.location, use.resource, use.service, f"image: {img.raw}", key=use.key,
                  confidence=Confidence.HIGH)
