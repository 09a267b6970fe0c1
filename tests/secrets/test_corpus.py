"""The real-world corpus: the literal passwords its README lists are found, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshward.secrets.engine import scan_paths

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


def test_corpus_literal_passwords_and_nothing_else() -> None:
    result = scan_paths([CORPUS], jobs=1)
    got = {(m.path, m.line, m.key, str(m.resource), m.service) for m in result.matches}
    assert got == {
        ("sock-shop/deploy/kubernetes/complete-demo.yaml", 226, "MYSQL_ROOT_PASSWORD",
         "Deployment/sock-shop/catalogue-db", "catalogue-db"),
        ("sock-shop/deploy/kubernetes/manifests/07-catalogue-db-dep.yaml", 23, "MYSQL_ROOT_PASSWORD",
         "Deployment/sock-shop/catalogue-db", "catalogue-db"),
        ("voting-app/docker-compose.yml", 68, "POSTGRES_PASSWORD", "ComposeService/db", "db"),
        ("voting-app/docker-compose.images.yml", 54, "POSTGRES_PASSWORD", "ComposeService/db", "db"),
        ("voting-app/docker-stack.yml", 18, "POSTGRES_PASSWORD", "ComposeService/db", "db"),
        ("voting-app/k8s-specifications/db-deployment.yaml", 23, "POSTGRES_PASSWORD",
         "Deployment/default/db", "db"),
        # Grafana's admin password, set as a literal in compose and in the Deployment.
        ("sock-shop/deploy/docker-compose/docker-compose.monitoring.yml", 48,
         "GF_SECURITY_ADMIN_PASSWORD", "ComposeService/grafana", "grafana"),
        ("sock-shop/deploy/kubernetes/manifests-monitoring/21-grafana-dep.yaml", 38,
         "GF_SECURITY_ADMIN_PASSWORD", "Deployment/monitoring/grafana-core", "grafana-core"),
    }
    assert result.errors == []
    assert all(m.detector == "generic-secret" and m.context == "deploy" for m in result.matches)
