"""The ground truth of ../shared/corpus/README.md, found by a scan of each folder.

Skips cleanly when the corpus is absent. Facts are asserted by rule id, message and file,
so a regression in any rule family (exposure, workloads, images, plaintext, secrets)
shows up here as a missing fact or as noise on a known-clean object.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from meshward.config import Config
from meshward.findings.finding import Finding
from meshward.pipeline import scan
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
TODAY = dt.date(2026, 11, 23)


@cache
def findings(folder: str) -> tuple[Finding, ...]:
    return tuple(f for f in scan([CORPUS / folder], Config(), today=TODAY).findings
                 if not f.suppressed_by)


def matching(folder: str, rule: str, *words: str, path: str = "") -> list[Finding]:
    return [f for f in findings(folder) if f.rule_id == rule and path in f.location.path
            and all(w in f.message for w in words)]


Fact = tuple[str, str, tuple[str, ...], str]
FACTS: list[Fact] = [
    # online-boutique
    ("online-boutique", "MW201", ("frontend-external", "LoadBalancer"), "kubernetes-manifests/frontend.yaml"),
    ("online-boutique", "MW302", ("redis:alpine", "floating tag"), "kubernetes-manifests/cartservice.yaml"),
    ("online-boutique", "MW402", ("cartservice calls redis-cart", "Redis", "REDIS_ADDR"), ""),
    # sock-shop
    ("sock-shop", "MW201", ("front-end", "NodePort"), "manifests/10-front-end-svc.yaml"),
    ("sock-shop", "MW902", ("catalogue-db", "MYSQL_ROOT_PASSWORD"), "manifests/07-catalogue-db-dep.yaml"),
    ("sock-shop", "MW902", ("catalogue-db", "MYSQL_ROOT_PASSWORD"), "complete-demo.yaml"),
    ("sock-shop", "MW204", ("node-exporter", "hostNetwork"), "node-exporter-daemonset.yaml"),
    ("sock-shop", "MW107", ("node-exporter", "hostPID"), "node-exporter-daemonset.yaml"),
    ("sock-shop", "MW109", ("queue-master", "/var/run/docker.sock"), "docker-compose/docker-compose.yml"),
    # voting-app
    ("voting-app", "MW902", ("POSTGRES_PASSWORD",), "docker-compose.yml"),
    ("voting-app", "MW902", ("POSTGRES_PASSWORD",), "k8s-specifications/db-deployment.yaml"),
    ("voting-app", "MW201", ("vote", "NodePort"), "k8s-specifications/vote-service.yaml"),
    ("voting-app", "MW201", ("result", "NodePort"), "k8s-specifications/result-service.yaml"),
]


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f[0]}:{f[1]}:{f[2][0]}")
def test_readme_fact_is_found(fact: Fact) -> None:
    folder, rule, words, path = fact
    assert matching(folder, rule, *words, path=path), f"{rule} {words} in {path} not found"


def test_sock_shop_no_image_is_pinned_by_digest() -> None:
    """Every image of sock-shop is reported by MW301 (no tag/latest) or MW302 (tag only)."""
    unpinned = {f.evidence for f in findings("sock-shop") if f.rule_id in ("MW301", "MW302")}
    written = set()
    for path in (CORPUS / "sock-shop").rglob("*.y*ml"):
        for line in path.read_text().splitlines():
            text = line.strip()
            if text.startswith("image:") and "@sha256:" not in text:
                written.add(f"image: {text.split(':', 1)[1].strip()}")
    assert written and written <= unpinned
    assert not [f for f in findings("sock-shop") if f.rule_id == "MW302" and "@sha256" in f.evidence]


def test_plaintext_redis_is_one_finding_per_edge() -> None:
    redis = matching("online-boutique", "MW402", "calls redis-cart")
    assert len(redis) == 1 and redis[0].severity.value == "medium"
    assert "3 places" in redis[0].message  # kubernetes-manifests, release and the kustomize render


def test_no_allowlist_means_no_registry_findings() -> None:
    for folder in ("online-boutique", "sock-shop", "voting-app"):
        assert not [f for f in findings(folder) if f.rule_id == "MW303"]


PRIVILEGE_RULES = ("MW101", "MW102", "MW103", "MW104", "MW105", "MW107", "MW108", "MW109",
                   "MW110", "MW111")


def test_online_boutique_containers_have_no_privilege_finding() -> None:
    noisy = [f for f in findings("online-boutique") if f.rule_id in PRIVILEGE_RULES
             and "kubernetes-manifests/" in f.location.path]
    assert noisy == []


def test_known_clean_objects_are_not_flagged() -> None:
    # busybox and the otel collector are pinned by digest in online-boutique.
    assert not [f for f in findings("online-boutique")
                if f.rule_id in ("MW301", "MW302") and "@sha256:" in f.evidence]
    # Services, Istio objects and ConfigMaps never get pod-setting findings.
    pod_rules = (*PRIVILEGE_RULES, "MW106", "MW320", "MW321", "MW322", "MW323")
    for folder in ("online-boutique", "sock-shop", "voting-app"):
        wrong = [f for f in findings(folder) if f.rule_id in pod_rules and f.resource is not None
                 and f.resource.kind in ("Service", "ConfigMap", "VirtualService", "Gateway",
                                         "ServiceEntry", "Namespace")]
        assert wrong == []
    # postgres:15-alpine (voting-app) is supported until 2027-11-11.
    assert not matching("voting-app", "MW304", "postgres")
    # voting-app's secrets come only from the literal POSTGRES_PASSWORD, nothing else.
    assert {f.message.split(" is set ")[0] for f in findings("voting-app") if f.rule_id == "MW902"} == {
        "POSTGRES_PASSWORD"}
