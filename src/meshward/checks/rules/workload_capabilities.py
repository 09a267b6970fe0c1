"""MW102 dangerous capabilities added; MW103 capabilities not dropped (Kubernetes and compose)."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.workload_common import (
    added_caps,
    compose_lines,
    container_anchor,
    dropped_caps,
    is_fragment,
    is_privileged,
    is_windows,
    norm_cap,
)
from meshward.findings.finding import Severity
from meshward.model.source import Location

# Capability -> (severity, what it lets a compromised process do).
DANGEROUS_CAPS: dict[str, tuple[Severity, str]] = {
    "ALL": (Severity.CRITICAL, "every capability, as good as privileged"),
    "SYS_ADMIN": (Severity.CRITICAL, "mount filesystems and other known container escapes"),
    "SYS_MODULE": (Severity.CRITICAL, "load kernel modules: code in the host kernel"),
    "SYS_RAWIO": (Severity.CRITICAL, "raw I/O on host devices and memory"),
    "DAC_READ_SEARCH": (Severity.CRITICAL, "open host files by handle (the 'shocker' escape)"),
    "SYS_PTRACE": (Severity.HIGH, "trace and inject code into other processes"),
    "NET_ADMIN": (Severity.HIGH, "reconfigure interfaces, routes and firewall rules"),
    "BPF": (Severity.HIGH, "load eBPF programs into the kernel"),
    "PERFMON": (Severity.HIGH, "kernel performance monitoring, often paired with BPF"),
    "SYS_BOOT": (Severity.HIGH, "reboot the host or load a new kernel"),
    "SYS_TIME": (Severity.HIGH, "change the host clock"),
    "MAC_ADMIN": (Severity.HIGH, "change the mandatory access control policy"),
    "MAC_OVERRIDE": (Severity.HIGH, "bypass the mandatory access control policy"),
    "SYSLOG": (Severity.HIGH, "read kernel logs and addresses"),
    "NET_RAW": (Severity.MEDIUM, "craft raw packets: ARP/DNS spoofing of neighbours"),
    "LINUX_IMMUTABLE": (Severity.MEDIUM, "change immutable and append-only file flags"),
}


def _describe(found: list[tuple[str, int]]) -> tuple[str, Severity, int]:
    names = [f"{cap} ({DANGEROUS_CAPS[cap][1]})" for cap, _ in found]
    worst_cap, worst_line = max(found, key=lambda f: DANGEROUS_CAPS[f[0]][0].rank)
    return "; ".join(names), DANGEROUS_CAPS[worst_cap][0], worst_line


@rule(
    id="MW102",
    title="Dangerous Linux capability added",
    severity=Severity.HIGH,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "Capabilities such as SYS_ADMIN, SYS_MODULE, DAC_READ_SEARCH or ALL give a process in "
        "the container powers that lead straight to the node (known container escapes); "
        "SYS_PTRACE and NET_ADMIN let it attack neighbouring processes and traffic. The finding "
        "names every dangerous capability added; its severity is that of the worst one. A "
        "privileged container is reported by MW101 only."
    ),
    remediation=(
        "Remove the capability from `securityContext.capabilities.add` (compose: `cap_add`). If "
        "the workload truly needs one, drop ALL and add only that one, and record why in a "
        "suppression with a reason."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
    ),
    example_fail="securityContext:\n  capabilities:\n    add: [SYS_ADMIN]",
    example_pass="securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]",
)
def dangerous_capabilities(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if is_privileged(c):
            continue
        found = [(cap, line) for cap, line in added_caps(c) if cap in DANGEROUS_CAPS]
        if found:
            text, severity, line = _describe(found)
            yield Hit(f"{container_label(w, c)} adds {text}", Location(c.path, line), w.ref, svc,
                      "capabilities.add: " + ", ".join(cap for cap, _ in found),
                      key=f"{c.role}/{c.name}", severity=severity)
    for cs, svc in compose_services(ctx):
        if cs.privileged:
            continue
        lines = compose_lines(cs, "cap_add")
        found = [(norm_cap(cap), lines[i] if i < len(lines) else cs.line("cap_add"))
                 for i, cap in enumerate(cs.cap_add) if norm_cap(cap) in DANGEROUS_CAPS]
        if found:
            text, severity, line = _describe(found)
            yield Hit(f"compose service {cs.name} adds {text}", Location(cs.path, line), cs.ref,
                      svc, "cap_add: " + ", ".join(cap for cap, _ in found), key=cs.name,
                      severity=severity)


@rule(
    id="MW103",
    title="Capabilities not dropped (no drop ALL)",
    severity=Severity.LOW,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "Without `drop: [ALL]` a container keeps the runtime's default capability set "
        "(CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, ...): more power than most "
        "services use, and the raw material of many escalations. `drop: [all]` in lower case "
        "counts as ALL. Privileged containers are reported by MW101 only; compose override "
        "fragments (no image, no build) are skipped because the base file may drop them."
    ),
    remediation=(
        "Set `securityContext.capabilities.drop: [ALL]` on every container (compose: "
        "`cap_drop: [ALL]`) and add back only what the service needs, e.g. NET_BIND_SERVICE."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://docs.docker.com/reference/compose-file/services/#cap_drop",
    ),
    example_fail="securityContext:\n  runAsNonRoot: true",
    example_pass="securityContext:\n  capabilities:\n    drop: [ALL]",
)
def capabilities_not_dropped(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if is_privileged(c) or is_windows(w) or "ALL" in dropped_caps(c):
            continue
        caps = c.security_context.get("capabilities")
        where = (c.at("securityContext", "capabilities") if caps is not None
                 else container_anchor(c, "capabilities"))
        yield Hit(f"{container_label(w, c)} does not drop ALL capabilities: it keeps the "
                  "runtime's default set", where, w.ref, svc, "capabilities.drop lacks ALL",
                  key=f"{c.role}/{c.name}")
    for cs, svc in compose_services(ctx):
        if cs.privileged or is_fragment(cs) or "ALL" in {norm_cap(x) for x in cs.cap_drop}:
            continue
        where = cs.at("cap_drop") if "cap_drop" in cs.body else cs.location
        yield Hit(f"compose service {cs.name} does not drop ALL capabilities (no `cap_drop: "
                  "[ALL]`): it keeps Docker's default set", where, cs.ref, svc,
                  "cap_drop lacks ALL", key=cs.name)
