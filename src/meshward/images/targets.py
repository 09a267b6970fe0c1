"""The images of an inventory: Kubernetes containers, compose services, Dockerfile FROM
lines and container definitions of cloud task definitions, grouped by reference."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from meshward.checks.context import ScanContext
from meshward.checks.images import ImageRef, ImageUse, image_uses, parse_image
from meshward.config import Config
from meshward.findings.finding import ResourceRef
from meshward.model.graph import ServiceGraph
from meshward.model.inventory import Inventory
from meshward.model.source import Location

TASK_TYPES = frozenset({"aws_ecs_task_definition"})


@dataclass
class ImageTarget:
    """One distinct reference and every place that names it."""

    ref: ImageRef
    uses: list[ImageUse] = field(default_factory=list)

    @property
    def first(self) -> ImageUse:
        return self.uses[0]

    @property
    def services(self) -> list[str]:
        return sorted({u.service for u in self.uses if u.service})


def cloud_uses(inv: Inventory) -> list[ImageUse]:
    out: list[ImageUse] = []
    for res in inv.cloud_resources:
        if res.type not in TASK_TYPES:
            continue
        defs: Any = res.attributes.get("container_definitions")
        if isinstance(defs, str):
            try:
                defs = json.loads(defs)
            except ValueError:
                continue
        for item in defs if isinstance(defs, list) else ():
            if not isinstance(item, dict) or not isinstance(item.get("image"), str):
                continue
            ref = parse_image(item["image"])
            if ref is None:
                continue
            name = str(item.get("name") or "container")
            out.append(ImageUse(
                ref, f"container {name} of {res.ref}",
                Location(res.location.path, res.line_of("container_definitions")),
                ResourceRef(res.type, res.name), None, f"{res.ref}/{name}", "cloud"))
    return out


def collect(inv: Inventory, config: Config) -> tuple[list[ImageTarget], int]:
    """Distinct, checkable references (in first-seen order) and how many uses were skipped
    because a part of the reference is a variable."""
    ctx = ScanContext(inventory=inv, graph=ServiceGraph(services=inv.services), config=config)
    by_raw: dict[str, ImageTarget] = {}
    skipped = 0
    for use in [*image_uses(ctx), *cloud_uses(inv)]:
        if use.image.variable_parts:
            skipped += 1
            continue
        key = normal(use.image)
        target = by_raw.get(key)
        if target is None:
            target = by_raw[key] = ImageTarget(use.image)
        target.uses.append(use)
    return list(by_raw.values()), skipped


def normal(ref: ImageRef) -> str:
    tag = f":{ref.tag}" if ref.tag else ""
    digest = f"@{ref.digest}" if ref.digest else ""
    return f"{ref.registry}/{ref.repository}{tag}{digest}"
