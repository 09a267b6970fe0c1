"""MW202: Services with externalIPs."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.source import as_map, as_seq


@rule(
    id="MW202",
    title="Service with externalIPs",
    severity=Severity.HIGH,
    practices=("ENV-PORTS", "ENV-PRIVATE"),
    targets=("kubernetes",),
    cwe="CWE-668",
    rationale=(
        "`externalIPs` makes every node accept traffic for those addresses and forward it to "
        "the Service, whatever its type: the Service is reachable by anyone routed to them, "
        "outside any load balancer or gateway. Anyone allowed to set externalIPs can also "
        "intercept traffic for an address (CVE-2020-8554)."
    ),
    remediation=(
        "Remove `spec.externalIPs`; expose the service through the gateway or an Ingress, and "
        "block the field cluster-wide with an admission policy."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
        "https://github.com/kubernetes/kubernetes/issues/97076",
    ),
    example_fail="kind: Service\nspec:\n  externalIPs: [203.0.113.10]",
    example_pass="kind: Service\nspec:\n  type: ClusterIP",
)
def external_ips(ctx: ScanContext) -> Iterator[Hit]:
    for ks in ctx.inventory.by_kind("Service"):
        ips = [str(ip) for ip in as_seq(ks.spec.get("externalIPs"))]
        if not ips:
            continue
        ports = ", ".join(str(as_map(p).get("port")) for p in as_seq(ks.spec.get("ports")))
        yield Hit(f"Service {ks.namespace}/{ks.name} has externalIPs {', '.join(ips)} (ports "
                  f"{ports or 'none'}): reachable by anyone routed to those addresses, on every "
                  "node", ks.at("spec", "externalIPs"), ks.ref, ctx.inventory.service_name_of(ks),
                  f"externalIPs: {', '.join(ips)}", key="externalIPs")
