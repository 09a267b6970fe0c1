"""MW201: Kubernetes Services exposed outside the cluster by type."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.source import as_map, as_seq


@rule(
    id="MW201",
    title="Service exposed outside the cluster (LoadBalancer or NodePort)",
    severity=Severity.MEDIUM,
    practices=("ENV-PORTS", "AUTH-GATEWAY"),
    targets=("kubernetes",),
    rationale=(
        "A LoadBalancer Service gets an address reachable from outside the cluster, often the "
        "internet; a NodePort opens the port on every node. Either bypasses the API gateway "
        "that should authenticate external traffic."
    ),
    remediation=(
        "Use `type: ClusterIP` and route external traffic through the gateway or Ingress. If "
        "the Service must be external, restrict `loadBalancerSourceRanges` and say why with a "
        "suppression that carries a reason."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",),
    example_fail="kind: Service\nspec:\n  type: LoadBalancer",
    example_pass="kind: Service\nspec:\n  type: ClusterIP",
)
def external_service(ctx: ScanContext) -> Iterator[Hit]:
    for ks in ctx.inventory.by_kind("Service"):
        kind = ks.spec.get("type")
        if kind not in ("LoadBalancer", "NodePort"):
            continue
        svc = ctx.inventory.service_name_of(ks)
        ports = ", ".join(str(as_map(p).get("nodePort") or as_map(p).get("port"))
                          for p in as_seq(ks.spec.get("ports")))
        who = ("anyone who can reach the load balancer (often the internet)" if kind == "LoadBalancer"
               else "anyone who can reach any node of the cluster")
        yield Hit(f"Service {ks.namespace}/{ks.name} is a {kind} (ports {ports}): reachable by {who}",
                  ks.at("spec", "type"), ks.ref, svc, f"type: {kind}", key="type",
                  severity=Severity.HIGH if kind == "LoadBalancer" and not as_seq(
                      ks.spec.get("loadBalancerSourceRanges")) else None)
