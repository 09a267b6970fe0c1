"""Image references: parse ``[registry/]repo[:tag][@digest]`` and find every place one is used.

Docker's rules: the first path component is a registry host when it contains a dot or a
colon (a port) or is ``localhost``; otherwise the image is on Docker Hub (``docker.io``),
and a one-component name is an official image under ``library/``. A tag follows the last
colon after the last slash; a digest follows ``@``. Parts holding ``${VAR}``, ``$VAR`` or
a Helm ``{{ }}`` are not known until build or deploy time: rules must not judge them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.findings.finding import ResourceRef
from meshward.model.dockerfile import Dockerfile, Stage
from meshward.model.source import Location

DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\}")
_ARG_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def has_variable(text: str) -> bool:
    return bool(_VARIABLE.search(text))


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference. ``None`` fields were not written (or are variables)."""

    raw: str
    registry: str  # docker.io for Docker Hub; "" when the registry part is a variable
    repository: str  # with ``library/`` for official Docker Hub images
    tag: str | None
    digest: str | None
    variable_parts: tuple[str, ...] = ()  # "registry", "repository", "tag", "digest"

    @property
    def on_docker_hub(self) -> bool:
        return self.registry == DOCKER_HUB

    @property
    def official(self) -> bool:
        """A Docker Hub official image, or a mirror of one (``.../library/python``)."""
        parts = self.repository.split("/")
        return len(parts) >= 2 and parts[-2] == "library"

    @property
    def name(self) -> str:
        """The last path component: ``python`` for ``docker.io/library/python:3``."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def tag_known(self) -> bool:
        return "tag" not in self.variable_parts

    @property
    def pinned(self) -> bool:
        return self.digest is not None

    @property
    def full_name(self) -> str:
        return f"{self.registry}/{self.repository}" if self.registry else self.repository


def parse_image(text: str) -> ImageRef | None:
    """Parse an image reference; ``None`` for an empty string or an entirely variable one."""
    raw = text.strip()
    if not raw or _VARIABLE.fullmatch(raw):
        return None
    variable: list[str] = []
    rest, digest = raw, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if has_variable(digest):
            variable.append("digest")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag = None
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1:]
        if has_variable(tag):
            variable.append("tag")
    elif has_variable(rest[slash + 1:]) and digest is None:
        variable.append("tag")  # image: app${SUFFIX} may carry its tag in the variable
    parts = rest.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost" or has_variable(first)):
        registry = first.lower()
        repo_parts = parts[1:]
        if has_variable(first):
            registry = ""
            variable.append("registry")
    else:
        registry = DOCKER_HUB
        repo_parts = parts
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
    repository = "/".join(repo_parts)
    if registry == DOCKER_HUB and len(repo_parts) == 1:
        repository = f"library/{repository}"
    if has_variable(repository):
        variable.append("repository")
    return ImageRef(raw, registry, repository, tag, digest, tuple(variable))


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
    """Every image named in the scanned files, with where it is named."""
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
