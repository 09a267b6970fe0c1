"""Where each image of an inventory runs: containers, compose services, Dockerfile bases."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from meshward.checks.images import ImageRef, external_stages, parse_image
from meshward.model.inventory import Inventory
from meshward.model.source import Location


@dataclass(frozen=True, slots=True)
class ImageSite:
    """One place an image is used, and the service that runs it (if any)."""

    image: ImageRef
    location: Location
    service: str | None
    where: str
    base_of: str = ""  # for a Dockerfile FROM: the Dockerfile path


def canonical(ref: ImageRef) -> str:
    tag = f":{ref.tag}" if ref.tag else ""
    digest = f"@{ref.digest}" if ref.digest else ""
    return f"{ref.full_name}{tag}{digest}"


def _built_by(inv: Inventory) -> dict[str, list[str]]:
    """Dockerfile path -> compose services built from it (``build:`` context + dockerfile)."""
    out: dict[str, list[str]] = {}
    for cs in inv.compose_services:
        if not cs.build_context or "://" in cs.build_context:
            continue
        base = posixpath.dirname(cs.path)
        df = posixpath.normpath(posixpath.join(base, cs.build_context, cs.dockerfile or "Dockerfile"))
        svc = inv.service_name_of(cs)
        if svc:
            out.setdefault(df, []).append(svc)
    return out


def image_sites(inv: Inventory) -> list[ImageSite]:
    sites: list[ImageSite] = []
    for w in inv.workloads:
        svc = inv.service_name_of(w)
        for c in w.containers:
            ref = parse_image(c.image)
            if ref is not None:
                sites.append(ImageSite(ref, c.at("image"), svc,
                                       f"container {c.name} of {w.kind} {w.namespace}/{w.name}"))
    for cs in inv.compose_services:
        ref = parse_image(cs.image) if cs.image else None
        if ref is not None:
            sites.append(ImageSite(ref, cs.at("image"), inv.service_name_of(cs),
                                   f"compose service {cs.name}"))
    built = _built_by(inv)
    for df in inv.dockerfiles:
        services: list[str | None] = [*built.get(posixpath.normpath(df.path), [])] or [None]
        for stage, base in external_stages(df):
            ref = parse_image(base)
            if ref is None:
                continue
            for svc in services:
                sites.append(ImageSite(ref, df.at(stage.line), svc,
                                       f"{df.path} FROM (stage {stage.name})", base_of=df.path))
    return sites
