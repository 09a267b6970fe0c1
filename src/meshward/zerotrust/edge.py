"""The edge: public entry points, the gateway, and what each entry does for the traffic it admits.

An *entry* is an object that admits traffic from outside: an Ingress, a Traefik IngressRoute, an
Istio Gateway (with the VirtualServices bound to it) or a Gateway API Gateway (with its
HTTPRoutes/GRPCRoutes). For each one meshward reads the controller's own configuration
(ingress-nginx annotations, Traefik Middlewares, Kong plugins, Istio policies selecting the
gateway workload, Gateway API policies by targetRef) and records *evidence* of authentication,
rate limiting, WAF, source allowlists and HTTPS redirects. A reference meshward cannot resolve
(a Middleware or plugin outside the tree) makes the feature *unknown*, never *absent*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from meshward.cache import once
from meshward.config import Config
from meshward.model.images import written_name
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location, as_map, as_seq

GATEWAY_IMAGES = ("ingress-nginx/controller", "nginx-ingress-controller", "nginx/nginx-ingress",
                  "traefik", "kong", "envoyproxy/envoy", "envoyproxy/gateway", "contour",
                  "emissary", "datawire/ambassador", "nginx-gateway-fabric", "nginx-gateway",
                  "haproxytech/kubernetes-ingress", "apache/apisix")
GATEWAY_NAMES = ("ingress-nginx", "nginx-ingress", "traefik", "kong", "contour", "envoy",
                 "emissary-ingress", "ambassador", "nginx-gateway", "istio-ingressgateway",
                 "envoy-gateway", "apisix", "haproxy-ingress")
INTERNAL = re.compile(r"internal|private", re.I)
INTERNAL_LB = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "internal",
    "cloud.google.com/load-balancer-type": "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "service.beta.kubernetes.io/oci-load-balancer-internal": "true",
}
ADMIN_PATH = re.compile(r"^/(admin|actuator|metrics|debug|console|manage|management|jolokia|"
                        r"_admin|server-status|grafana|kibana|prometheus)(/|$|\b)", re.I)
ADMIN_HOST = re.compile(r"^(grafana|kibana|prometheus|alertmanager|admin|jaeger|argocd|"
                        r"rabbitmq|pgadmin|adminer|phpmyadmin|kiali|traefik)[.-]", re.I)
ADMIN_BACKEND = re.compile(r"^(grafana|kibana|prometheus|alertmanager|jaeger(-query)?|kiali|"
                           r"argocd-server|pgadmin|adminer|phpmyadmin|rabbitmq-management)$")

NGINX = "nginx.ingress.kubernetes.io/"
AUTH_PLUGINS = frozenset({"jwt", "openid-connect", "key-auth", "key-auth-enc", "basic-auth",
                          "oauth2", "hmac-auth", "ldap-auth", "ldap-auth-advanced", "mtls-auth",
                          "oauth2-introspection", "jwt-signer"})
RATE_PLUGINS = frozenset({"rate-limiting", "rate-limiting-advanced", "response-ratelimiting"})


@dataclass
class Features:
    """Evidence, per feature, that an entry or route has it; ``unknown`` lists unresolved refs."""

    auth: list[str] = field(default_factory=list)
    rate: list[str] = field(default_factory=list)
    waf: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    redirect: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def merged(self, other: Features) -> Features:
        return Features(*[[*getattr(self, n), *getattr(other, n)] for n in (
            "auth", "rate", "waf", "allow", "redirect", "unknown", "notes")])


def _on(value: str | None) -> bool:
    return str(value or "").strip().lower() in ("true", "on", "1")


def _nginx(ann: dict[str, str], f: Features) -> None:
    for key in ("auth-url", "auth-type"):
        if ann.get(NGINX + key):
            f.auth.append(f"{NGINX}{key}")
    if ann.get(NGINX + "auth-tls-verify-client", "").lower() == "on":
        f.auth.append(f"{NGINX}auth-tls-verify-client")
    for key in ("limit-rps", "limit-rpm", "limit-connections", "global-rate-limit"):
        if ann.get(NGINX + key):
            f.rate.append(f"{NGINX}{key}")
    for key in ("enable-modsecurity", "enable-owasp-core-rules"):
        if _on(ann.get(NGINX + key)):
            f.waf.append(f"{NGINX}{key}")
    for key in ("whitelist-source-range", "allowlist-source-range"):
        if ann.get(NGINX + key, "").strip():
            f.allow.append(f"{NGINX}{key}")
    if _on(ann.get(NGINX + "force-ssl-redirect")):
        f.redirect.append(f"{NGINX}force-ssl-redirect")
    # Cloud load balancers configured from the Ingress.
    if ann.get("alb.ingress.kubernetes.io/auth-type", "none") in ("cognito", "oidc"):
        f.auth.append("alb.ingress.kubernetes.io/auth-type")
    for key in ("alb.ingress.kubernetes.io/wafv2-acl-arn", "alb.ingress.kubernetes.io/waf-acl-id",
                "appgw.ingress.kubernetes.io/waf-policy-for-path"):
        if ann.get(key):
            f.waf.append(key)
    if ann.get("alb.ingress.kubernetes.io/inbound-cidrs", "").strip() not in ("", "0.0.0.0/0"):
        f.allow.append("alb.ingress.kubernetes.io/inbound-cidrs")
    if "https" in ann.get("alb.ingress.kubernetes.io/ssl-redirect", "") or ann.get(
            "alb.ingress.kubernetes.io/ssl-redirect", "").isdigit():
        f.redirect.append("alb.ingress.kubernetes.io/ssl-redirect")


def _traefik_middleware(inv: Inventory, ns: str, name: str, f: Features, depth: int = 0) -> None:
    found = [m for m in inv.by_kind("Middleware")
             if m.group.startswith("traefik.") and m.namespace == ns and m.name == name]
    if not found:
        f.unknown.append(f"Traefik Middleware {ns}/{name}")
        return
    spec = found[0].spec
    label = f"Traefik Middleware {ns}/{name}"
    for key, bucket in (("forwardAuth", f.auth), ("basicAuth", f.auth), ("digestAuth", f.auth),
                        ("rateLimit", f.rate), ("ipAllowList", f.allow), ("ipWhiteList", f.allow),
                        ("redirectScheme", f.redirect)):
        if spec.get(key):
            bucket.append(f"{label} ({key})")
    if "coraza" in str(spec.get("plugin") or "").lower():
        f.waf.append(f"{label} (coraza plugin)")
    if depth < 5:
        for item in as_seq(as_map(spec.get("chain")).get("middlewares")):
            _traefik_middleware(inv, ns, str(as_map(item).get("name")), f, depth + 1)


def _traefik(inv: Inventory, ann: dict[str, str], f: Features) -> None:
    for ref in ann.get("traefik.ingress.kubernetes.io/router.middlewares", "").split(","):
        ref = ref.strip()
        if not ref:
            continue
        if not ref.endswith("@kubernetescrd"):
            f.unknown.append(f"Traefik middleware {ref}")
            continue
        base = ref[: -len("@kubernetescrd")]
        for m in inv.by_kind("Middleware"):
            if f"{m.namespace}-{m.name}" == base:
                _traefik_middleware(inv, m.namespace, m.name, f)
                break
        else:
            f.unknown.append(f"Traefik Middleware {base}")


def _kong_plugin(f: Features, plugin: K8sObject) -> None:
    if plugin.body.get("disabled") is True:
        return
    name = str(plugin.body.get("plugin") or "")
    label = f"{plugin.kind} {plugin.name} ({name})"
    if name in AUTH_PLUGINS:
        f.auth.append(label)
    elif name in RATE_PLUGINS:
        f.rate.append(label)
    elif name == "ip-restriction":
        f.allow.append(label)


def kong_features(inv: Inventory, ns: str, ann: dict[str, str], globals_too: bool = False
                  ) -> Features:
    f = Features()
    plugins = inv.by_kind("KongPlugin", "KongClusterPlugin")
    for ref in ann.get("konghq.com/plugins", "").split(","):
        ref = ref.strip()
        if not ref:
            continue
        hit = [p for p in plugins if p.name == ref
               and (p.kind == "KongClusterPlugin" or p.namespace == ns)]
        if hit:
            _kong_plugin(f, hit[0])
        else:
            f.unknown.append(f"Kong plugin {ref}")
    if globals_too:
        for p in plugins:
            if p.labels.get("global") == "true":
                _kong_plugin(f, p)
    return f


def features_of_names(inv: Inventory, obj: K8sObject, ann: dict[str, str],
                      filters: Sequence[Mapping[str, object]] = (), controller: str = ""
                      ) -> Features:
    """Evidence from annotations (nginx, cloud LBs, Traefik, Kong) and Gateway API filters."""
    f = Features()
    _nginx(ann, f)
    _traefik(inv, ann, f)
    f = f.merged(kong_features(inv, obj.namespace, ann, controller == "kong"))
    if controller == "nginx":
        for cm in inv.by_kind("ConfigMap"):
            data = as_map(cm.body.get("data"))
            if _on(data.get("enable-modsecurity")) and "nginx" in cm.name:
                f.waf.append(f"ConfigMap {cm.namespace}/{cm.name} enable-modsecurity")
    for flt in filters:
        kind = str(flt.get("type") or "")
        if kind == "ExternalAuth":
            f.auth.append("HTTPRoute ExternalAuth filter")
        elif kind == "ExtensionRef":
            ref = as_map(flt.get("extensionRef"))
            if ref.get("kind") == "Middleware":
                _traefik_middleware(inv, obj.namespace, str(ref.get("name")), f)
            elif ref.get("kind") in ("KongPlugin", "KongClusterPlugin"):
                f = f.merged(kong_features(inv, obj.namespace,
                                           {"konghq.com/plugins": str(ref.get("name"))}))
            else:
                f.unknown.append(f"{ref.get('kind')} {ref.get('name')}")
    return f


def _selects(policy_labels: dict[str, str], gw_labels: dict[str, str]) -> bool:
    return bool(policy_labels) and all(gw_labels.get(k) == v for k, v in policy_labels.items())


def istio_gateway_features(inv: Inventory, gw: K8sObject) -> Features:
    """Istio policies that apply to the gateway workload the Gateway selects."""
    labels = {str(k): str(v) for k, v in as_map(gw.spec.get("selector")).items()}
    f = Features()

    def applies(obj: K8sObject, sel: object) -> bool:
        raw = {str(k): str(v) for k, v in as_map(sel).items()}
        return _selects(raw, labels) if raw else obj.namespace == "istio-system"

    ra = [o for o in inv.by_kind("RequestAuthentication")
          if applies(o, as_map(o.spec.get("selector")).get("matchLabels"))]
    for ap in inv.by_kind("AuthorizationPolicy"):
        if not applies(ap, as_map(ap.spec.get("selector")).get("matchLabels")):
            continue
        action = str(ap.spec.get("action") or "ALLOW")
        sources = [as_map(as_map(fr).get("source")) for r in as_seq(ap.spec.get("rules"))
                   for fr in as_seq(as_map(r).get("from"))]
        if action == "CUSTOM":
            f.auth.append(f"AuthorizationPolicy {ap.namespace}/{ap.name} (CUSTOM ext-authz)")
        elif ra and ((action == "ALLOW" and sources and all(
                as_seq(s.get("requestPrincipals")) for s in sources)) or (
                action == "DENY" and any(as_seq(s.get("notRequestPrincipals")) for s in sources))):
            f.auth.append(f"RequestAuthentication {ra[0].name} + AuthorizationPolicy {ap.name}")
        if any(as_seq(s.get("ipBlocks")) or as_seq(s.get("remoteIpBlocks")) for s in sources):
            f.allow.append(f"AuthorizationPolicy {ap.namespace}/{ap.name} (ipBlocks)")
    if ra and not f.auth:
        f.notes.append(f"RequestAuthentication {ra[0].namespace}/{ra[0].name} validates tokens "
                       "but no AuthorizationPolicy requires one, so requests without a token pass")
    for ef in inv.by_kind("EnvoyFilter", "WasmPlugin"):
        sel = (ef.spec.get("workloadSelector") and as_map(ef.spec.get("workloadSelector")).get(
            "labels")) or as_map(ef.spec.get("selector")).get("matchLabels")
        if not applies(ef, sel):
            continue
        text = str(ef.spec).lower()
        if "ratelimit" in text:
            f.rate.append(f"{ef.kind} {ef.namespace}/{ef.name}")
        if "coraza" in text or "modsecurity" in text:
            f.waf.append(f"{ef.kind} {ef.namespace}/{ef.name}")
    return f


def policy_features(inv: Inventory, target: K8sObject) -> Features:
    """Gateway API policy attachment: policies whose targetRef(s) name ``target``."""
    f = Features()
    kinds = ("SecurityPolicy", "BackendTrafficPolicy", "AuthorizationPolicy",
             "RequestAuthentication", "GCPBackendPolicy", "EnvoyFilter", "WasmPlugin")
    for pol in inv.by_kind(*kinds):
        refs = [as_map(pol.spec.get("targetRef")), *map(as_map, as_seq(pol.spec.get("targetRefs")))]
        if pol.namespace != target.namespace or not any(
                r.get("kind") == target.kind and r.get("name") == target.name for r in refs):
            continue
        spec, label = pol.spec, f"{pol.kind} {pol.namespace}/{pol.name}"
        if pol.kind == "SecurityPolicy":
            f.auth.extend(f"{label} ({k})" for k in ("jwt", "oidc", "extAuth", "basicAuth",
                                                     "apiKeyAuth") if spec.get(k))
            if "clientcidrs" in str(spec.get("authorization") or "").lower():
                f.allow.append(f"{label} (authorization clientCIDRs)")
        elif pol.kind == "BackendTrafficPolicy" and spec.get("rateLimit"):
            f.rate.append(f"{label} (rateLimit)")
        elif pol.kind == "AuthorizationPolicy" and (spec.get("action") == "CUSTOM" or (
                "requestprincipals" in str(spec.get("rules") or "").lower())):
            f.auth.append(label)
        elif pol.kind == "GCPBackendPolicy" and "securitypolicy" in str(spec).lower():
            f.waf.append(f"{label} (Cloud Armor)")
        elif pol.kind in ("EnvoyFilter", "WasmPlugin"):
            text = str(spec).lower()
            if "ratelimit" in text:
                f.rate.append(label)
            if "coraza" in text:
                f.waf.append(label)
    return f


@dataclass
class Route:
    host: str
    path: str
    backend: str  # a Service name, or "" when the rule has none
    line: int
    features: Features = field(default_factory=Features)
    redirects: bool = False  # the rule answers with a redirect to https instead of forwarding
    plain: bool = True  # served on a plaintext listener


@dataclass
class Entry:
    kind: str  # Ingress | IngressRoute | Gateway (Istio) | Gateway (Gateway API)
    obj: K8sObject
    controller: str  # nginx | traefik | kong | istio | gateway-api | unknown
    tls: bool  # serves TLS on some port
    plain_http: bool  # also serves plaintext HTTP
    routes: list[Route] = field(default_factory=list)
    features: Features = field(default_factory=Features)  # entry-wide evidence
    hosts: list[str] = field(default_factory=list)
    http_line: int = 0  # where the plaintext listener is declared
    redirect_known: bool = True  # False when the controller's redirect default is unknown

    @property
    def label(self) -> str:
        kind = "Istio Gateway" if self.controller == "istio" else self.kind
        return f"{kind} {self.obj.namespace}/{self.obj.name}"

    def route_features(self, r: Route) -> Features:
        return self.features.merged(r.features)


def is_gateway_workload(w: Workload, config: Config) -> bool:
    if w.name in config.gateways:
        return True
    labels = {**w.obj.labels, **w.pod_labels}
    if labels.get("istio") in ("ingressgateway",) or labels.get("app") == "istio-ingressgateway":
        return True
    if any(labels.get(k, "") in GATEWAY_NAMES for k in ("app.kubernetes.io/name", "app", "k8s-app")):
        return True
    images = [written_name(c.image) for c in w.containers if c.role == "container"]
    return any(any(g in img for g in GATEWAY_IMAGES) and "proxyv2" not in img for img in images)


def selected_workloads(inv: Inventory, svc: K8sObject) -> list[Workload]:
    return inv.selected_by(svc)


def gateway_services(inv: Inventory, config: Config) -> set[tuple[str, str]]:
    """(namespace, name) of every Service that fronts a gateway workload or is named a gateway."""

    def find() -> frozenset[tuple[str, str]]:
        gateway = {id(w): is_gateway_workload(w, config) for w in inv.workloads}
        return frozenset((svc.namespace, svc.name) for svc in inv.by_kind("Service")
                         if svc.name in config.gateways
                         or any(gateway[id(w)] for w in selected_workloads(inv, svc)))

    # Computed once per scan: four rules ask. The answer depends on the configured gateways.
    return set(once(inv, "edge.gateway-services\0" + "\0".join(config.gateways), find))


def external_type(svc: K8sObject) -> str:
    """LoadBalancer, NodePort or externalIPs when the Service is reachable from outside."""
    kind = str(svc.spec.get("type") or "ClusterIP")
    if kind == "LoadBalancer":
        ann = {k: v.lower() for k, v in svc.annotations.items()}
        if any(ann.get(k) == v for k, v in INTERNAL_LB.items()):
            return ""
        return kind
    if kind == "NodePort":
        return kind
    return "externalIPs" if as_seq(svc.spec.get("externalIPs")) else ""


def ingress_class(ing: K8sObject) -> str:
    return str(ing.spec.get("ingressClassName")
               or ing.annotations.get("kubernetes.io/ingress.class") or "")


def _controller(ing: K8sObject) -> str:
    cls = ingress_class(ing).lower()
    for name in ("traefik", "kong", "nginx"):
        if name in cls:
            return name
    keys = " ".join(ing.annotations)
    for prefix, name in (("nginx.ingress.kubernetes.io/", "nginx"),
                         ("traefik.ingress.kubernetes.io/", "traefik"), ("konghq.com/", "kong")):
        if prefix in keys:
            return name
    return "unknown"


def _ingress(inv: Inventory, ing: K8sObject) -> Entry:
    ann = ing.annotations
    ctrl = _controller(ing)
    tls = bool(as_seq(ing.spec.get("tls"))) or ann.get(
        "traefik.ingress.kubernetes.io/router.tls") == "true" or any(
        k in ann for k in ("alb.ingress.kubernetes.io/certificate-arn",
                           "ingress.gcp.kubernetes.io/pre-shared-cert",
                           "networking.gke.io/managed-certificates"))
    protocols = [p.strip() for p in ann.get("konghq.com/protocols", "").split(",") if p.strip()]
    plain = not (ctrl == "kong" and protocols and "http" not in protocols)
    e = Entry("Ingress", ing, ctrl, tls, plain, http_line=ing.location.line)
    e.features = features_of_names(inv, ing, ann, controller=ctrl)
    if ctrl == "nginx" and tls and ann.get(NGINX + "ssl-redirect", "true").lower() != "false":
        e.features.redirect.append(f"{NGINX}ssl-redirect (on by default with TLS)")
    e.redirect_known = ctrl in ("nginx", "kong")
    default = as_map(ing.spec.get("defaultBackend") or ing.spec.get("backend"))
    if default:
        e.routes.append(Route("*", "/", _svc_name(default), ing.line("spec", "defaultBackend")))
    for rule in as_seq(ing.spec.get("rules")):
        m = as_map(rule)
        host = str(m.get("host") or "*")
        e.hosts.append(host)
        for p in as_seq(as_map(m.get("http")).get("paths")):
            pm = as_map(p)
            e.routes.append(Route(host, str(pm.get("path") or "/"),
                                  _svc_name(as_map(pm.get("backend"))), pm.line or m.line))
    for r in e.routes:  # Kong reads konghq.com/plugins on the backend Service too
        svc = _service(inv, ing.namespace, r.backend)
        if svc is not None and ctrl == "kong":
            r.features = kong_features(inv, svc.namespace, svc.annotations)
    return e


def _svc_name(backend: dict[str, object]) -> str:
    name = as_map(backend.get("service")).get("name") or backend.get("serviceName")
    return str(name) if name else ""


def _service(inv: Inventory, ns: str, name: str) -> K8sObject | None:
    index = once(inv, "edge.services",
                 lambda: {(s.namespace, s.name): s for s in reversed(inv.by_kind("Service"))})
    return index.get((ns, name))


_HOST = re.compile(r"Host(?:SNI)?\(([^)]*)\)")
_PATH = re.compile(r"Path(?:Prefix)?\(`([^`]*)`")


def _ingress_route(inv: Inventory, obj: K8sObject) -> Entry:
    tls = bool(obj.spec.get("tls"))
    eps = [str(x) for x in as_seq(obj.spec.get("entryPoints"))]
    plain = not tls or not eps or any(x in ("web", "http") for x in eps)
    e = Entry("IngressRoute", obj, "traefik", tls, plain, http_line=obj.location.line,
              redirect_known=False)
    for item in as_seq(obj.spec.get("routes")):
        m = as_map(item)
        match = str(m.get("match") or "")
        hosts = [h.strip(" `") for g in _HOST.findall(match) for h in g.split(",")] or ["*"]
        paths = _PATH.findall(match) or ["/"]
        names = [f"{as_map(x).get('namespace') or obj.namespace}-{as_map(x).get('name')}"
                 f"@kubernetescrd" for x in as_seq(m.get("middlewares"))]
        feats = features_of_names(inv, obj, {"traefik.ingress.kubernetes.io/router.middlewares":
                                             ",".join(names)})
        backend = str(as_map(as_seq(m.get("services"))[0] if as_seq(m.get("services"))
                             else {}).get("name") or "")
        e.hosts.extend(h for h in hosts if h not in e.hosts)
        e.routes.extend(Route(h, p, backend, m.line or obj.location.line, feats)
                        for h in hosts for p in paths)
    return e


def _istio_gateway(inv: Inventory, gw: K8sObject) -> Entry:
    tls, plain, redirect, http_line = False, False, True, gw.location.line
    for s in as_seq(gw.spec.get("servers")):
        sm = as_map(s)
        proto = str(as_map(sm.get("port")).get("protocol") or "").upper()
        t = as_map(sm.get("tls"))
        if proto in ("HTTPS", "TLS") or (t.get("mode") and proto != "HTTP"):
            tls = True
        elif proto in ("HTTP", "HTTP2", "GRPC", ""):
            plain = True
            http_line = sm.line or http_line
            if t.get("httpsRedirect") is not True:
                redirect = False
    e = Entry("Gateway", gw, "istio", tls, plain, http_line=http_line)
    e.features = istio_gateway_features(inv, gw)
    if plain and redirect:
        e.features.redirect.append("tls.httpsRedirect on every HTTP server")
    for s in as_seq(gw.spec.get("servers")):
        e.hosts.extend(str(h) for h in as_seq(as_map(s).get("hosts")) if str(h) not in e.hosts)
    for vs in inv.by_kind("VirtualService"):
        refs = {str(g) for g in as_seq(vs.spec.get("gateways"))}
        if not ({gw.name, f"{gw.namespace}/{gw.name}"} & refs) or (
                gw.name in refs and vs.namespace != gw.namespace
                and f"{gw.namespace}/{gw.name}" not in refs):
            continue
        hosts = [str(h) for h in as_seq(vs.spec.get("hosts"))] or ["*"]
        for h in as_seq(vs.spec.get("http")):
            hm = as_map(h)
            dests = [str(as_map(as_map(r).get("destination")).get("host") or "")
                     for r in as_seq(hm.get("route"))]
            paths = [str(v) for m in as_seq(hm.get("match"))
                     for k, v in as_map(as_map(m).get("uri")).items() if k in ("prefix", "exact")]
            for host in hosts:
                for p in paths or ["/"]:
                    e.routes.append(Route(host, p, dests[0].split(".")[0] if dests else "",
                                          hm.line or vs.location.line,
                                          redirects=bool(hm.get("redirect"))))
    return e


def _listener_routes(inv: Inventory, gw: K8sObject, listener: str, port: object
                     ) -> list[tuple[K8sObject, list[object]]]:
    out = []
    for route in inv.by_kind("HTTPRoute", "GRPCRoute"):
        for ref in as_seq(route.spec.get("parentRefs")):
            r = as_map(ref)
            if (str(r.get("kind") or "Gateway") != "Gateway" or r.get("name") != gw.name
                    or str(r.get("namespace") or route.namespace) != gw.namespace):
                continue
            if r.get("sectionName") not in (None, listener) or r.get("port") not in (None, port):
                continue
            out.append((route, list(as_seq(route.spec.get("rules")))))
            break
    return out


def _gateway_api(inv: Inventory, gw: K8sObject) -> Entry:
    tls, plain, http_line = False, False, gw.location.line
    plain_routes: list[tuple[K8sObject, list[object]]] = []
    all_routes: dict[int, tuple[K8sObject, list[object]]] = {}
    for item in as_seq(gw.spec.get("listeners")):
        lm = as_map(item)
        proto = str(lm.get("protocol") or "").upper()
        attached = _listener_routes(inv, gw, str(lm.get("name") or ""), lm.get("port"))
        for r in attached:
            all_routes[id(r[0])] = r
        if proto in ("HTTPS", "TLS"):
            tls = True
        elif proto == "HTTP":
            plain, http_line = True, lm.line or http_line
            plain_routes.extend(attached)
    e = Entry("Gateway", gw, "gateway-api", tls, plain, http_line=http_line)
    e.features = policy_features(inv, gw)
    plain_ids = {id(r) for r, _ in plain_routes}
    for route, rules in all_routes.values():
        rf = policy_features(inv, route).merged(kong_features(inv, route.namespace,
                                                              route.annotations))
        hosts = [str(h) for h in as_seq(route.spec.get("hostnames"))] or ["*"]
        e.hosts.extend(h for h in hosts if h not in e.hosts)
        for rule in rules:
            rm = as_map(rule)
            filters = [as_map(f) for f in as_seq(rm.get("filters"))]
            redirects = any(str(f.get("type")) == "RequestRedirect" and str(as_map(
                f.get("requestRedirect")).get("scheme") or "").lower() == "https" for f in filters)
            ff = rf.merged(features_of_names(inv, route, {}, filters))
            backends = [str(as_map(b).get("name") or "") for b in as_seq(rm.get("backendRefs"))]
            paths = [str(as_map(as_map(m).get("path")).get("value") or "/")
                     for m in as_seq(rm.get("matches"))] or ["/"]
            for h in hosts:
                for p in paths:
                    e.routes.append(Route(h, p, backends[0] if backends else "",
                                          rm.line or route.location.line, ff, redirects,
                                          id(route) in plain_ids))
    return e


def public_entries(inv: Inventory) -> list[Entry]:
    """Every entry that admits traffic from outside (internal classes and egress excluded).

    Computed once per scan (seven rules ask); the entries are shared, so callers only read them.
    """
    return list(once(inv, "edge.public-entries", lambda: _public_entries(inv)))


def _public_entries(inv: Inventory) -> list[Entry]:
    out: list[Entry] = []
    for ing in inv.by_kind("Ingress"):
        if not INTERNAL.search(ingress_class(ing)) and ing.annotations.get(
                "alb.ingress.kubernetes.io/scheme") != "internal":
            out.append(_ingress(inv, ing))
    for obj in inv.by_kind("IngressRoute"):
        if obj.group.startswith("traefik."):
            out.append(_ingress_route(inv, obj))
    for gw in inv.by_kind("Gateway"):
        if gw.group == "networking.istio.io":
            sel = " ".join(f"{k}={v}" for k, v in as_map(gw.spec.get("selector")).items())
            if "egress" not in sel and not INTERNAL.search(sel):
                out.append(_istio_gateway(inv, gw))
        elif gw.group == "gateway.networking.k8s.io" and not INTERNAL.search(
                str(gw.spec.get("gatewayClassName") or "")):
            out.append(_gateway_api(inv, gw))
    return sorted(out, key=lambda e: (e.obj.location.path, e.obj.location.line))


def route_at(e: Entry, r: Route) -> Location:
    return Location(e.obj.location.path, r.line or e.obj.location.line)


def is_admin(r: Route) -> str:
    """Why a route is an admin surface ("" when it is not)."""
    if r.path and ADMIN_PATH.search(r.path):
        return f"path {r.path}"
    if r.host and ADMIN_HOST.search(r.host):
        return f"host {r.host}"
    if r.backend and ADMIN_BACKEND.match(r.backend):
        return f"backend Service {r.backend}"
    return ""
