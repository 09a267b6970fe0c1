"""Docker Compose projects as loaded (compose specification)."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.findings.finding import ResourceRef
from meshward.model.kubernetes import EnvVar
from meshward.model.source import Location, YMap, dig_line


@dataclass
class ComposePort:
    """One published or exposed port. ``published`` is ``None`` for container-only ports."""

    target: int | None
    published: str | None
    host_ip: str
    protocol: str
    line: int
    raw: str = ""

    @property
    def is_published(self) -> bool:
        return self.published is not None

    @property
    def on_all_interfaces(self) -> bool:
        """Published and bound to every interface of the host (the default)."""
        return self.is_published and self.host_ip in ("", "0.0.0.0", "::", "[::]")

    @property
    def on_loopback(self) -> bool:
        return self.host_ip.startswith("127.") or self.host_ip in ("::1", "[::1]", "localhost")


@dataclass
class ComposeVolume:
    source: str
    target: str
    type: str  # bind | volume | tmpfs | npipe | cluster
    read_only: bool
    line: int


@dataclass
class ComposeService:
    """One service of a compose file, normalised; ``body`` keeps lines of everything."""

    name: str
    path: str
    body: YMap
    image: str = ""
    build_context: str = ""
    dockerfile: str = ""
    ports: list[ComposePort] = field(default_factory=list)
    expose: list[int] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    network_mode: str = ""
    environment: list[EnvVar] = field(default_factory=list)
    env_files: list[str] = field(default_factory=list)
    volumes: list[ComposeVolume] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    configs: list[str] = field(default_factory=list)
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    privileged: bool = False
    user: str = ""
    pid: str = ""
    ipc: str = ""
    read_only: bool = False
    security_opt: list[str] = field(default_factory=list)
    logging_driver: str = ""
    has_healthcheck: bool = False
    replicas: int | None = None
    hostname: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> Location:
        return Location(self.path, self.body.line)

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef("ComposeService", self.name)

    def line(self, *path: str | int) -> int:
        return dig_line(self.body, *path) or self.body.line

    def at(self, *path: str | int) -> Location:
        return Location(self.path, self.line(*path))


@dataclass
class ComposeNetwork:
    name: str
    internal: bool
    external: bool
    driver: str
    line: int


@dataclass
class ComposeFile:
    """One compose file. Services keep the order they were written in."""

    path: str
    body: YMap
    services: list[ComposeService] = field(default_factory=list)
    networks: dict[str, ComposeNetwork] = field(default_factory=dict)
    project: str = ""
