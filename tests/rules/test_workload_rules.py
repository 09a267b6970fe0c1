"""Workload rules beyond fixtures: severities, messages and the host-path and image tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.checks.rules.workload_host_mounts import classify
from meshward.config import Config
from meshward.findings.finding import Confidence, Finding, Severity
from meshward.pipeline import scan


def _scan(tmp_path: Path, name: str, text: str, rule: str) -> list[Finding]:
    (tmp_path / name).write_text(text)
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=[rule])
    assert result.errors == []
    return result.findings


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: c:1.0
    securityContext:
      capabilities:
        add: [{caps}]
"""


@pytest.mark.parametrize(("caps", "severity", "named"), [
    ("SYS_ADMIN, NET_RAW", Severity.CRITICAL, "SYS_ADMIN (mount filesystems"),
    ("NET_RAW", Severity.MEDIUM, "NET_RAW (craft raw packets"),
    ("CAP_SYS_PTRACE", Severity.HIGH, "SYS_PTRACE (trace"),
    ("all", Severity.CRITICAL, "ALL (every capability"),
])
def test_dangerous_capability_named_with_worst_severity(
        tmp_path: Path, caps: str, severity: Severity, named: str) -> None:
    [f] = _scan(tmp_path, "pod.yaml", POD.format(caps=caps), "MW102")
    assert f.severity == severity
    assert named in f.message
    assert f.message.startswith("container c of Pod default/p adds ")


def test_harmless_capability_is_not_flagged(tmp_path: Path) -> None:
    assert _scan(tmp_path, "pod.yaml", POD.format(caps="NET_BIND_SERVICE, CHOWN"), "MW102") == []


@pytest.mark.parametrize(("path", "severity", "words"), [
    ("/var/run/docker.sock", Severity.CRITICAL, "container runtime's API"),
    ("/run/containerd/containerd.sock", Severity.CRITICAL, "container runtime's API"),
    ("/var/run/crio/crio.sock", Severity.CRITICAL, "container runtime's API"),
    ("/var/run/", Severity.CRITICAL, "it contains /var/run/docker.sock"),
    ("//", Severity.CRITICAL, "whole filesystem"),
    ("/etc", Severity.HIGH, "configuration and credentials"),
    ("/etc/kubernetes/pki", Severity.HIGH, "inside /etc/kubernetes"),
    ("/var/lib/kubelet/pods", Severity.HIGH, "inside /var/lib/kubelet"),
    ("/proc/sys", Severity.HIGH, "inside /proc"),
    ("/var/log", Severity.MEDIUM, "logs"),
    ("/opt/agent/dockershim.sock", Severity.CRITICAL, "container runtime's API"),
])
def test_sensitive_host_paths(path: str, severity: Severity, words: str) -> None:
    found = classify(path)
    assert found is not None and found[0] == severity and words in found[1]


@pytest.mark.parametrize("path", ["/etc/localtime", "/opt/cache", "/srv/data", "relative/dir",
                                  "/etc/ssl/certs"])
def test_ordinary_host_paths(path: str) -> None:
    assert classify(path) is None


def test_var_mount_does_not_claim_the_docker_socket() -> None:
    found = classify("/var")
    assert found is not None and "docker.sock" not in found[1]


def test_read_only_root_mount_is_high_and_socket_stays_critical(tmp_path: Path) -> None:
    compose = ("services:\n  a:\n    image: a:1\n    volumes:\n      - /:/host:ro\n"
               "      - /var/run/docker.sock:/var/run/docker.sock:ro\n")
    got = {f.evidence: f.severity for f in _scan(tmp_path, "compose.yaml", compose, "MW109")}
    assert got == {"/:/host": Severity.HIGH,
                   "/var/run/docker.sock:/var/run/docker.sock": Severity.CRITICAL}


def test_compose_missing_user_is_low_confidence_and_root_is_high(tmp_path: Path) -> None:
    compose = "services:\n  a:\n    image: a:1\n  b:\n    image: b:1\n    user: root\n"
    got = {str(f.resource): (f.severity, f.confidence)
           for f in _scan(tmp_path, "compose.yaml", compose, "MW105")}
    assert got == {"ComposeService/a": (Severity.LOW, Confidence.LOW),
                   "ComposeService/b": (Severity.HIGH, Confidence.HIGH)}


def test_pod_level_unconfined_seccomp_is_one_finding_naming_containers(tmp_path: Path) -> None:
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n"
           "    seccompProfile:\n      type: Unconfined\n  containers:\n  - name: a\n"
           "    image: a:1\n  - name: b\n    image: b:1\n")
    [f] = _scan(tmp_path, "pod.yaml", pod, "MW110")
    assert f.message == ("Pod default/p runs without seccomp unconfined for containers a, b "
                         "(pod-level seccompProfile.type: Unconfined)")
    assert f.location.line == 8


def test_sa_setting_applies_when_pod_does_not_set_it(tmp_path: Path) -> None:
    text = ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
            "automountServiceAccountToken: false\n---\napiVersion: v1\nkind: Pod\nmetadata:\n"
            "  name: web\nspec:\n  serviceAccountName: web\n  automountServiceAccountToken: true\n"
            "  containers:\n  - name: web\n    image: web:1\n")
    [f] = _scan(tmp_path, "k8s.yaml", text, "MW113")
    assert "the pod sets automountServiceAccountToken: true" in f.message
    assert f.location.line == 13
