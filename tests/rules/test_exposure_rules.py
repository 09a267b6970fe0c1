"""Exposure rules beyond fixtures: who can reach the port, and the port/image tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.checks.ports import admin_port, datastore_of_image
from meshward.config import Config
from meshward.findings.finding import Finding, Severity
from meshward.pipeline import scan


def _scan(tmp_path: Path, name: str, text: str, rules: list[str]) -> list[Finding]:
    (tmp_path / name).write_text(text)
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=rules)
    assert result.errors == []
    return result.findings


@pytest.mark.parametrize(("image", "store"), [
    ("redis:7", "Redis"),
    ("docker.io/bitnami/postgresql:16@sha256:" + "a" * 64, "PostgreSQL"),
    ("confluentinc/cp-kafka:7.6.0", "Kafka"),
    ("registry.local:5000/shop/orders-db:1.2", "database"),
    ("mongo-express:1.0", None),
    ("oliver006/redis_exporter:v1.58.0", None),
    ("registry.local:5000/shop/orders:1.2", None),
])
def test_datastore_images(image: str, store: str | None) -> None:
    assert datastore_of_image(image) == store


def test_admin_ports_by_number_and_name() -> None:
    assert admin_port(9229) == "Node.js inspector"
    assert admin_port(8080, "http-metrics") == "metrics endpoint"
    assert admin_port(8081) is None  # a common application port: only by name (actuator)
    assert admin_port(8080, "http") is None


def test_each_compose_port_is_reported_once_with_who_can_reach_it(tmp_path: Path) -> None:
    compose = ("services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n"
               "  app:\n    image: app:1\n    ports:\n      - \"8080:8080\"\n"
               "      - \"5005:5005\"\n      - \"127.0.0.1:6060:6060\"\n")
    got = sorted((f.rule_id, f.location.line, f.severity, f.message)
                 for f in _scan(tmp_path, "compose.yaml", compose, ["MW205", "MW206", "MW207"]))
    tail = " (Docker's published ports bypass host firewalls such as ufw)"
    assert got == [
        ("MW205", 9, Severity.LOW, "compose service app publishes port 8080->8080 on all host "
         "interfaces: reachable by anyone who can reach the Docker host on port 8080" + tail),
        ("MW206", 5, Severity.HIGH, "compose service db exposes PostgreSQL (port 5432, port "
         "5432->5432 on all host interfaces): reachable by anyone who can reach the Docker host "
         "on port 5432" + tail),
        ("MW207", 10, Severity.CRITICAL, "compose service app exposes Java debugger (JDWP) "
         "(port 5005, port 5005->5005 on all host interfaces): reachable by anyone who can "
         "reach the Docker host on port 5005" + tail),
    ]


def test_load_balancer_datastore_says_who_and_honours_source_ranges(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  type: LoadBalancer\n"
            "  loadBalancerSourceRanges: [10.0.0.0/8]\n  selector: {app: cache}\n  ports:\n"
            "  - port: 6379\n")
    [f] = _scan(tmp_path, "svc.yaml", text, ["MW206"])
    assert f.message == ("Service default/cache (LoadBalancer) exposes Redis (port 6379, Service "
                         "port 6379): reachable by clients in 10.0.0.0/8 and anyone who can reach "
                         "a node's IP on its node port")


def test_compose_default_network_is_named_precisely(tmp_path: Path) -> None:
    compose = "services:\n  db:\n    image: mysql:8\n  web:\n    image: web:1\n"
    [f] = _scan(tmp_path, "compose.yaml", compose, ["MW208"])
    assert f.message == (
        "compose service db (MySQL) is on network default (compose's implicit default network), "
        "not `internal: true`: it can open connections to the internet (nothing stops "
        "exfiltration), and the network is shared with web")
