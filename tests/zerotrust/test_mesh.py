"""Mesh semantics that depend on several objects together."""

from __future__ import annotations

from pathlib import Path

from meshward.zerotrust import istio, linkerd
from tests.zerotrust.helpers import context, deployment, findings, workload

MESH_STRICT = """apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
"""
SHOP_PERMISSIVE = """apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: PERMISSIVE}
"""


def test_namespace_permissive_overrides_strict_mesh(tmp_path: Path) -> None:
    ctx = context(tmp_path, MESH_STRICT, SHOP_PERMISSIVE, deployment("api"),
                  deployment("pay", ns="pay"), """apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: UNSET}
  portLevelMtls:
    8080: {mode: STRICT}
""")
    inv = ctx.inventory
    api = istio.effective_mtls(inv, workload(ctx, "api"))
    assert api.mode == "PERMISSIVE" and api.source is not None and api.source.namespace == "shop"
    assert {p: m for p, (m, _) in api.ports.items()} == {8080: "STRICT"}
    assert istio.effective_mtls(inv, workload(ctx, "pay")).mode == "STRICT"
    got = findings(tmp_path, "MW603")
    assert got == [("MW603", 11, "PeerAuthentication shop/default sets PERMISSIVE (overriding mesh "
                                 "STRICT): accepts plaintext next to mTLS for workloads api")]
    assert findings(tmp_path, "MW602") == []


def test_no_peer_authentication_means_permissive(tmp_path: Path) -> None:
    ctx = context(tmp_path, deployment("api"), """apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: shop}
spec:
  host: api
""")
    assert istio.effective_mtls(ctx.inventory, workload(ctx, "api")).mode == "PERMISSIVE"
    got = findings(tmp_path, "MW602")
    assert [(r, line) for r, line, _ in got] == [("MW602", 20)]


def test_root_namespace_selector_policy_is_ignored(tmp_path: Path) -> None:
    ctx = context(tmp_path, MESH_STRICT, deployment("api"), """apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: odd, namespace: istio-system}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: DISABLE}
""")
    assert istio.effective_mtls(ctx.inventory, workload(ctx, "api")).mode == "STRICT"


def test_injection_precedence(tmp_path: Path) -> None:
    ctx = context(tmp_path, """apiVersion: v1
kind: Namespace
metadata: {name: legacy, labels: {istio-injection: disabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/rev: canary}}
""", deployment("a", ns="legacy", labels='sidecar.istio.io/inject: "true"'),
        deployment("b", ns="shop", labels='sidecar.istio.io/inject: "false"'),
        deployment("c", ns="shop"), deployment("d", ns="elsewhere"))
    inv = ctx.inventory
    assert [istio.injection(inv, workload(ctx, n)).injected for n in "abcd"] == [False, False, True, None]


def test_allow_nothing_gives_deny_by_default(tmp_path: Path) -> None:
    ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n"
    nothing = ("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
               "metadata: {name: allow-nothing, namespace: shop}\nspec: {}\n")
    deny_only = ("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
                 "metadata: {name: deny-dev, namespace: shop}\nspec:\n  action: DENY\n"
                 "  rules:\n  - from: [{source: {namespaces: [dev]}}]\n")
    assert findings(tmp_path, "MW606", ns, nothing, deployment("api")) == []
    got = findings(tmp_path, "MW606", ns, deny_only, deployment("api"))
    assert [(r, line) for r, line, _ in got] == [("MW606", 1)]


def test_linkerd_pod_annotation_overrides_namespace(tmp_path: Path) -> None:
    ctx = context(tmp_path, """apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations: {linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: deny}
""", deployment("api", annotations="config.linkerd.io/default-inbound-policy: all-unauthenticated"),
        deployment("web"))
    inv = ctx.inventory
    api = linkerd.setting(inv, workload(ctx, "api"), linkerd.DEFAULT_POLICY)
    web = linkerd.setting(inv, workload(ctx, "web"), linkerd.DEFAULT_POLICY)
    assert api is not None and (api.value, api.on) == ("all-unauthenticated", "pod")
    assert web is not None and (web.value, web.on) == ("deny", "namespace")
    got = findings(tmp_path, "MW623")
    assert [(r, line) for r, line, _ in got] == [("MW623", 20)]


def test_no_mesh_is_one_finding(tmp_path: Path) -> None:
    docs = [deployment(f"s{i}", env=f"http://s{i + 1}:80") for i in range(5)]
    docs += [f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: shop}}\n"
             f"spec:\n  selector: {{app: s{i}}}\n  ports: [{{port: 80}}]\n" for i in range(6)]
    got = findings(tmp_path, "MW601", *docs)
    assert len(got) == 1
    assert got[0][2].startswith("no service mesh and no application mTLS found: 4 service-to-service")
