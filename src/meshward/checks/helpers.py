"""Small shared helpers for rules: iterate workloads and containers with their service."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.model.compose import ComposeService
from meshward.model.kubernetes import Container, Workload


def workloads(ctx: ScanContext) -> Iterator[tuple[Workload, str | None]]:
    for w in ctx.inventory.workloads:
        yield w, ctx.inventory.service_name_of(w)


def containers(ctx: ScanContext) -> Iterator[tuple[Workload, Container, str | None]]:
    """Every container of every workload: regular, init and ephemeral."""
    for w, svc in workloads(ctx):
        for c in w.containers:
            yield w, c, svc


def compose_services(ctx: ScanContext) -> Iterator[tuple[ComposeService, str | None]]:
    for cs in ctx.inventory.compose_services:
        yield cs, ctx.inventory.service_name_of(cs)


def container_label(w: Workload, c: Container) -> str:
    role = "" if c.role == "container" else f"{c.role} "
    return f"{role}container {c.name} of {w.kind} {w.namespace}/{w.name}"
