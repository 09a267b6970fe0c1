"""MW207: well-known admin or debug ports reachable from outside the cluster or host."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.ports import ADMIN_PORTS
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.exposure_common import exposed_ports
from meshward.findings.finding import Severity

# Ports that hand out code execution or the host itself: a debugger, the Docker API.
CRITICAL_PORTS = frozenset({2375, 2345, 5005, 5858, 9229})
MEDIUM_PORTS = frozenset({9090, 9093, 9100, 10255, 15672})


@rule(
    id="MW207",
    title="Admin or debug port exposed",
    severity=Severity.HIGH,
    practices=("ENV-PORTS",),
    targets=("kubernetes", "compose"),
    cwe="CWE-489",
    rationale=(
        "Admin and debug surfaces (SSH, the Docker API, debuggers, pprof, JMX, Jolokia, "
        "kubelet, Envoy admin, metrics) are not part of a service's API and are rarely "
        "authenticated; a debugger or the Docker API is remote code execution. Recognised by "
        "well-known port number or by a port name such as `metrics`, `debug`, `admin`, "
        "`actuator`, exposed through a NodePort/LoadBalancer/externalIPs Service, a hostPort, "
        "a hostNetwork pod or a compose port published on a non-loopback address."
    ),
    remediation=(
        "Keep admin and debug ports on ClusterIP Services or loopback bindings; let the "
        "monitoring system scrape metrics from inside the cluster; remove debuggers from "
        "deployed images."
    ),
    references=(
        "https://docs.docker.com/engine/security/protect-access/",
        "https://kubernetes.io/docs/concepts/services-networking/service/",
    ),
    example_fail="ports:\n  - \"5005:5005\"",
    example_pass="ports:\n  - \"127.0.0.1:5005:5005\"",
)
def admin_ports(ctx: ScanContext) -> Iterator[Hit]:
    for e in exposed_ports(ctx):
        if e.category != "admin":
            continue
        severity = (Severity.CRITICAL if e.port in CRITICAL_PORTS
                    else None if e.port in ADMIN_PORTS and e.port not in MEDIUM_PORTS
                    else Severity.MEDIUM)  # well-known metrics/UI ports, or matched by name
        yield Hit(f"{e.subject} exposes {e.admin} (port {e.port}, {e.outside}): reachable by "
                  f"{e.who}", e.location, e.resource, e.service, f"{e.admin} on {e.outside}",
                  key=e.key, severity=severity)
