"""MW703 public entries without TLS; MW704 plaintext HTTP served beside TLS without a redirect."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.source import Location
from meshward.zerotrust.edge import NGINX, Entry, public_entries, route_at
from meshward.zerotrust.rbac import annotation_line

HOW = {
    "Ingress": "add `spec.tls` with the hosts and a certificate Secret (cert-manager can issue it)",
    "IngressRoute": "add `spec.tls` and serve the route on the `websecure` entry point",
    "istio": "add a server on port 443 with `protocol: HTTPS` and `tls.mode: SIMPLE`",
    "gateway-api": "add a listener with `protocol: HTTPS` and `tls.certificateRefs`",
}


def _hosts(e: Entry) -> str:
    return ", ".join(e.hosts[:4]) + (" ..." if len(e.hosts) > 4 else "") or "*"


@rule(
    id="MW703",
    title="Public entry point without TLS",
    severity=Severity.HIGH,
    practices=("TLS-PLAINTEXT", "ENV-EDGE"),
    cwe="CWE-319",
    rationale=(
        "An Ingress without `spec.tls`, or an Istio or Gateway API gateway with only HTTP "
        "listeners, serves its hosts in plaintext: passwords, session cookies and bearer tokens "
        "cross the internet readable and modifiable by anyone on the path."
    ),
    remediation=(
        "Terminate TLS at the edge: Ingress `spec.tls`; Istio Gateway server `protocol: HTTPS` "
        "with `tls.mode: SIMPLE`; Gateway API listener `protocol: HTTPS` with certificateRefs. "
        "Then redirect HTTP to HTTPS."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
                "https://istio.io/latest/docs/reference/config/networking/gateway/",
                "https://gateway-api.sigs.k8s.io/guides/tls/"),
    example_fail="kind: Gateway\nspec:\n  servers:\n  - port: {number: 80, protocol: HTTP}\n"
                 "    hosts: ['*']",
    example_pass="kind: Gateway\nspec:\n  servers:\n  - port: {number: 443, protocol: HTTPS}\n"
                 "    tls: {mode: SIMPLE, credentialName: shop-cert}\n    hosts: [shop.example.com]",
)
def no_tls(ctx: ScanContext) -> Iterator[Hit]:
    for e in public_entries(ctx.inventory):
        if e.tls:
            continue
        how = HOW.get(e.kind if e.kind != "Gateway" else e.controller, "")
        what = ("has no spec.tls" if e.kind in ("Ingress", "IngressRoute")
                else "has only plaintext listeners")
        yield Hit(f"{e.label} serves {_hosts(e)} over plain HTTP: it {what}, so credentials and "
                  f"tokens cross the network in clear (fix: {how})",
                  Location(e.obj.location.path, e.http_line or e.obj.location.line), e.obj.ref,
                  None, f"hosts: {_hosts(e)}", key="tls")


@rule(
    id="MW704",
    title="Plain HTTP served without a redirect to HTTPS",
    severity=Severity.MEDIUM,
    practices=("TLS-PLAINTEXT", "ENV-EDGE"),
    cwe="CWE-319",
    rationale=(
        "The entry has TLS but still answers plain HTTP with content instead of a redirect, so "
        "links, bookmarks and downgrade attacks keep users on plaintext. Checked where the "
        "controller's behaviour is known: ingress-nginx (`ssl-redirect: \"false\"`), Kong "
        "(`konghq.com/protocols` allowing http), Istio (`tls.httpsRedirect`), Gateway API "
        "(routes on an HTTP listener without a RequestRedirect filter to https)."
    ),
    remediation=(
        "ingress-nginx: remove `ssl-redirect: \"false\"` or set `force-ssl-redirect: \"true\"`. "
        "Kong: `konghq.com/protocols: https` and `konghq.com/https-redirect-status-code: \"301\"`. "
        "Istio: `tls: {httpsRedirect: true}` on the HTTP server. Gateway API: attach to the HTTP "
        "listener only a route whose filter is `RequestRedirect` with `scheme: https`."
    ),
    references=("https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#server-side-https-enforcement-through-redirect",
                "https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/"),
    example_fail="annotations:\n  nginx.ingress.kubernetes.io/ssl-redirect: 'false'\nspec:\n  tls: [...]",
    example_pass="spec:\n  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-cert",
)
def no_redirect(ctx: ScanContext) -> Iterator[Hit]:
    for e in public_entries(ctx.inventory):
        if not (e.tls and e.plain_http):
            continue
        if e.controller == "gateway-api":
            served = [r for r in e.routes if r.plain and not r.redirects]
            if served:
                r = served[0]
                yield Hit(f"{e.label} serves {r.host}{r.path} on its HTTP listener without a "
                          f"RequestRedirect to https ({len(served)} route rule"
                          f"{'s' if len(served) != 1 else ''} in all)",
                          route_at(e, r), e.obj.ref, None, "HTTP listener without redirect",
                          key="redirect")
        elif e.redirect_known and not e.features.redirect:
            why = {"nginx": "ssl-redirect is \"false\"", "kong": "konghq.com/protocols allows http",
                   "istio": "an HTTP server has no tls.httpsRedirect"}.get(e.controller, "")
            key = {"nginx": NGINX + "ssl-redirect", "kong": "konghq.com/protocols"}.get(
                e.controller, "")
            line = annotation_line(e.obj, key) if key else e.http_line or e.obj.location.line
            yield Hit(f"{e.label} has TLS but answers plain HTTP for {_hosts(e)} without "
                      f"redirecting to HTTPS ({why})", Location(e.obj.location.path, line),
                      e.obj.ref, None, why, key="redirect")
