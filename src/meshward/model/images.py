"""Image references: parse ``[registry/]repo[:tag][@digest]``, the one parser every rule uses.

Docker's rules: the first path component is a registry host when it contains a dot or a
colon (a port) or is ``localhost``; otherwise the image is on Docker Hub (``docker.io``),
and a one-component name is an official image under ``library/``. A tag follows the last
colon after the last slash; a digest follows ``@``. Parts holding ``${VAR}``, ``$VAR`` or
a Helm ``{{ }}`` are not known until build or deploy time: rules must not judge them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\}")


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


def _split(raw: str) -> tuple[str, str | None, str | None]:
    """``name[:tag][@digest]`` -> (name, tag, digest); a tag follows the last colon after the
    last slash (``host:5000/app`` has none)."""
    rest, digest = raw, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1:], digest
    return rest, None, digest


def written_name(image: str) -> str:
    """The image as written without tag or digest, lower-case, registry kept as written:
    ``Docker.io/Library/Redis:7`` -> ``docker.io/library/redis``. Variables stay as text,
    so a name can be matched against known images even when the reference does not parse."""
    ref = image.strip().lower().split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref = ref[: len(ref) - len(last)] + last.split(":", 1)[0]
    return ref


@lru_cache(maxsize=8192)
def parse_image(text: str) -> ImageRef | None:
    """Parse an image reference; ``None`` for an empty string or an entirely variable one.

    Cached: a fleet names the same images again and again, and several rules ask.
    """
    raw = text.strip()
    if not raw or _VARIABLE.fullmatch(raw):
        return None
    variable: list[str] = []
    rest, tag, digest = _split(raw)
    if digest is not None and has_variable(digest):
        variable.append("digest")
    slash = rest.rfind("/")
    if tag is not None:
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
