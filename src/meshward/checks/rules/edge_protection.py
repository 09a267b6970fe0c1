"""MW706 rate limit and WAF at the edge; MW707 admin surfaces open to any source;
MW708 LoadBalancer Services without a source-range allowlist."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity
from meshward.model.source import as_seq
from meshward.zerotrust.edge import (
    external_type,
    gateway_services,
    is_admin,
    public_entries,
    route_at,
)

OPEN = ("0.0.0.0/0", "::/0")


@rule(
    id="MW706",
    title="Public entry point without rate limiting or WAF",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    practices=("ENV-EDGE",),
    rationale=(
        "The edge is where floods, credential stuffing and common web attacks should stop. "
        "Nothing in the scanned files limits the request rate (ingress-nginx limit-rps/rpm/"
        "connections, Traefik RateLimit, Kong rate-limiting, Envoy local_ratelimit, Envoy "
        "Gateway rateLimit) or inspects requests with a WAF (ModSecurity/OWASP CRS, Coraza, "
        "AWS WAFv2, Cloud Armor, Azure WAF policy) for this entry. A WAF or limit in front of "
        "the cluster (CDN, cloud firewall) is invisible here: suppress with that reason."
    ),
    remediation=(
        "Add a per-client rate limit on the entry (e.g. `nginx.ingress.kubernetes.io/limit-rps`) "
        "and a WAF (`enable-modsecurity` + `enable-owasp-core-rules`, Coraza, or the cloud "
        "provider's WAF annotation)."
    ),
    references=("https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#rate-limiting",
                "https://kubernetes.github.io/ingress-nginx/user-guide/third-party-addons/modsecurity/",
                "https://doc.traefik.io/traefik/middlewares/http/ratelimit/"),
    example_fail="kind: Ingress  # no limit-rps, no modsecurity",
    example_pass=("annotations:\n  nginx.ingress.kubernetes.io/limit-rps: '20'\n"
                  "  nginx.ingress.kubernetes.io/enable-modsecurity: 'true'"),
)
def no_rate_or_waf(ctx: ScanContext) -> Iterator[Hit]:
    for e in public_entries(ctx.inventory):
        feats = [e.route_features(r) for r in e.routes if not r.redirects] or [e.features]
        if any(f.unknown for f in feats):
            continue
        missing = [name for name, attr in (("rate limit", "rate"), ("WAF", "waf"))
                   if any(not getattr(f, attr) for f in feats)]
        if missing:
            yield Hit(f"{e.label} has no {' and no '.join(missing)} in the scanned files",
                      e.obj.location, e.obj.ref, None, ", ".join(missing), key="protections")


@rule(
    id="MW707",
    title="Admin or monitoring surface published without a source allowlist",
    severity=Severity.HIGH,
    practices=("ENV-EDGE", "ENV-PORTS"),
    cwe="CWE-284",
    rationale=(
        "Paths such as /admin, /actuator, /metrics or /debug, and hosts or backends such as "
        "Grafana, Kibana or Prometheus, give operators' views and controls. Published at the "
        "edge with no source-range allowlist, anyone on the internet can reach them and try "
        "their default or leaked credentials."
    ),
    remediation=(
        "Do not publish admin surfaces, or restrict them: `nginx.ingress.kubernetes.io/"
        "whitelist-source-range` (allowlist-source-range), a Traefik IPAllowList Middleware, a "
        "Kong ip-restriction plugin, or an Istio AuthorizationPolicy with ipBlocks on the gateway."
    ),
    references=("https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#whitelist-source-range",
                "https://doc.traefik.io/traefik/middlewares/http/ipallowlist/",
                "https://developer.konghq.com/plugins/ip-restriction/"),
    example_fail="paths:\n- path: /actuator\n  backend: {service: {name: orders}}",
    example_pass=("annotations:\n  nginx.ingress.kubernetes.io/whitelist-source-range: "
                  "10.0.0.0/8\npaths:\n- path: /actuator"),
)
def admin_without_allowlist(ctx: ScanContext) -> Iterator[Hit]:
    for e in public_entries(ctx.inventory):
        seen: set[str] = set()
        for r in e.routes:
            why = is_admin(r)
            f = e.route_features(r)
            if not why or r.redirects or f.allow or f.unknown or why in seen:
                continue
            seen.add(why)
            yield Hit(f"{e.label} publishes an admin surface ({why}, {r.host}{r.path}) to any "
                      f"source address: no source-range allowlist", route_at(e, r), e.obj.ref,
                      None, why, key=f"admin:{why}")


@rule(
    id="MW708",
    title="LoadBalancer Service open to every source address",
    severity=Severity.MEDIUM,
    practices=("ENV-EDGE",),
    rationale=(
        "Without `loadBalancerSourceRanges` the cloud load balancer accepts connections from "
        "any address. Services behind it that are not meant for the whole internet (internal "
        "tools, partner APIs, admin endpoints) should be limited to the networks that use them. "
        "Internal load balancers (cloud annotations) are not concerned; the gateway's own "
        "load balancer is reported at low severity, since it is often public by design. "
        "(MW201 reports that the Service is external at all.)"
    ),
    remediation=(
        "Set `spec.loadBalancerSourceRanges` to the client networks, or make the load balancer "
        "internal and publish through the gateway."
    ),
    references=("https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/",),
    example_fail="kind: Service\nspec:\n  type: LoadBalancer",
    example_pass="kind: Service\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]",
)
def lb_without_source_ranges(ctx: ScanContext) -> Iterator[Hit]:
    gw_svcs = gateway_services(ctx.inventory, ctx.config)
    for svc in ctx.inventory.by_kind("Service"):
        if external_type(svc) != "LoadBalancer":
            continue
        ranges = [str(x).strip() for x in as_seq(svc.spec.get("loadBalancerSourceRanges"))]
        ranges += [x.strip() for x in svc.annotations.get(
            "service.beta.kubernetes.io/load-balancer-source-ranges", "").split(",") if x.strip()]
        if ranges and not any(r in OPEN for r in ranges):
            continue
        gateway = (svc.namespace, svc.name) in gw_svcs
        what = "allows 0.0.0.0/0" if ranges else "has no loadBalancerSourceRanges"
        yield Hit(f"LoadBalancer Service {svc.namespace}/{svc.name} {what}: any address on the "
                  f"internet can connect" + (" (it fronts the gateway)" if gateway else ""),
                  svc.at("spec", "loadBalancerSourceRanges") if ranges else svc.at("spec", "type"),
                  svc.ref, ctx.inventory.service_name_of(svc), what, key="source-ranges",
                  severity=Severity.LOW if gateway else None)
