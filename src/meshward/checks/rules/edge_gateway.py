"""MW701 services reachable from outside around the gateway; MW702 several public entry points."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.source import Location, as_map
from meshward.zerotrust.edge import (
    external_type,
    gateway_services,
    ingress_class,
    is_gateway_workload,
    public_entries,
    route_at,
    selected_workloads,
)

GATEWAY_DOCS = "https://kubernetes.io/docs/concepts/services-networking/gateway/"


def _gateway_names(ctx: ScanContext) -> list[str]:
    names = [f"{w.kind} {w.namespace}/{w.name}" for w in ctx.inventory.workloads
             if is_gateway_workload(w, ctx.config)]
    names += [e.label for e in public_entries(ctx.inventory)]
    names += [f"configured gateway {g}" for g in ctx.config.gateways]
    return list(dict.fromkeys(names))


@rule(
    id="MW701",
    title="Service reachable from outside without passing through the gateway",
    severity=Severity.HIGH,
    practices=("AUTH-GATEWAY",),
    rationale=(
        "The fleet has a gateway (an ingress controller, an Istio or Gateway API gateway, or the "
        "services named in `gateways:`), yet this service is exposed on its own: a LoadBalancer, "
        "NodePort or external IP straight to its pods, or a route that skips the configured API "
        "gateway. Requests that take that path skip the gateway's authentication, rate limits "
        "and logging."
    ),
    remediation=(
        "Make the Service `ClusterIP` and publish it through the gateway's routes. When an API "
        "gateway is configured, route the Ingress or HTTPRoute to the gateway, not to the service."
    ),
    references=(GATEWAY_DOCS,),
    example_fail="kind: Service\nspec:\n  type: LoadBalancer  # beside an Istio Gateway",
    example_pass="kind: Service\nspec:\n  type: ClusterIP",
)
def bypasses_gateway(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    gateways = _gateway_names(ctx)
    if not gateways:
        return  # no gateway at all: MW201 reports the exposure itself
    shown = ", ".join(gateways[:3]) + (" ..." if len(gateways) > 3 else "")
    gw_svcs = gateway_services(inv, ctx.config)
    for svc in inv.by_kind("Service"):
        how = external_type(svc)
        if not how or (svc.namespace, svc.name) in gw_svcs:
            continue
        behind = selected_workloads(inv, svc)
        if not behind:
            continue
        pods = ", ".join(sorted({f"{w.kind} {w.name}" for w in behind}))
        yield Hit(f"Service {svc.namespace}/{svc.name} ({how}) exposes {pods} directly to "
                  f"outside callers, around the gateway ({shown})",
                  svc.at("spec", "type") if how != "externalIPs" else svc.at("spec", "externalIPs"),
                  svc.ref, inv.service_name_of(svc), f"type: {how}", key="service")
    if not ctx.config.gateways:
        return
    for e in public_entries(inv):
        for r in e.routes:
            if (r.backend and (e.obj.namespace, r.backend) not in gw_svcs and not r.redirects
                    and r.backend not in ctx.config.gateways):
                yield Hit(f"{e.label} routes {r.host}{r.path} straight to Service {r.backend}, "
                          f"around the API gateway ({', '.join(ctx.config.gateways)})",
                          route_at(e, r), e.obj.ref, None, f"backend: {r.backend}",
                          key=f"route:{r.host}{r.path}->{r.backend}")


@rule(
    id="MW702",
    title="More than one public entry point",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    practices=("AUTH-GATEWAY", "ENV-EDGE"),
    rationale=(
        "Every public entry point needs its own TLS, authentication, rate limits, WAF and "
        "monitoring, and each one is a way in. A fleet with one gateway has one place to "
        "enforce and watch them; several LoadBalancers, NodePorts, ingress controllers or "
        "gateways multiply the surface and make it easy to forget one."
    ),
    remediation=(
        "Publish every external service through one gateway (one ingress class or one Gateway); "
        "make the other Services ClusterIP."
    ),
    references=(GATEWAY_DOCS,),
    example_fail="Service a (LoadBalancer) + Service b (NodePort) + an Ingress",
    example_pass="one Ingress class routing to ClusterIP Services",
)
def several_entries(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    gw_svcs = gateway_services(inv, ctx.config)
    entries = public_entries(inv)
    found: dict[str, tuple[str, int, ResourceRef]] = {}  # label -> (path, line, ref)
    for svc in inv.by_kind("Service"):
        how = external_type(svc)
        if how and ((svc.namespace, svc.name) not in gw_svcs or not entries):
            found.setdefault(f"Service {svc.namespace}/{svc.name} ({how})",
                             (svc.location.path, svc.line("spec", "type"), svc.ref))
    for e in entries:
        if e.kind == "Ingress":
            label = f"ingress class {ingress_class(e.obj) or '(default)'}"
        elif e.kind == "IngressRoute":
            label = "Traefik IngressRoutes"
        elif e.controller == "istio":
            sel = ",".join(f"{k}={v}" for k, v in sorted(as_map(e.obj.spec.get("selector")).items()))
            label = f"Istio gateway {sel or '(no selector)'}"
        else:
            label = e.label
        found.setdefault(label, (e.obj.location.path, e.obj.location.line, e.obj.ref))
    if len(found) < 2:
        return
    first = min(found.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    yield Hit(f"{len(found)} public entry points: {'; '.join(sorted(found))}",
              Location(first[1][0], first[1][1]), None, None, "; ".join(sorted(found)),
              key="entry-points")
