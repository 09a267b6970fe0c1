"""Edge and RBAC rules on the real deployments of ../shared/corpus (skipped when absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.pipeline import scan

TODAY = dt.date(2026, 11, 23)


def _found(path: Path, select: str) -> set[tuple[str, str, int]]:
    result = scan([path], today=TODAY, select=[select])
    return {(f.rule_id, f.location.path, f.location.line) for f in result.findings}


def test_online_boutique_istio_gateway_is_plain_http(corpus: Path) -> None:
    result = scan([corpus / "online-boutique" / "istio-manifests"], today=TODAY, select=["MW7*"])
    got = {(f.rule_id, f.location.path, f.location.line) for f in result.findings}
    assert got == {("MW703", "frontend-gateway.yaml", 23), ("MW705", "frontend-gateway.yaml", 15),
                   ("MW706", "frontend-gateway.yaml", 15)}
    tls = next(f for f in result.findings if f.rule_id == "MW703")
    assert tls.message.startswith("Istio Gateway default/frontend-gateway serves * over plain HTTP")


def test_online_boutique_frontend_external_bypasses_the_gateway(corpus: Path) -> None:
    got = _found(corpus / "online-boutique" / "kustomize", "MW70*")
    assert ("MW701", "base/frontend.yaml", 130) in got
    assert ("MW708", "base/frontend.yaml", 130) in got
    assert ("MW702", "base/frontend.yaml", 130) in got
    assert ("MW703", "components/service-mesh-istio/frontend-gateway.yaml", 22) in got


def test_sock_shop_rbac_is_reported_truthfully(corpus: Path) -> None:
    result = scan([corpus / "sock-shop"], today=TODAY, select=["MW8*"])
    got = sorted((f.rule_id, f.location.path, f.message) for f in result.findings)
    base = "deploy/kubernetes/manifests-monitoring/"
    assert got == [
        ("MW804", base + "12-kube-state-crb.yaml",
         "ServiceAccount monitoring/kube-state-metrics can read every secret cluster-wide: list, "
         "watch (ClusterRole kube-state-metrics, granted by ClusterRoleBinding kube-state-metrics)"),
        ("MW805", base + "03-prometheus-crb.yaml",
         "ServiceAccount monitoring/prometheus can run commands in pods cluster-wide: get "
         "nodes/proxy (the kubelet API, exec included) (ClusterRole prometheus, granted by "
         "ClusterRoleBinding prometheus)"),
    ]  # fluentd's get/list/watch on pods is read-only: nothing to report


def test_sock_shop_entry_points(corpus: Path) -> None:
    result = scan([corpus / "sock-shop" / "deploy" / "kubernetes"], today=TODAY, select=["MW702"])
    assert len(result.findings) == 1
    assert result.findings[0].message == (
        "4 public entry points: Service kube-system/kibana (NodePort); Service monitoring/grafana "
        "(NodePort); Service monitoring/prometheus (NodePort); Service sock-shop/front-end "
        "(NodePort)")
