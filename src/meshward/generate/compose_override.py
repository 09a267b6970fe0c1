"""A compose override file per compose project: internal networks per tier, no published data.

Tiers: ``data`` (databases, caches, queues: recognised by image or name), ``edge`` (services
that publish ports or that the graph shows reached from outside) and ``app`` (the rest).
``meshward-app`` and ``meshward-data`` are ``internal: true`` networks (no route outside
the host); ``meshward-edge`` is not, so edge services keep their published ports. Each
service joins its tier's network and the network of every tier it calls. Published ports
of data services are removed with ``!reset []`` (Compose 2.24.4 or later).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from meshward.checks.context import ScanContext
from meshward.generate.model import Generated, Manifest, override, reset
from meshward.generate.serves import Serves
from meshward.model.compose import ComposeFile, ComposeService
from meshward.model.graph import EXTERNAL

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward policy", "compose override", ("ENV-PRIVATE", "ENV-PORTS"))

_DATA = re.compile(r"(?:^|[/_-])(postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|redis|valkey|memcached|"
                   r"rabbitmq|kafka|zookeeper|nats|cassandra|couchdb|elasticsearch|opensearch|"
                   r"etcd|influxdb|neo4j|clickhouse|minio|db)(?:$|[:@/_-])", re.IGNORECASE)
TIERS = ("edge", "app", "data")


def is_data_store(cs: ComposeService) -> bool:
    return bool(_DATA.search(cs.image.split("@")[0]) or _DATA.search(cs.name))


def tier_of(ctx: ScanContext, cs: ComposeService) -> str:
    if is_data_store(cs):
        return "data"
    name = ctx.inventory.service_name_of(cs) or cs.name
    if any(p.is_published for p in cs.ports) or (EXTERNAL, name) in ctx.graph.edges:
        return "edge"
    return "app"


def _override(ctx: ScanContext, cf: ComposeFile, out: Generated) -> dict[str, Any] | None:
    tiers = {cs.name: tier_of(ctx, cs) for cs in cf.services}
    by_service = {ctx.inventory.service_name_of(cs) or cs.name: cs for cs in cf.services}
    services: dict[str, Any] = {}
    used: set[str] = set()
    for cs in cf.services:
        if cs.network_mode:
            out.note(f"{cf.path}: service {cs.name} uses network_mode: {cs.network_mode}; "
                     "left as it is (networks cannot be combined with it)")
            continue
        name = ctx.inventory.service_name_of(cs) or cs.name
        nets = {tiers[cs.name]}
        for e in ctx.graph.callees(name):
            callee = by_service.get(e.target)
            if callee is not None and not callee.network_mode:
                nets.add(tiers[callee.name])
        chosen = [f"meshward-{t}" for t in TIERS if t in nets]
        used.update(chosen)
        entry: dict[str, Any] = {"networks": override(chosen) if cs.networks else chosen}
        if tiers[cs.name] == "data" and any(p.is_published for p in cs.ports):
            entry["ports"] = reset()
            published = ", ".join(p.raw or str(p.published) for p in cs.ports if p.is_published)
            out.note(f"{cf.path}: {cs.name} is a data store: its published port(s) {published} "
                     "are removed; reach it from the services on meshward-data only.")
        services[cs.name] = entry
    if not services:
        return None
    networks: dict[str, Any] = {}
    for t in TIERS:
        net = f"meshward-{t}"
        if net in used:
            networks[net] = {"internal": True} if t != "edge" else {}
    return {"services": services, "networks": networks}


def generate(ctx: ScanContext) -> Generated:
    out = Generated()
    for cf in ctx.inventory.compose_files:
        body = _override(ctx, cf, out)
        if body is None:
            continue
        path = PurePosixPath(cf.path)
        file = f"compose/{path.parent.as_posix().replace('/', '_') + '_' if str(path.parent) != '.' else ''}" \
               f"{path.stem}.meshward-override{path.suffix or '.yaml'}"
        tiers = {cs.name: tier_of(ctx, cs) for cs in cf.services}
        why = [f"Override for {cf.path}: docker compose -f {path.name} -f <this file> up",
               "Tiers: " + "; ".join(f"{t}: {', '.join(n for n, v in tiers.items() if v == t)}"
                                     for t in TIERS if t in tiers.values())]
        out.manifests.append(Manifest(body, file, why))
    if out.manifests:
        out.note("Internal networks have no route outside the host: services on meshward-app "
                 "or meshward-data only that call external APIs need meshward-edge too.")
    return out
