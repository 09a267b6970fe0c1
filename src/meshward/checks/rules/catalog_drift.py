"""MW961-MW962: catalog entries whose ports or dependencies differ from what is deployed."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.catalog_common import entries_by_service
from meshward.findings.finding import Severity
from meshward.generate.backstage import ANN_PORTS
from meshward.model.graph import EXTERNAL
from meshward.model.source import as_seq


def _list(values: list[str] | list[int]) -> str:
    return ", ".join(str(v) for v in values) or "none"


def _ref_name(ref: str) -> str:
    """``component:default/cart`` -> ``cart``."""
    return ref.split(":", 1)[-1].split("/")[-1].strip().lower()


@rule(
    id="MW961",
    title="Catalog entry lists other ports than the deployment opens",
    severity=Severity.LOW,
    practices=("DOC-DRIFT",),
    targets=("catalog",),
    rationale=(
        "The catalog says which ports a service opens; people write firewall rules, "
        "policies and reviews from it. A port the deployment opens but the catalog omits is "
        "an undocumented entry point; a port the catalog lists but nothing opens is stale."
    ),
    remediation=(
        "Update the `meshward.io/ports` annotation of the entity (regenerate it with "
        "`meshward catalog`), or close the port the catalog does not expect."
    ),
    references=("https://backstage.io/docs/features/software-catalog/well-known-annotations",),
    example_fail="annotations:\n  meshward.io/ports: \"8080\"   # Deployment opens 8080 and 9090",
    example_pass="annotations:\n  meshward.io/ports: \"8080, 9090\"",
)
def catalog_ports_drift(ctx: ScanContext) -> Iterator[Hit]:
    for name, entry in sorted(entries_by_service(ctx).items()):
        raw = entry.annotations.get(ANN_PORTS)
        if raw is None:
            continue
        listed: set[int] = set()
        for part in raw.replace(";", ",").split(","):
            text = part.strip().split("/")[0]
            if text.isdigit():
                listed.add(int(text))
        deployed = set(ctx.inventory.services[name].ports)
        if listed == deployed:
            continue
        extra, missing = sorted(deployed - listed), sorted(listed - deployed)
        parts = []
        if extra:
            parts.append(f"deployed but not in the catalog: {_list(extra)}")
        if missing:
            parts.append(f"in the catalog but not deployed: {_list(missing)}")
        yield Hit(f"catalog entity {entry.kind} {entry.name} lists ports {_list(sorted(listed))} "
                  f"but service {name} opens {_list(sorted(deployed))} ({'; '.join(parts)})",
                  entry.at("metadata", "annotations", ANN_PORTS), entry.ref, name,
                  f"{ANN_PORTS}: {raw}", key="ports")


@rule(
    id="MW962",
    title="Catalog entry lists other dependencies than the service calls",
    severity=Severity.LOW,
    practices=("DOC-DRIFT",),
    targets=("catalog", "graph"),
    rationale=(
        "`dependsOn` tells readers what breaks when a dependency fails and which calls are "
        "expected. A call the deployment makes that the catalog omits is undocumented; a "
        "deployed service the catalog names but nothing calls is stale documentation."
    ),
    remediation=(
        "Update `spec.dependsOn` to the services the deployment calls (regenerate with "
        "`meshward catalog`), or remove the undocumented call."
    ),
    references=("https://backstage.io/docs/features/software-catalog/descriptor-format#specdependson-optional",),
    example_fail="spec:\n  dependsOn: [component:cart]   # the deployment also calls payments",
    example_pass="spec:\n  dependsOn: [component:cart, component:payments]",
)
def catalog_dependencies_drift(ctx: ScanContext) -> Iterator[Hit]:
    services = {n.lower(): n for n in ctx.inventory.services}
    for name, entry in sorted(entries_by_service(ctx).items()):
        listed_refs = [str(r) for r in as_seq(entry.spec.get("dependsOn"))]
        listed = {services[_ref_name(r)] for r in listed_refs if _ref_name(r) in services}
        called = {e.target for e in ctx.graph.callees(name) if e.target != EXTERNAL}
        if listed == called:
            continue
        undocumented, stale = sorted(called - listed), sorted(listed - called)
        parts = []
        if undocumented:
            parts.append(f"calls not in the catalog: {_list(undocumented)}")
        if stale:
            parts.append(f"listed but not called by the deployment: {_list(stale)}")
        where = entry.at("spec", "dependsOn") if "dependsOn" in entry.spec else entry.at("spec")
        yield Hit(f"catalog entity {entry.kind} {entry.name} dependsOn differs from what service "
                  f"{name} calls ({'; '.join(parts)})", where, entry.ref, name,
                  ", ".join(listed_refs), key="dependsOn")
