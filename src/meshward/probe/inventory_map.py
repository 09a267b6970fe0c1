"""Probe every service of a scanned tree: the inventory says what is public and what is private."""

from __future__ import annotations

from meshward.config import Config
from meshward.errors import InputError
from meshward.model.inventory import Exposure, Inventory
from meshward.model.source import Location
from meshward.probe.targets import Endpoint, Targets, endpoint_from_defaults

PRIVATE = (Exposure.INTERNAL, Exposure.CLUSTER)


def load_inventory_for(t: Targets, config: Config) -> Inventory | None:
    """Read the tree the targets file names (the scan pipeline's loaders, no rules)."""
    if t.inventory is None:
        return None
    from meshward.pipeline import load_inventory

    return load_inventory([t.inventory.path], config)


def inventory_endpoints(t: Targets, inv: Inventory) -> tuple[list[Endpoint], list[str]]:
    """An endpoint per mapped service; unknown names become input errors of the targets file."""
    assert t.inventory is not None
    notices: list[str] = []
    out: list[Endpoint] = []
    if inv.errors:
        notices.append(f"inventory {t.inventory.path}: {len(inv.errors)} input error(s) while "
                       "reading; run `meshward scan` on it to see them")
    known = sorted(inv.services)
    for name, (url, line) in t.inventory.services.items():
        svc = inv.services.get(name)
        if svc is None:
            shown = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
            t.errors.append(InputError(t.path, line, f"service {name} is not in the inventory "
                                       f"at {t.inventory.path}", f"known services: {shown or 'none'}"))
            continue
        ep = endpoint_from_defaults(t, name, url, Location(t.path, line))
        if ep is None:
            continue
        ep.service = name
        ep.public = svc.exposure in (Exposure.NODE, Exposure.PUBLIC)
        private = {p for d in svc.deployments if d.exposure in PRIVATE for p in d.ports}
        ep.private_ports = tuple(sorted((private | set(ep.private_ports)) - {ep.port}))
        out.append(ep)
    unmapped = [n for n in known if n not in t.inventory.services]
    if unmapped:
        shown = ", ".join(unmapped[:8]) + (f" and {len(unmapped) - 8} more" if len(unmapped) > 8
                                           else "")
        notices.append(f"{len(unmapped)} service(s) of the inventory have no base URL in "
                       f"{t.path} and were not probed: {shown}")
    return out, notices
