"""What reports and SBOMs say, independent of their format."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.vuln.severity import Rating


@dataclass(frozen=True, slots=True)
class ImageIdentity:
    """The image a report or SBOM is about, as the tool wrote it."""

    references: tuple[str, ...]  # "python:3.12-slim", "docker.io/library/python@sha256:..."
    digests: tuple[str, ...] = ()  # manifest digests, "sha256:..."

    @property
    def display(self) -> str:
        return self.references[0] if self.references else (self.digests[0] if self.digests else "")


@dataclass(frozen=True, slots=True)
class Package:
    """One installed package: an OS package of an image, or a pinned dependency."""

    name: str
    version: str
    ecosystem: str  # OSV ecosystem: "Debian:12", "Alpine:v3.19", "PyPI", "npm", "Go"
    purl: str = ""
    source_name: str = ""  # the source package (Debian, Alpine advisories are per source)
    source_version: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Vuln:
    """One vulnerability of one package, as a scanner or an advisory database says."""

    id: str
    package: str
    installed: str
    fixed: str  # "" when no fixed version is known
    rating: Rating
    line: int
    title: str = ""
    aliases: tuple[str, ...] = ()
    ecosystem: str = ""
    kind: str = "image"  # image | sbom | osv-sbom | lockfile
    source_package: str = ""  # the source package an advisory named, when not the package


@dataclass
class Document:
    """A report or SBOM read from one file."""

    path: str
    format: str  # trivy | grype | cyclonedx | spdx
    image: ImageIdentity | None
    artifact: str  # what the tool scanned, as it names it
    vulns: list[Vuln] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    has_vulnerabilities: bool = False  # the document carries vulnerability results
    # VEX: (id, package names it affects, analysis state), listed but stated not to apply
    dismissed: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
