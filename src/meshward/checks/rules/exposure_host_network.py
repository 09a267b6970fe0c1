"""MW204: pods on the node's network (hostNetwork) and compose services on the host's."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, workloads
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity


@rule(
    id="MW204",
    title="Workload uses the host's network",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-PORTS", "AUTH-LEASTPRIV"),
    targets=("kubernetes", "compose"),
    cwe="CWE-668",
    rationale=(
        "A pod with `hostNetwork: true` (compose: `network_mode: host`) shares the node's "
        "network stack: every port it listens on is open on the node's addresses, it can reach "
        "services bound to the node's loopback and sniff or spoof node traffic, and most "
        "NetworkPolicy implementations do not apply to it."
    ),
    remediation=(
        "Remove `hostNetwork: true` / `network_mode: host`; publish the one port needed through "
        "a Service (or compose `ports:` bound to 127.0.0.1) instead."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://docs.docker.com/engine/network/drivers/host/",
    ),
    example_fail="spec:\n  hostNetwork: true",
    example_pass="spec:\n  hostNetwork: false",
)
def host_network(ctx: ScanContext) -> Iterator[Hit]:
    for w, svc in workloads(ctx):
        if w.pod_spec.get("hostNetwork") is not True:
            continue
        ports = sorted({p.port for c in w.containers for p in c.ports})
        listed = f"declared ports {', '.join(map(str, ports))}" if ports else "no declared port"
        yield Hit(f"{w.kind} {w.namespace}/{w.name} sets hostNetwork: true: every port it "
                  f"listens on ({listed}) is on the node's addresses, reachable by anyone who "
                  "can reach the node, and NetworkPolicies usually do not apply", w.pod_at("hostNetwork"), w.ref, svc,
                  "hostNetwork: true", key="hostNetwork")
    for cs, svc in compose_services(ctx):
        if cs.network_mode != "host":
            continue
        ports = sorted({p.target for p in cs.ports if p.target} | set(cs.expose))
        listed = f"declared ports {', '.join(map(str, ports))}" if ports else "no declared port"
        yield Hit(f"compose service {cs.name} sets network_mode: host: every port it listens "
                  f"on ({listed}) is on the host's addresses, reachable by anyone who can "
                  "reach the host",
                  cs.at("network_mode"), cs.ref, svc, "network_mode: host", key="network_mode")
