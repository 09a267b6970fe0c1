"""Identity mapping from the deployment files alone (no `kubectl get pods` dump): the bundled
shop example, as a user first runs watch on it."""

from __future__ import annotations

import datetime as dt

from meshward.pipeline import build_context
from meshward.watch.identity import IdentityMap
from tests.conftest import REPO
from tests.watch import samples as s
from tests.watch.conftest import Feed


def test_ingress_upstreams_and_cluster_ips_map_without_a_pods_dump() -> None:
    ctx = build_context([REPO / "examples" / "shop"], today=dt.date(2026, 12, 1))
    m = IdentityMap.build(ctx.inventory)
    assert m.upstream("shop-payments-8443") == "payments"
    assert m.upstream("shop-payments-public-443") == "payments"
    assert m.upstream("shop-web-8080") == "web"
    assert m.upstream("other-web-8080") is None


def test_auth_burst_through_ingress_names_the_service(feed: Feed) -> None:
    lines = [s.ingress_nginx("203.0.113.9", "shop-payments-8443", code=401)] * 20
    found = feed(lines, only="MWW02")
    assert {(f.service, dict(f.extra)["burst"]) for f in found} == {
        ("payments", "target"), ("payments", "source")}
    assert {f.source for f in found} == {"203.0.113.9"}
