"""MW705: public routes that reach a backend with no authentication at the edge."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity
from meshward.zerotrust.edge import Entry, Route, gateway_services, public_entries

HINT = {
    "nginx": "nginx.ingress.kubernetes.io/auth-url (e.g. oauth2-proxy) or auth-type",
    "traefik": "a ForwardAuth Middleware in router.middlewares",
    "kong": "a jwt, openid-connect or key-auth KongPlugin in konghq.com/plugins",
    "istio": "a RequestAuthentication plus an AuthorizationPolicy requiring requestPrincipals "
             "on the ingress gateway workload",
    "gateway-api": "an ext-auth/JWT policy attached to the Gateway or HTTPRoute "
                   "(e.g. Envoy Gateway SecurityPolicy)",
}


def unauthenticated(e: Entry, gw_svcs: set[tuple[str, str]], named: list[str]) -> list[Route]:
    out = []
    for r in e.routes:
        f = e.route_features(r)
        if (r.redirects or f.auth or f.unknown or (e.obj.namespace, r.backend) in gw_svcs
                or r.backend in named):
            continue
        out.append(r)
    return out


@rule(
    id="MW705",
    title="Public route without authentication at the edge",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    practices=("AUTH-GATEWAY",),
    cwe="CWE-306",
    rationale=(
        "The guide asks the gateway to authenticate external traffic before it reaches a "
        "service. These routes forward requests to backends with no authentication configured "
        "on the Ingress, gateway or route (auth-url/auth-type, ForwardAuth, Kong auth plugins, "
        "Istio RequestAuthentication with an AuthorizationPolicy that requires a token, Gateway "
        "API auth policies). Routes whose Middleware or plugin is not in the scanned files are "
        "not reported, and routes to the configured API gateway are left to it."
    ),
    remediation=(
        "Authenticate at the edge: an OIDC/JWT check on the gateway, with an explicit anonymous "
        "allowance only for the paths that must be public."
    ),
    references=("https://kubernetes.github.io/ingress-nginx/examples/auth/oauth-external-auth/",
                "https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#end-user-authentication",
                "https://doc.traefik.io/traefik/middlewares/http/forwardauth/",
                "https://developer.konghq.com/plugins/jwt/"),
    example_fail="kind: Ingress\nspec:\n  rules:\n  - host: api.example.com",
    example_pass=("kind: Ingress\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/auth-url: "
                  "https://auth.example.com/oauth2/auth"),
)
def no_edge_auth(ctx: ScanContext) -> Iterator[Hit]:
    gw_svcs = gateway_services(ctx.inventory, ctx.config)
    for e in public_entries(ctx.inventory):
        open_routes = unauthenticated(e, gw_svcs, ctx.config.gateways)
        if not open_routes:
            continue
        shown = sorted({f"{r.host}{r.path}" + (f" -> {r.backend}" if r.backend else "")
                        for r in open_routes})
        more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
        notes = "".join(f"; {n}" for n in e.features.notes)
        yield Hit(f"{e.label} forwards {', '.join(shown[:4])}{more} with no authentication at "
                  f"the edge{notes} (add {HINT.get(e.controller, HINT['nginx'])})",
                  e.obj.location, e.obj.ref, None, ", ".join(shown), key="auth")
