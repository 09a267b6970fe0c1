"""Backstage catalog entities of the tree, matched to the deployed services they describe."""

from __future__ import annotations

from meshward.checks.context import ScanContext
from meshward.model.kubernetes import K8sObject

ENTITY_KINDS = ("Component", "Resource", "API", "System")
K8S_ID = "backstage.io/kubernetes-id"


def catalog_entities(ctx: ScanContext) -> list[K8sObject]:
    """Every Backstage entity read (kustomize also has a kind ``Component``: excluded)."""
    return [o for o in ctx.inventory.by_kind(*ENTITY_KINDS) if o.api_version.startswith("backstage.io")]


def entries_by_service(ctx: ScanContext) -> dict[str, K8sObject]:
    """The Component or Resource describing each deployed service (kubernetes-id, else name)."""
    out: dict[str, K8sObject] = {}
    names = {n.lower(): n for n in ctx.inventory.services}
    for obj in sorted(catalog_entities(ctx), key=lambda o: o.location):
        if obj.kind not in ("Component", "Resource"):
            continue
        for key in (obj.annotations.get(K8S_ID, ""), obj.name):
            svc = names.get(key.lower())
            if svc is not None:
                out.setdefault(svc, obj)
                break
    return out
