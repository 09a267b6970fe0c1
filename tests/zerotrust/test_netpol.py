"""NetworkPolicy semantics, evaluated on several objects together."""

from __future__ import annotations

from pathlib import Path

from meshward.model.graph import EXTERNAL
from meshward.zerotrust.netpol import AllowedPeer, allowed_peers
from meshward.zerotrust.selectors import Requirement, parse_selector
from tests.zerotrust.helpers import context, deployment, findings, pods, service, workload

DENY_ALL = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""
ALLOW_WEB_TO_API = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 8080}]
"""


def test_requirements_follow_kubernetes_semantics() -> None:
    labels = {"app": "api", "tier": "back"}
    assert Requirement("tier", "In", ("back", "db")).matches(labels)
    assert not Requirement("tier", "NotIn", ("back",)).matches(labels)
    assert Requirement("zone", "NotIn", ("a",)).matches(labels)  # absent key: NotIn matches
    assert Requirement("app", "Exists").matches(labels)
    assert Requirement("zone", "DoesNotExist").matches(labels)
    assert not Requirement("app", "Bogus").matches(labels)
    sel = parse_selector({"matchLabels": {"app": "api"},
                          "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]})
    assert not sel.matches(labels)  # matchLabels AND matchExpressions
    assert parse_selector({"matchLabels": None}).empty


def test_deny_all_plus_one_allowed_edge(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("web", env="http://api:80"), deployment("api"),
                  deployment("worker", env="http://api:80"), service("api"), DENY_ALL,
                  ALLOW_WEB_TO_API)
    seg, p = pods(ctx)
    assert seg.check(p["shop/web"], p["shop/api"], 8080).allowed
    # The named port `http` resolves to 8080 on api; 9090 is not admitted.
    assert not seg.check(p["shop/web"], p["shop/api"], 9090).allowed
    verdict = seg.check(p["shop/worker"], p["shop/api"], 8080)
    assert not verdict.allowed
    assert verdict.reason == ("NetworkPolicy shop/deny-all isolates shop/worker for egress and no "
                              "rule admits to shop/api on port TCP 8080")
    edges = ctx.graph.edges
    assert not edges[("web", "api")].blocked_by_policy
    assert edges[("worker", "api")].blocked_by_policy
    assert ctx.graph.unused_allowed == []
    got = findings(tmp_path, "MW506")
    assert got == [("MW506", 58, (
        "worker is configured to call api (TARGET_URL=http://api:80) but the NetworkPolicies block "
        "it: NetworkPolicy shop/deny-all isolates shop/worker for egress and no rule admits to "
        "shop/api on port TCP 8080"))]


def test_unused_allowance_is_listed(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("web"), deployment("api"), service("api"), DENY_ALL,
                  ALLOW_WEB_TO_API)
    assert ctx.graph.unused_allowed == [
        ("web", "api", "NetworkPolicy shop/api allows pods app=web in namespace shop on ports TCP http")]


def test_policy_types_defaults(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("a"), deployment("b"), deployment("c"), """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  egress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b, namespace: shop}
spec:
  podSelector: {matchLabels: {app: b}}
  egress:
  - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: c, namespace: shop}
spec:
  podSelector: {matchLabels: {app: c}}
  policyTypes: [Ingress]
  ingress:
  - {}
""")
    seg, p = pods(ctx)
    # No policyTypes: Ingress always, Egress only with egress rules (an empty list is none).
    assert seg.isolated(p["shop/a"], "ingress") and not seg.isolated(p["shop/a"], "egress")
    assert seg.isolated(p["shop/b"], "ingress") and seg.isolated(p["shop/b"], "egress")
    assert not seg.check(p["shop/b"], p["shop/c"]).allowed  # b may only reach 203.0.113.0/24
    assert not seg.check(p["shop/c"], p["shop/a"]).allowed  # a: Ingress with no rules denies all
    assert seg.check(p["shop/a"], p["shop/c"]).allowed  # c: `{}` admits everyone
    assert [(a.who, a.ports) for a in seg.allowed_peers(p["shop/c"])] == [("every source", "every port")]


def test_namespace_selector_uses_namespace_labels(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("api"), deployment("probe", ns="monitoring"),
                  deployment("web", ns="front"), deployment("tool", ns="dev"), """apiVersion: v1
kind: Namespace
metadata: {name: front, labels: {team: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: web}}
      podSelector:
        matchExpressions: [{key: app, operator: In, values: [web, admin]}]
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
""")
    seg, p = pods(ctx)
    api = p["shop/api"]
    assert seg.check(p["front/web"], api).allowed
    assert seg.check(p["monitoring/probe"], api).allowed
    assert not seg.check(p["dev/tool"], api).allowed
    peers = allowed_peers(ctx, workload(ctx, "api"))
    assert peers == [
        AllowedPeer("pods app in (web,admin) in namespaces team=web", "every port",
                    "NetworkPolicy shop/api", ("front/web",)),
        AllowedPeer("all pods in namespaces kubernetes.io/metadata.name=monitoring", "every port",
                    "NetworkPolicy shop/api", ("monitoring/probe",)),
    ]


def test_cilium_policies(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("api"), deployment("web"), deployment("db"), """apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  endpointSelector: {}
  ingress:
  - {}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEndpoints: [{matchLabels: {"k8s:app": web}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-extra, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  enableDefaultDeny: {egress: false}
  egress:
  - toEntities: [world]
""")
    seg, p = pods(ctx)
    assert [x.label for x in seg.default_deny("shop", "ingress")] == ["CiliumNetworkPolicy shop/default-deny"]
    assert seg.check(p["shop/web"], p["shop/api"], 8080).allowed
    assert not seg.check(p["shop/web"], p["shop/api"], 9090).allowed
    assert not seg.check(p["shop/api"], p["shop/web"]).allowed  # `{}` allows nothing in Cilium
    assert not seg.isolated(p["shop/db"], "egress")  # enableDefaultDeny.egress: false


def test_compose_is_not_kubernetes(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: web:1\n    environment:\n      API: http://api:80\n"
        "  api:\n    image: api:1\n")
    for rule_id in ("MW501", "MW502", "MW503", "MW506"):
        assert findings(tmp_path, rule_id) == []
    ctx = context(tmp_path)
    assert all(not e.blocked_by_policy for e in ctx.graph.edges.values())
    assert (EXTERNAL, "web") not in ctx.graph.edges
