"""MW109: host paths mounted into containers (Kubernetes hostPath, compose bind mounts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, workloads
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.kubernetes import Workload
from meshward.model.source import Location, YMap, as_map, as_seq

_RUNTIME = "the container runtime's API: full control of the node and every container on it"


@dataclass(frozen=True)
class HostPath:
    path: str
    severity: Severity
    what: str
    subtree: bool = True  # paths below it are as sensitive


SENSITIVE: tuple[HostPath, ...] = (
    HostPath("/", Severity.CRITICAL, "the host's whole filesystem", subtree=False),
    *(HostPath(p, Severity.CRITICAL, _RUNTIME, subtree=False) for p in (
        "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock",
        "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
        "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock", "/run/podman/podman.sock",
        "/var/run/podman/podman.sock")),
    HostPath("/var/lib/etcd", Severity.CRITICAL,
             "on control-plane nodes, the cluster datastore with every Secret"),
    HostPath("/etc/kubernetes", Severity.HIGH, "the cluster's PKI and kubeconfigs"),
    HostPath("/var/lib/kubelet", Severity.HIGH,
             "kubelet credentials and every pod's volumes, Secrets included"),
    HostPath("/var/lib/docker", Severity.HIGH, "every container's filesystem and configuration"),
    HostPath("/var/lib/containerd", Severity.HIGH,
             "every container's filesystem and configuration"),
    HostPath("/etc", Severity.HIGH, "the host's configuration and credentials", subtree=False),
    HostPath("/etc/shadow", Severity.HIGH, "the host's password hashes"),
    HostPath("/etc/sudoers", Severity.HIGH, "the host's sudo rules"),
    HostPath("/etc/ssh", Severity.HIGH, "the host's SSH keys and configuration"),
    HostPath("/proc", Severity.HIGH, "the host's processes and kernel settings"),
    HostPath("/sys", Severity.HIGH, "kernel, cgroup and device settings of the host"),
    HostPath("/dev", Severity.HIGH, "the host's devices"),
    HostPath("/boot", Severity.HIGH, "the host's kernel and boot loader"),
    HostPath("/root", Severity.HIGH, "root's home directory: keys and credentials"),
    HostPath("/home", Severity.MEDIUM, "users' home directories: keys and credentials"),
    HostPath("/var/log", Severity.MEDIUM, "the host's and every container's logs"),
)
_SOCKET_WORDS = ("docker", "containerd", "crio", "cri-o", "podman")


def normalize(path: str) -> str:
    text = re.sub(r"/+", "/", path.strip())
    return text.rstrip("/") or "/"


def _under(child: str, parent: str) -> bool:
    return parent == "/" or child.startswith(parent + "/")


def _through_symlink(mounted: str, sensitive: str) -> bool:
    """/var/run is a symlink to /run on current hosts: mounting /var does not reach
    /var/run/docker.sock (the link resolves inside the container), mounting /var/run does."""
    return _under(sensitive, "/var/run") and not (
        mounted == "/var/run" or _under(mounted, "/var/run"))


def classify(path: str) -> tuple[Severity, str] | None:
    """How sensitive a host path is, and what it gives; ``None`` for an ordinary path."""
    p = normalize(path)
    if not p.startswith("/"):
        return None
    best: tuple[Severity, str] | None = None
    best_rank = (-1, -1)
    for s in SENSITIVE:
        if p == s.path:
            found, exact = (s.severity, s.what), 1  # on equal severity, the path itself wins
        elif s.path != "/" and _under(s.path, p) and not _through_symlink(p, s.path):
            found, exact = (s.severity, f"it contains {s.path}: {s.what}"), 0
        elif s.subtree and _under(p, s.path):
            found, exact = (s.severity, f"it is inside {s.path}: {s.what}"), 0
        else:
            continue
        if (found[0].rank, exact) > best_rank:
            best, best_rank = found, (found[0].rank, exact)
    name = p.rsplit("/", 1)[-1]
    if (best is None or best[0] < Severity.CRITICAL) and name.endswith(".sock") and any(
            w in name for w in _SOCKET_WORDS):
        best = (Severity.CRITICAL, _RUNTIME)
    return best


def _mounting(w: Workload, volume: str) -> list[tuple[str, bool]]:
    """(container, read-only) for each container that mounts ``volume``."""
    out: list[tuple[str, bool]] = []
    for c in w.containers:
        for m in as_seq(c.body.get("volumeMounts")):
            mm = as_map(m)
            if mm.get("name") == volume:
                out.append((c.name, mm.get("readOnly") is True))
    return out


def _severity(found: Severity, path: str, read_only: bool) -> Severity:
    # A read-only root still exposes host credentials (high); a socket ignores read-only.
    if read_only and normalize(path) == "/":
        return Severity.HIGH
    return found


@rule(
    id="MW109",
    title="Host path mounted into a container",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-668",
    rationale=(
        "A host path gives the container the node's files. The container runtime's socket "
        "(docker.sock, containerd.sock, crio.sock) is full control of the node, read-only or "
        "not; `/`, /etc, /proc, /sys, /var/lib/kubelet and the like hold the host's and other "
        "pods' credentials. Kubernetes: every hostPath volume is reported (an ordinary path at "
        "low severity: it still ties the pod to a node's files); compose: only bind mounts of "
        "sensitive host paths, since binding project files is how compose passes config."
    ),
    remediation=(
        "Use ConfigMaps, Secrets, emptyDir or persistent volumes instead of hostPath; never "
        "mount the runtime socket into an application. Node agents that need a host path "
        "should mount the narrowest path read-only and carry a suppression with a reason."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
    ),
    example_fail="volumes:\n- name: docker\n  hostPath:\n    path: /var/run/docker.sock",
    example_pass="volumes:\n- name: cache\n  emptyDir: {}",
)
def host_mounts(ctx: ScanContext) -> Iterator[Hit]:
    for w, svc in workloads(ctx):
        vols = as_seq(w.pod_spec.get("volumes"))
        for i, raw in enumerate(vols):
            vol = as_map(raw)
            host = as_map(vol.get("hostPath"))
            path = host.get("path")
            if not vol.get("hostPath") or not isinstance(path, str):
                continue
            name = str(vol.get("name") or i)
            users = _mounting(w, name)
            ro = bool(users) and all(r for _, r in users)
            found = classify(path)
            severity = (_severity(found[0], path, ro) if found else Severity.LOW)
            what = found[1] if found else "a host directory: the pod is tied to the node's files"
            who = ", ".join(f"{c}{' (read-only)' if r else ''}" for c, r in users) or "no container"
            yield Hit(f"{w.kind} {w.namespace}/{w.name} mounts hostPath {path} as volume {name} "
                      f"({what}); mounted by {who}", w.pod_at("volumes", i, "hostPath", "path"),
                      w.ref, svc, f"hostPath: {path}", key=f"volume/{name}", severity=severity)
    for cs, svc in compose_services(ctx):
        items = as_seq(cs.body.get("volumes"))
        for i, v in enumerate(cs.volumes):
            if v.type != "bind":
                continue
            item = items[i] if i < len(items) else None
            line = item.line_of("source") if isinstance(item, YMap) else v.line
            found = classify(v.source)
            if found is None:
                continue
            mode = " read-only" if v.read_only else ""
            yield Hit(f"compose service {cs.name} bind-mounts host path {v.source}{mode} at "
                      f"{v.target} ({found[1]})", Location(cs.path, line or v.line), cs.ref, svc,
                      f"{v.source}:{v.target}",
                      key=f"{cs.name}:{v.target}",
                      severity=_severity(found[0], v.source, v.read_only))
