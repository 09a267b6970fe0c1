"""MW206 datastore reachable from outside; MW208 compose datastore not on an internal network."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.exposure_common import compose_datastore, exposed_ports
from meshward.checks.rules.workload_common import is_fragment
from meshward.findings.finding import Confidence, Severity


@rule(
    id="MW206",
    title="Database, cache or queue reachable from outside",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-PORTS"),
    targets=("kubernetes", "compose"),
    cwe="CWE-668",
    rationale=(
        "A datastore (PostgreSQL, MySQL, MongoDB, Redis, Memcached, RabbitMQ, Kafka, "
        "ZooKeeper, Elasticsearch, Cassandra, etcd...) should only be reachable by the "
        "services that use it. Recognised by image name or well-known port; reported when it is "
        "exposed through a NodePort/LoadBalancer/externalIPs Service, a hostPort, a hostNetwork "
        "pod or a compose port published on a non-loopback address (`127.0.0.1:5432:5432` is "
        "fine). Many of these accept connections without authentication by default."
    ),
    remediation=(
        "Use a ClusterIP Service (Kubernetes) or drop `ports:` / bind to 127.0.0.1 (compose); "
        "let only the services that need it connect, through a NetworkPolicy or an internal "
        "compose network."
    ),
    references=(
        "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    ),
    example_fail=("services:\n  db:\n    image: postgres:16\n    ports:\n"
                  "      - \"5432:5432\""),
    example_pass=("services:\n  db:\n    image: postgres:16\n    ports:\n"
                  "      - \"127.0.0.1:5432:5432\""),
)
def datastore_exposed(ctx: ScanContext) -> Iterator[Hit]:
    for e in exposed_ports(ctx):
        if e.category == "datastore":
            yield Hit(f"{e.subject} exposes {e.datastore} (port {e.port}, {e.outside}): "
                      f"reachable by {e.who}", e.location, e.resource, e.service,
                      f"{e.datastore} on {e.outside}", key=e.key)


@rule(
    id="MW208",
    title="Compose datastore not on an internal network",
    severity=Severity.LOW,
    practices=("ENV-PRIVATE",),
    targets=("compose",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-923",
    rationale=(
        "Compose puts services on the project's `default` network unless told otherwise, and "
        "neither it nor a declared network is internal unless it says `internal: true`. A "
        "service is isolated from outside only when every network it joins is internal: "
        "otherwise it can open connections to the internet (exfiltration) and shares its "
        "network with every other service on it. Reported only for datastores (recognised by "
        "image, name or port), where that matters; external networks are not judged, override "
        "fragments and services with `network_mode` are skipped."
    ),
    remediation=(
        "Put the datastore on a network declared `internal: true`, shared only with the "
        "services that use it; keep a separate, non-internal network for the entry point."
    ),
    references=(
        "https://docs.docker.com/reference/compose-file/networks/#internal",
        "https://docs.docker.com/compose/how-tos/networking/",
    ),
    example_fail=("services:\n  db:\n    image: postgres:16\n    networks: [back]\n"
                  "networks:\n  back: {}"),
    example_pass=("services:\n  db:\n    image: postgres:16\n    networks: [back]\nnetworks:\n"
                  "  back:\n    internal: true"),
)
def datastore_not_internal(ctx: ScanContext) -> Iterator[Hit]:
    for cf in ctx.inventory.compose_files:
        members: dict[str, list[str]] = {}
        for cs in cf.services:
            for net in cs.networks or ["default"]:
                members.setdefault(net, []).append(cs.name)
        for cs in cf.services:
            if is_fragment(cs) or cs.network_mode:
                continue
            store = compose_datastore(cs)
            if store is None:
                continue
            nets = cs.networks or ["default"]
            declared = [cf.networks.get(n) for n in nets]
            if any(d is not None and d.external for d in declared):
                continue  # an external network's settings are not in this file
            open_nets = [n for n, d in zip(nets, declared, strict=True)
                         if d is None or not d.internal]
            if not open_nets:
                continue
            shared = sorted({m for n in open_nets for m in members.get(n, []) if m != cs.name})
            names = ", ".join(open_nets)
            plural = "s" if len(open_nets) > 1 else ""
            where = cs.at("networks") if "networks" in cs.body else cs.location
            listed = ", ".join(shared[:5]) + (f" and {len(shared) - 5} more" if len(shared) > 5
                                              else "")
            with_whom = (f"shared with {listed}" if shared else "shared with no other service "
                         "of this file")
            implicit = " (compose's implicit default network)" if nets == ["default"] and (
                "default" not in cf.networks) else ""
            yield Hit(f"compose service {cs.name} ({store}) is on network{plural} {names}"
                      f"{implicit}, not `internal: true`: it can open connections to the "
                      f"internet (nothing stops exfiltration), and the network is {with_whom}", where, cs.ref,
                      ctx.inventory.service_name_of(cs), f"networks: {names}", key=cs.name)
