"""MW304: images whose runtime or OS release has reached end of life (dated table)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.images import ImageRef, image_uses
from meshward.checks.registry import Hit, rule
from meshward.data.eol import CODENAMES, EOL, Release, lookup
from meshward.findings.finding import Confidence, Severity

SOON_DAYS = 90
_NUMBER = re.compile(r"^(\d{1,3})(?:\.(\d+))?(?!\d)")
_ALPINE_VARIANT = re.compile(r"(?:^|[-_.])alpine(\d+\.\d+)")


def _cycle(product: str, tag: str) -> str | None:
    """The release cycle a tag of an official image names, if any."""
    lowered = tag.lower()
    for name, cycle in CODENAMES.get(product, {}).items():
        if lowered == name or lowered.startswith(name + "-"):
            return cycle
    m = _NUMBER.match(lowered)
    if not m:
        return None
    major, minor = m.group(1), m.group(2)
    if product in ("node", "debian"):
        return major
    if product == "postgres":
        return major if int(major) >= 10 else (f"{major}.{minor}" if minor else None)
    if minor is None:
        return major
    return f"{major}.{minor}"


def releases_of(img: ImageRef) -> list[Release]:
    """The dated releases an image reference names: its own product and its OS variant."""
    tag = img.tag
    if tag is None or not img.tag_known or tag.lower() == "latest":
        return []
    found: list[Release] = []
    if img.official and img.name in EOL:
        cycle = _cycle(img.name, tag)
        rel = lookup(img.name, cycle) if cycle else None
        if rel:
            found.append(rel)
    lowered = tag.lower()
    m = _ALPINE_VARIANT.search(lowered)
    if m:
        rel = lookup("alpine", m.group(1))
        if rel:
            found.append(rel)
    tokens = set(re.split(r"[-_.]", lowered))
    for os_name in ("debian", "ubuntu"):
        if img.official and img.name == os_name:
            continue
        for codename, cycle in CODENAMES[os_name].items():
            if codename in tokens:
                rel = lookup(os_name, cycle)
                if rel:
                    found.append(rel)
    return found


def _age(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years ago"
    if days >= 60:
        return f"{days // 30} months ago"
    return f"{days} days ago"


@rule(
    id="MW304",
    title="Image runtime or OS release is end-of-life",
    severity=Severity.HIGH,
    practices=("SUP-VULN", "SUP-PATCH"),
    targets=("kubernetes", "compose", "dockerfile"),
    cwe="CWE-1104",
    rationale=(
        "After its end-of-life date a release gets no security fixes: every vulnerability "
        "found later stays open in every image built on it. meshward compares the release "
        "an image tag names (official python, node, alpine, debian, ubuntu, mongo, postgres "
        "images, and `-alpine3.x`/`-buster`-style OS variants of any image) with a dated "
        "table shipped in the package, so the same files are flagged once the date passes. "
        "A release that ends within 90 days is reported at low severity."
    ),
    remediation=(
        "Move to a supported release (e.g. python:3.12-slim, node:22-alpine, debian:12) and "
        "rebuild; pin it by digest and let a bot propose updates."
    ),
    references=("https://endoflife.date", "https://devguide.python.org/versions/",
                "https://github.com/nodejs/Release", "https://alpinelinux.org/releases/",
                "https://wiki.debian.org/LTS", "https://ubuntu.com/about/release-cycle",
                "https://www.mongodb.com/legal/support-policy/lifecycles",
                "https://www.postgresql.org/support/versioning/"),
    example_fail="FROM python:3.7-slim",
    example_pass="FROM python:3.12-slim",
)
def end_of_life(ctx: ScanContext) -> Iterator[Hit]:
    for use in image_uses(ctx):
        ended: list[str] = []
        soon: list[str] = []
        for rel in releases_of(use.image):
            days = (ctx.today - rel.eol).days
            if days >= 0:
                ended.append(f"{rel.title} reached end of life on {rel.eol.isoformat()} ({_age(days)})")
            elif -days <= SOON_DAYS:
                soon.append(f"{rel.title} reaches end of life on {rel.eol.isoformat()} (in {-days} days)")
        if not ended and not soon:
            continue
        img = use.image
        detail = "; ".join(ended + soon)
        tail = ": no security fixes any more" if ended else ""
        yield Hit(f"{use.where}: image {img.raw}: {detail}{tail}", use.location, use.resource,
                  use.service, f"image: {img.raw}", key=use.key,
                  severity=None if ended else Severity.LOW,
                  confidence=Confidence.HIGH if img.official else Confidence.MEDIUM)
