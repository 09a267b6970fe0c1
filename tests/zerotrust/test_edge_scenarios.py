"""Edge scenarios: evidence spread over several objects, unknown references, grouping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.pipeline import scan

TODAY = dt.date(2026, 11, 23)


def _rules(tmp: Path, text: str, select: str = "MW7*") -> list[tuple[str, int, str]]:
    (tmp / "edge.yaml").write_text(text)
    return [(f.rule_id, f.location.line, f.message) for f in
            scan([tmp], today=TODAY, select=[select]).findings]


def test_istio_gateway_over_http_groups_one_finding_per_problem(tmp_path: Path) -> None:
    got = _rules(tmp_path, """\
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: frontend-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: frontend-ingress}
spec:
  hosts: ["*"]
  gateways: [frontend-gateway]
  http:
  - route: [{destination: {host: frontend, port: {number: 80}}}]
  - match: [{uri: {prefix: /admin}}]
    route: [{destination: {host: frontend}}]
""")
    assert [(r, line) for r, line, _ in got] == [
        ("MW703", 7), ("MW707", 18), ("MW705", 1), ("MW706", 1)]
    assert got[0][2].startswith("Istio Gateway default/frontend-gateway serves * over plain HTTP")
    assert "*/ -> frontend, */admin -> frontend" in got[2][2]


def test_kong_global_plugins_and_gateway_api_policies(tmp_path: Path) -> None:
    got = _rules(tmp_path, """\
apiVersion: configuration.konghq.com/v1
kind: KongClusterPlugin
metadata: {name: global-oidc, labels: {global: "true"}}
plugin: openid-connect
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
spec:
  ingressClassName: kong
  tls: [{hosts: [api.example.com], secretName: c}]
  rules:
  - host: api.example.com
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg}
spec:
  gatewayClassName: eg
  listeners:
  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: c}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app}
spec:
  parentRefs: [{name: eg}]
  rules:
  - backendRefs: [{name: app, port: 80}]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: jwt}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app}]
  jwt: {providers: [{name: id, remoteJWKS: {uri: "https://id.example.com/jwks"}}]}
""", "MW705")
    assert got == []


def test_kong_ingress_with_tls_serves_http_unless_https_only(tmp_path: Path) -> None:
    text = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations: {konghq.com/protocols: "%s"}
spec:
  ingressClassName: kong
  tls: [{hosts: [api.example.com], secretName: c}]
  rules:
  - host: api.example.com
"""
    assert [(r, line) for r, line, _ in _rules(tmp_path, text % "http,https", "MW704")] == [
        ("MW704", 5)]
    assert _rules(tmp_path, text % "https", "MW704") == []
