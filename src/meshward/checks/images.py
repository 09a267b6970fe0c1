"""Every place an image is named (containers, compose services, Dockerfile FROM lines).

Parsing a reference is :mod:`meshward.model.images` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.findings.finding import ResourceRef
from meshward.model.dockerfile import Dockerfile, Stage
from meshward.model.images import DOCKER_HUB, ImageRef, has_variable, parse_image, written_name
from meshward.model.source import Location

__all__ = ["DOCKER_HUB", "ImageRef", "ImageUse", "external_stages", "global_arg_defaults",
           "has_variable", "image_uses", "parse_image", "resolve_build_args", "written_name"]

_ARG_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One place an image is named: a container, a compose service or a Dockerfile FROM."""

    image: ImageRef
    where: str  # "container web of Deployment shop/web", "Dockerfile FROM (stage build)"
    location: Location
    resource: ResourceRef | None
    service: str | None
    key: str
    environment: str  # kubernetes | compose | dockerfile


def resolve_build_args(text: str, args: dict[str, str]) -> str:
    """Substitute ``$NAME``/``${NAME}`` from ARG defaults; unknown names stay as written."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return args.get(name, m.group(0))

    return _ARG_REF.sub(sub, text)


def global_arg_defaults(df: Dockerfile) -> dict[str, str]:
    out: dict[str, str] = {}
    for ins in df.global_args:
        name, eq, value = ins.value.partition("=")
        if eq and value.strip():
            out[name.strip()] = value.strip().strip("\"'")
    return out


def external_stages(df: Dockerfile) -> Iterator[tuple[Stage, str]]:
    """Stages built FROM an image (not FROM an earlier stage, not scratch), with the image."""
    args = global_arg_defaults(df)
    earlier: set[str] = set()
    for stage in df.stages:
        base = resolve_build_args(stage.base_image, args)
        if base.lower() not in earlier and base.lower() != "scratch":
            yield stage, base
        if stage.alias:
            earlier.add(stage.alias.lower())


def copied_images(df: Dockerfile) -> Iterator[tuple[Stage, int, str]]:
    """Images a build copies or mounts files from (``COPY --from=image``,
    ``RUN --mount=...,from=image``): (stage, line, image), stage names and indexes left out."""
    args = global_arg_defaults(df)
    stages = {s.alias.lower() for s in df.stages if s.alias} | {str(s.index) for s in df.stages}
    for stage in df.stages:
        for ins in stage.instructions:
            source = ""
            if ins.keyword == "COPY":
                source = ins.flags.get("from", "")
            elif ins.keyword == "RUN" and "from=" in ins.flags.get("mount", ""):
                for part in ins.flags["mount"].split(","):
                    key, _, value = part.partition("=")
                    if key.strip() == "from":
                        source = value.strip()
            source = resolve_build_args(source.strip("\"'"), args)
            if source and source.lower() not in stages and source.lower() != "scratch":
                yield stage, ins.line, source


def image_uses(ctx: ScanContext) -> Iterator[ImageUse]:
    """Every image named in the scanned files, with where it is named (found once per scan)."""
    return iter(once(ctx, "images.uses", lambda: list(_image_uses(ctx))))


def _image_uses(ctx: ScanContext) -> Iterator[ImageUse]:
    for w, c, svc in containers(ctx):
        ref = parse_image(c.image)
        if ref is not None:
            yield ImageUse(ref, container_label(w, c), c.at("image"), w.ref, svc,
                           f"{c.role}/{c.name}", "kubernetes")
    for cs, svc in compose_services(ctx):
        raw = cs.body.get("image")
        ref = parse_image(str(raw)) if isinstance(raw, (str, int, float)) else None
        if ref is not None:
            yield ImageUse(ref, f"compose service {cs.name}", cs.at("image"), cs.ref, svc,
                           cs.name, "compose")
    for df in ctx.inventory.dockerfiles:
        final = df.final_stage
        for stage, base in external_stages(df):
            ref = parse_image(base)
            if ref is None:
                continue
            which = "final stage" if stage is final else "build stage"
            label = f"{df.path} FROM ({which} {stage.name})"
            yield ImageUse(ref, label, df.at(stage.line), df.ref(stage), None,
                           f"stage/{stage.name}", "dockerfile")
        for stage, line, source in copied_images(df):
            ref = parse_image(source)
            if ref is not None:
                yield ImageUse(ref, f"{df.path} COPY/mount --from (stage {stage.name})",
                               df.at(line), df.ref(stage), None,
                               f"copy-from/{stage.name}/{source}", "dockerfile")
