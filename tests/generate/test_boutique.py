"""Online Boutique: meshward's NetworkPolicies against the project's hand-written ones.

The comparison written in docs/policy-and-catalog.md, checked: every call meshward allows
on the ingress side is allowed by the hand-written policies too (the same 16 calls, same
ports), and the hand-written set is wider in two places: egress to anywhere for every
workload, and every port of frontend from anywhere.
"""

from __future__ import annotations

from pathlib import Path

from meshward.generate import netpol
from meshward.generate.existing import Existing
from meshward.pipeline import build_context


def test_same_calls_narrower_rules(corpus: Path) -> None:
    root = corpus / "online-boutique"
    ctx = build_context([root / "kubernetes-manifests"])
    gen = netpol.generate(ctx)
    ingress = sorted(m.name for m in gen.manifests if "-from-" in m.name)
    assert len(ingress) == 17 and "meshward-frontend-from-anywhere" in ingress
    assert gen.pending == [] and gen.kept == []
    both = build_context([root / "kubernetes-manifests",
                          root / "kustomize/components/network-policies"])
    covered = netpol.generate(both, Existing(both.inventory))
    # every per-call ingress and egress allow is already granted by the hand-written ones
    assert sorted(m.name for m in covered.manifests) == ["meshward-allow-dns"]
    front = next(m for m in gen.manifests if m.name == "meshward-frontend-from-anywhere")
    assert front.body["spec"]["ingress"] == [{"ports": [{"port": 8080, "protocol": "TCP"}]}]
    email = next(m for m in gen.manifests if m.name == "meshward-emailservice-from-checkoutservice")
    assert email.body["spec"]["ingress"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
