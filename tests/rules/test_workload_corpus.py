"""Workload and exposure rules on the real deployments in ../shared/corpus (skipped if absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.config import Config
from meshward.findings.finding import Finding, Severity
from meshward.pipeline import scan

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SELECT = ["MW1*", "MW2*"]
PRIVILEGE_RULES = {f"MW1{n:02d}" for n in range(1, 12)}  # MW101-MW111: securityContext & host

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")


def _scan(folder: str) -> list[Finding]:
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    return scan([path], Config(), today=dt.date(2026, 11, 23), select=SELECT).findings


@pytest.fixture(scope="module")
def boutique() -> list[Finding]:
    return _scan("online-boutique/kubernetes-manifests")


@pytest.fixture(scope="module")
def sockshop() -> list[Finding]:
    return _scan("sock-shop")


@pytest.fixture(scope="module")
def voting() -> list[Finding]:
    return _scan("voting-app")


def _ids(findings: list[Finding], rule: str) -> set[str]:
    return {str(f.resource) for f in findings if f.rule_id == rule}


def test_boutique_complete_security_context_has_no_privilege_finding(
        boutique: list[Finding]) -> None:
    assert [f for f in boutique if f.rule_id in PRIVILEGE_RULES] == []


def test_boutique_identity_findings_are_the_true_ones(boutique: list[Finding]) -> None:
    # Every Deployment names its own ServiceAccount except redis-cart; none sets
    # automountServiceAccountToken, so each gets a token (the SAs are in the files: high).
    assert _ids(boutique, "MW112") == {"Deployment/default/redis-cart"}
    token = [f for f in boutique if f.rule_id == "MW113"]
    assert len(token) == 12
    assert "Deployment/default/frontend" in {str(f.resource) for f in token}
    by_name = {str(f.resource): f.confidence.value for f in token}
    assert by_name["Deployment/default/frontend"] == "high"
    assert by_name["Deployment/default/redis-cart"] == "medium"  # default SA: not in the files


def test_boutique_frontend_external_is_the_only_exposure(boutique: list[Finding]) -> None:
    exposure = [f for f in boutique if f.rule_id.startswith("MW2")]
    assert [(f.rule_id, str(f.resource), f.severity) for f in exposure] == [
        ("MW201", "Service/default/frontend-external", Severity.HIGH)]


def test_sockshop_node_exporter_host_namespaces(sockshop: list[Finding]) -> None:
    node_exporter = "DaemonSet/monitoring/node-exporter"
    assert node_exporter in _ids(sockshop, "MW204")  # hostNetwork
    assert node_exporter in _ids(sockshop, "MW107")  # hostPID
    assert node_exporter not in _ids(sockshop, "MW203")  # its hostPort is covered by MW204/MW207
    mounts = {f.evidence: f.severity for f in sockshop
              if f.rule_id == "MW109" and str(f.resource) == node_exporter}
    assert mounts == {"hostPath: /": Severity.HIGH, "hostPath: /sys": Severity.HIGH}


def test_sockshop_compose_docker_socket_is_critical(sockshop: list[Finding]) -> None:
    sock = [f for f in sockshop
            if f.rule_id == "MW109" and f.evidence.startswith("/var/run/docker")]
    assert [(str(f.resource), f.severity, f.location.path, f.location.line) for f in sock] == [
        ("ComposeService/queue-master", Severity.CRITICAL,
         "deploy/docker-compose/docker-compose.yml", 115)]


def test_sockshop_front_end_nodeport(sockshop: list[Finding]) -> None:
    assert "Service/sock-shop/front-end" in _ids(sockshop, "MW201")


def test_sockshop_var_mount_is_not_called_docker_socket(sockshop: list[Finding]) -> None:
    # /var/run is a symlink to /run on current hosts: mounting /var does not expose the socket.
    var = [f for f in sockshop if f.rule_id == "MW109" and f.evidence == "hostPath: /var"]
    assert len(var) == 1 and "docker.sock" not in var[0].message
    assert "it contains /var/lib/etcd" in var[0].message  # the worst thing it does contain
    assert var[0].severity == Severity.CRITICAL


def test_sockshop_compose_override_fragments_are_not_flagged_for_missing_settings(
        sockshop: list[Finding]) -> None:
    logging = "deploy/docker-compose/docker-compose.logging.yml"
    absent = {"MW103", "MW104", "MW105", "MW106"}
    flagged = {str(f.resource) for f in sockshop
               if f.location.path == logging and f.rule_id in absent}
    assert flagged == {"ComposeService/elasticsearch", "ComposeService/kibana",
                       "ComposeService/log-server"}


def test_voting_app_nodeports_and_loopback_debug_port(voting: list[Finding]) -> None:
    assert _ids(voting, "MW201") == {"Service/default/vote", "Service/default/result"}
    published = {(f.location.path, f.location.line) for f in voting
                 if f.rule_id in ("MW205", "MW206", "MW207")}
    assert ("docker-compose.yml", 22) in published  # vote 8080:80
    assert ("docker-compose.yml", 38) not in published  # 127.0.0.1:9229:9229
