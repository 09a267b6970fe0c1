"""The scan pipeline: files -> loaders -> model -> analyses -> rules -> findings."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import pkgutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from meshward.checks.context import ScanContext
from meshward.checks.engine import choose_rules, run_rules
from meshward.checks.registry import Rule, all_rules
from meshward.config import Config, find_config, load_config
from meshward.errors import InputError, UsageError
from meshward.findings.finding import Finding
from meshward.findings.suppress import IGNORE_ANNOTATION, Suppressor
from meshward.loaders.kubernetes import build_workload
from meshward.loaders.walk import load_tree, remember_files
from meshward.model.cloud_services import build_cloud_services
from meshward.model.edges import build_graph
from meshward.model.graph import ServiceGraph
from meshward.model.inventory import Inventory
from meshward.model.services import build_services

if TYPE_CHECKING:
    from meshward.loaders.aws.session import AwsOptions


@dataclass
class ScanResult:
    inventory: Inventory
    graph: ServiceGraph
    context: ScanContext
    findings: list[Finding] = field(default_factory=list)
    rules_run: tuple[Rule, ...] = ()
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def load_inventory(paths: Iterable[Path], config: Config, aws: AwsOptions | None = None,
                   meanwhile: Callable[[], object] | None = None) -> Inventory:
    """Read every path (and the live AWS account when asked) into one inventory.

    ``meanwhile`` runs once, while the first path's kustomizations render (not at all without
    a path)."""
    paths = list(paths)
    root = paths[0] if paths else Path(".")
    inv = Inventory(root=str(root), roots=[str(p) for p in paths])
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder", "give a folder or file to scan")
        tree = load_tree(path, config.exclude, meanwhile)
        meanwhile = None
        remember_files(inv, path, config.exclude, tree.files)
        inv.objects.extend(tree.objects)
        inv.compose_files.extend(tree.compose_files)
        inv.dockerfiles.extend(tree.dockerfiles)
        inv.errors.extend(tree.errors)
        inv.notices.extend(n for n in tree.notices if n not in inv.notices)
        inv.files_read += tree.files_read
        inv.text_files.extend(tree.text_files)
        inv.cloud_resources.extend(tree.cloud_resources)
    if aws is not None:
        _load_aws(inv, aws)
    inv.invalidate()
    for obj in inv.objects:
        w = build_workload(obj, inv.errors)
        if w is not None:
            inv.workloads.append(w)
    build_services(inv)
    build_cloud_services(inv)
    return inv


def _load_aws(inv: Inventory, options: AwsOptions) -> None:
    from meshward.loaders.aws import load_aws  # boto3 only when --aws is given

    live = load_aws(options)
    inv.cloud_resources.extend(live.resources)
    inv.errors.extend(live.errors)
    inv.notices.extend(live.notices)
    if not inv.roots:  # --aws alone: no folder is scanned (not even the current one)
        inv.root = f"aws://{live.region or 'unknown-region'}"
        inv.roots.append(inv.root)


def _run_analyses(ctx: ScanContext) -> None:
    from meshward.checks import analyses

    for info in sorted(pkgutil.iter_modules(analyses.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{analyses.__name__}.{info.name}")
        analyze = getattr(module, "analyze", None)
        if callable(analyze):
            analyze(ctx)


def build_context(paths: Iterable[Path], config: Config | None = None,
                  today: dt.date | None = None, aws: AwsOptions | None = None,
                  meanwhile: Callable[[], object] | None = None) -> ScanContext:
    paths = list(paths)
    if config is None:
        config = load_config(find_config(paths[0] if paths else Path(".")))
    inv = load_inventory(paths, config, aws, meanwhile)
    graph = build_graph(inv)
    ctx = ScanContext(inventory=inv, graph=graph, config=config, today=today or dt.date.today())
    _run_analyses(ctx)
    return ctx


def scan(paths: Iterable[Path], config: Config | None = None, today: dt.date | None = None,
         rules: Iterable[Rule] | None = None, select: Iterable[str] = (),
         aws: AwsOptions | None = None) -> ScanResult:
    """Scan ``paths`` (and the live AWS account when ``aws`` is given) and return findings
    with suppressions applied (suppressed ones kept)."""
    # The model is a large tree of dicts without reference cycles: the cyclic collector only
    # burns time walking it (about 15% of a large scan), so it waits until the scan is done.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan(list(paths), config, today, rules, select, aws)
    finally:
        if was_enabled:
            gc.enable()


def _import_rules() -> None:
    """Import the rules and the secrets engine they load on first use: a scan does it while
    kustomize renders (corpus x1 waited 0.3 s for the renders, then imported for 0.1 s)."""
    all_rules()
    importlib.import_module("meshward.secrets.engine")


def _scan(paths: list[Path], config: Config | None, today: dt.date | None,
          rules: Iterable[Rule] | None, select: Iterable[str],
          aws: AwsOptions | None = None) -> ScanResult:
    started = time.perf_counter()
    paths = list(paths)
    ctx = build_context(paths, config, today, aws, meanwhile=_import_rules if rules is None else None)
    rule_list = list(rules) if rules is not None else None
    chosen = choose_rules(rule_list, select, ctx.config.disabled_rules)
    findings, rule_errors = run_rules(ctx, chosen)
    base = paths[0] if paths and paths[0].is_dir() else (paths[0].parent if paths else Path("."))
    sup = Suppressor(ctx.config, base, ctx.today)
    for obj in ctx.inventory.objects:
        value = obj.annotations.get(IGNORE_ANNOTATION)
        if value is not None:
            sup.annotations[str(obj.ref)] = value
    findings = sup.apply(findings)
    errors = [*ctx.config.errors, *ctx.inventory.errors, *rule_errors]
    notices = [*ctx.inventory.notices, *ctx.notices, *sup.notices]
    ran = tuple(r for r in chosen if r.id not in ctx.not_run)  # no data is no pass
    return ScanResult(ctx.inventory, ctx.graph, ctx, findings, ran, errors, notices,
                      time.perf_counter() - started)
