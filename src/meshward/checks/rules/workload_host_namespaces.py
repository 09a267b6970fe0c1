"""MW107 host PID namespace; MW108 host IPC namespace (Kubernetes and compose).

``hostNetwork`` / ``network_mode: host`` is an exposure and lives in MW204.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, workloads
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity


def _host_namespace(ctx: ScanContext, pod_key: str, compose_key: str, what: str) -> Iterator[Hit]:
    for w, svc in workloads(ctx):
        if w.pod_spec.get(pod_key) is True:
            yield Hit(f"{w.kind} {w.namespace}/{w.name} sets {pod_key}: true: {what}",
                      w.pod_at(pod_key), w.ref, svc, f"{pod_key}: true", key=pod_key)
    for cs, svc in compose_services(ctx):
        value = cs.pid if compose_key == "pid" else cs.ipc
        if value == "host":
            yield Hit(f"compose service {cs.name} sets {compose_key}: host: {what}",
                      cs.at(compose_key), cs.ref, svc, f"{compose_key}: host", key=compose_key)


@rule(
    id="MW107",
    title="Container shares the host's process namespace",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "With the host PID namespace a container sees every process of the node, can read "
        "their environment and command lines (often secrets) and, as root or with SYS_PTRACE, "
        "signal or inject into them."
    ),
    remediation=(
        "Remove `hostPID: true` (compose: `pid: host`). Node agents that need it should run in "
        "a dedicated, locked-down namespace, with a suppression that says why."
    ),
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",),
    example_fail="spec:\n  hostPID: true",
    example_pass="spec:\n  hostPID: false",
)
def host_pid(ctx: ScanContext) -> Iterator[Hit]:
    yield from _host_namespace(ctx, "hostPID", "pid",
                               "it sees and can signal every process on the host")


@rule(
    id="MW108",
    title="Container shares the host's IPC namespace",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "With the host IPC namespace a container can read and write the shared memory and "
        "message queues of every process on the node."
    ),
    remediation="Remove `hostIPC: true` (compose: `ipc: host`).",
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",),
    example_fail="spec:\n  hostIPC: true",
    example_pass="spec:\n  hostIPC: false",
)
def host_ipc(ctx: ScanContext) -> Iterator[Hit]:
    yield from _host_namespace(ctx, "hostIPC", "ipc",
                               "it shares shared memory and IPC with every process on the host")
