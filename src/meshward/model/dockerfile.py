"""Dockerfiles as parsed: stages and instructions with line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.findings.finding import ResourceRef
from meshward.model.source import Location


@dataclass
class Instruction:
    """One instruction. ``value`` has continuations joined; ``heredocs`` holds their bodies."""

    keyword: str  # upper-case: FROM, RUN, USER...
    value: str
    line: int
    end_line: int
    flags: dict[str, str] = field(default_factory=dict)  # --from=, --chown=, --mount=...
    heredocs: list[str] = field(default_factory=list)


@dataclass
class Stage:
    """A build stage: ``FROM base [AS alias]`` and what follows it."""

    index: int
    base_image: str
    alias: str
    line: int
    platform: str = ""
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.alias or str(self.index)


@dataclass
class Dockerfile:
    path: str
    stages: list[Stage] = field(default_factory=list)
    directives: dict[str, str] = field(default_factory=dict)  # syntax=, escape=, check=
    global_args: list[Instruction] = field(default_factory=list)  # ARG before the first FROM

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def stage_names(self) -> set[str]:
        return {s.alias.lower() for s in self.stages if s.alias}

    def ref(self, stage: Stage | None = None) -> ResourceRef:
        name = self.path if stage is None else f"{self.path}#{stage.name}"
        return ResourceRef("Dockerfile", name)

    def at(self, line: int) -> Location:
        return Location(self.path, line)
