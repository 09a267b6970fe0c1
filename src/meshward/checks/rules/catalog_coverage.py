"""MW951-MW952: deployed services missing from the catalog, or with no owner."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.catalog_common import catalog_entities, entries_by_service
from meshward.findings.finding import ResourceRef, Severity
from meshward.generate.backstage import owner_of
from meshward.model.inventory import Service
from meshward.model.source import Location, as_map

UNKNOWN_OWNERS = frozenset({"", "unknown", "todo", "tbd", "none"})


def _where(ctx: ScanContext, svc: Service) -> tuple[Location, ResourceRef]:
    """The workload's name, else the compose service's key: where the service is declared."""
    if svc.workloads:
        w = min(svc.workloads, key=lambda w: w.obj.location)
        return w.obj.at("metadata", "name"), w.ref
    if not svc.compose_services and svc.cloud_resources:
        from meshward.checks.rules.cloud_common import cloud_ref

        r = min(svc.cloud_resources, key=lambda r: r.location)
        return r.location, cloud_ref(r)
    cs = min(svc.compose_services, key=lambda c: c.location)
    for cf in ctx.inventory.compose_files:
        if any(other is cs for other in cf.services):
            line = as_map(cf.body.get("services")).line_of(cs.name)
            return Location(cs.path, line or cs.location.line), cs.ref
    return cs.location, cs.ref


@rule(
    id="MW951",
    title="Deployed service has no catalog entry",
    severity=Severity.LOW,
    practices=("DOC-CATALOG",),
    targets=("catalog", "kubernetes", "compose"),
    rationale=(
        "The tree keeps a Backstage catalog, but this deployed service is not in it: nobody "
        "reading the catalog learns where it runs, which ports it opens, who may call it or "
        "who owns it, and incident responders cannot find its team."
    ),
    remediation=(
        "Add a catalog-info.yaml entity for the service (`meshward catalog PATH --output-dir "
        "DIR` writes one from what is deployed), with `metadata.name` or the "
        "`backstage.io/kubernetes-id` annotation equal to the service name."
    ),
    references=("https://backstage.io/docs/features/software-catalog/descriptor-format",),
    example_fail="catalog-info.yaml describes `orders`; Deployment `payments` has no entity",
    example_pass="catalog-info.yaml has a Component `payments` (or kubernetes-id: payments)",
)
def service_not_in_catalog(ctx: ScanContext) -> Iterator[Hit]:
    if not catalog_entities(ctx):
        if ctx.inventory.services:
            ctx.notice("no Backstage catalog entity in the tree: MW951 checks coverage only "
                       "when a catalog is present (`meshward catalog` writes one)")
        return
    entries = entries_by_service(ctx)
    for name, svc in ctx.inventory.services.items():
        if name in entries or not svc.deployments:
            continue
        loc, ref = _where(ctx, svc)
        yield Hit(f"service {name} is deployed ({', '.join(svc.environments)}) but no catalog "
                  "entity describes it", loc, ref, name, key=name)


@rule(
    id="MW952",
    title="Deployed service has no owner",
    severity=Severity.LOW,
    practices=("DOC-CATALOG",),
    targets=("catalog", "kubernetes", "compose"),
    rationale=(
        "A service without an owner has nobody to page when it misbehaves and nobody to "
        "approve who may call it; its policies and secrets age without review."
    ),
    remediation=(
        "Label the workload with its team (`owner: team-x` or `backstage.io/owner`), or set "
        "`spec.owner` on its catalog entity."
    ),
    references=("https://backstage.io/docs/features/software-catalog/descriptor-format#specowner-required",),
    example_fail="Deployment with no owner/team label and no catalog entity with spec.owner",
    example_pass="metadata.labels:\n  owner: team-payments",
)
def service_without_owner(ctx: ScanContext) -> Iterator[Hit]:
    entries = entries_by_service(ctx)
    for name, svc in ctx.inventory.services.items():
        if not svc.deployments or owner_of(svc):
            continue
        entry = entries.get(name)
        if entry is not None:
            owner = str(entry.spec.get("owner") or "")
            if owner.strip().lower() not in UNKNOWN_OWNERS:
                continue
            yield Hit(f"service {name}: its catalog entity {entry.kind} {entry.name} names no "
                      f"owner ({owner or 'spec.owner missing'}) and the workloads carry no owner "
                      "label", entry.at("spec", "owner") if "owner" in entry.spec
                      else entry.at("spec"), entry.ref, name, key=name)
            continue
        loc, ref = _where(ctx, svc)
        yield Hit(f"service {name} has no owner: no owner/team label or annotation and no "
                  "catalog entity", loc, ref, name, key=name)
