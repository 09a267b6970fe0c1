"""MW101: privileged containers, in Kubernetes and in compose."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity


@rule(
    id="MW101",
    title="Container runs privileged",
    severity=Severity.CRITICAL,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "A privileged container has every capability and all host devices: a process that "
        "escapes or is compromised owns the node and every other workload on it."
    ),
    remediation=(
        "Remove `securityContext.privileged: true` (compose: `privileged: true`). Grant the one "
        "capability the workload needs with `capabilities.add` instead, after dropping ALL."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://docs.docker.com/reference/compose-file/services/#privileged",
    ),
    example_fail="securityContext:\n  privileged: true",
    example_pass="securityContext:\n  privileged: false\n  capabilities:\n    drop: [ALL]",
)
def privileged(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if c.security_context.get("privileged") is True:
            yield Hit(f"{container_label(w, c)} runs privileged", c.at("securityContext", "privileged"),
                      w.ref, svc, "securityContext.privileged: true", key=f"{c.role}/{c.name}")
    for cs, svc in compose_services(ctx):
        if cs.privileged:
            yield Hit(f"compose service {cs.name} runs privileged", cs.at("privileged"), cs.ref, svc,
                      "privileged: true", key=cs.name)
