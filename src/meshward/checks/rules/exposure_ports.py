"""MW203 hostPort; MW205 compose port published on all host interfaces.

Ports that are a datastore (MW206) or an admin/debug surface (MW207) are reported by
those rules instead, so no port is reported twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.exposure_common import exposed_ports
from meshward.findings.finding import Severity


@rule(
    id="MW203",
    title="Container port bound to the node with hostPort",
    severity=Severity.MEDIUM,
    practices=("ENV-PORTS",),
    targets=("kubernetes",),
    cwe="CWE-668",
    rationale=(
        "A `hostPort` opens the port on the node's own addresses, outside Services, load "
        "balancers and often NetworkPolicies: anyone who can reach the node can reach the "
        "container. A hostIP of 127.0.0.1 is not reported; ports of hostNetwork pods are "
        "covered by MW204; datastore and admin ports by MW206 and MW207."
    ),
    remediation=(
        "Remove `hostPort` and reach the container through a ClusterIP Service (and the gateway "
        "for external clients)."
    ),
    references=("https://kubernetes.io/docs/concepts/configuration/overview/#services",),
    example_fail="ports:\n- containerPort: 8080\n  hostPort: 8080",
    example_pass="ports:\n- containerPort: 8080",
)
def host_port(ctx: ScanContext) -> Iterator[Hit]:
    for e in exposed_ports(ctx):
        if e.via == "hostPort" and e.category == "other":
            yield Hit(f"{e.subject} binds container port {e.port} to {e.outside}: reachable by "
                      f"{e.who}", e.location, e.resource, e.service, f"hostPort for {e.port}",
                      key=e.key)


@rule(
    id="MW205",
    title="Compose port published on all host interfaces",
    severity=Severity.LOW,
    practices=("ENV-PORTS",),
    targets=("compose",),
    cwe="CWE-668",
    rationale=(
        "`ports: [\"8080:80\"]` binds to every interface of the Docker host (an entry without "
        "a host port too, on a random port), and Docker's iptables rules bypass host "
        "firewalls such as ufw: the port is reachable by anyone who can reach the host. A "
        "`127.0.0.1:` binding is not reported; datastore and admin ports are reported by MW206 "
        "and MW207 at higher severity."
    ),
    remediation=(
        "Publish only the entry point, behind the gateway; bind everything else to loopback "
        "(`127.0.0.1:8080:80`) or drop `ports:` and let services talk over the compose network."
    ),
    references=("https://docs.docker.com/engine/network/packet-filtering-firewalls/",),
    example_fail="ports:\n  - \"8080:80\"",
    example_pass="ports:\n  - \"127.0.0.1:8080:80\"",
)
def compose_published(ctx: ScanContext) -> Iterator[Hit]:
    for e in exposed_ports(ctx):
        if e.via == "compose" and e.category == "other" and _all_interfaces(e.outside):
            yield Hit(f"{e.subject} publishes {e.outside}: reachable by {e.who}", e.location,
                      e.resource, e.service, e.outside, key=e.key)


def _all_interfaces(outside: str) -> bool:
    return outside.endswith(" on all host interfaces")

