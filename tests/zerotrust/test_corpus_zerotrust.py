"""Zero-trust rules on the real deployments of ../shared/corpus (skipped when absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.config import Config
from meshward.pipeline import build_context, scan
from meshward.zerotrust.netpol import AllowedPeer, allowed_peers

TODAY = dt.date(2026, 1, 1)


def _rules(paths: list[Path], select: str) -> list[tuple[str, str, int]]:
    result = scan(paths, Config(), TODAY, select=[select])
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


def test_online_boutique_without_policies_has_no_segmentation(corpus: Path) -> None:
    base = [corpus / "online-boutique" / "kubernetes-manifests"]
    assert _rules(base, "MW50*") == [("MW501", "adservice.yaml", 15), ("MW502", "adservice.yaml", 15)]


def test_online_boutique_with_policies(corpus: Path) -> None:
    ob = corpus / "online-boutique"
    paths = [ob / "kubernetes-manifests", ob / "kustomize" / "components" / "network-policies"]
    ctx = build_context(paths, Config(), TODAY)
    frontend = next(w for w in ctx.inventory.workloads if w.name == "frontend")
    others = tuple(f"default/{w.name}" for w in ctx.inventory.workloads if w.name != "frontend")
    assert allowed_peers(ctx, frontend) == [
        AllowedPeer("every source", "every port", "NetworkPolicy default/frontend", others)]
    redis = next(w for w in ctx.inventory.workloads if w.name == "redis-cart")
    assert [(p.who, p.ports, p.workloads) for p in allowed_peers(ctx, redis)] == [
        ("pods app=cartservice in namespace default", "ports TCP 6379", ("default/cartservice",))]
    assert not any(e.blocked_by_policy for e in ctx.graph.edges.values())
    found = _rules(paths, "MW50*")
    assert ("MW501", "adservice.yaml", 15) not in found
    # frontend's `ingress: [{}]` and every policy's `egress: [{}]` undo deny-all.
    assert ("MW504", "network-policy-frontend.yaml", 27) in found
    assert sum(1 for r in found if r[0] == "MW504") == 13


def test_sock_shop_fake_default_deny_is_caught(corpus: Path) -> None:
    k8s = corpus / "sock-shop" / "deploy" / "kubernetes"
    result = scan([k8s / "manifests", k8s / "manifests-policy"], Config(), TODAY, select=["MW505"])
    assert [(f.location.path, f.location.line) for f in result.findings] == [
        ("netpol-default-deny.yaml", 7)]
    assert "ignored since Kubernetes 1.7: it denies nothing" in result.findings[0].message
