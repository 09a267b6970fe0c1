"""MW104: privilege escalation allowed (allowPrivilegeEscalation; compose no-new-privileges)."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.workload_common import (
    added_caps,
    container_anchor,
    is_fragment,
    is_privileged,
    is_windows,
    security_opts,
)
from meshward.findings.finding import Severity
from meshward.model.source import Location


@rule(
    id="MW104",
    title="Privilege escalation allowed",
    severity=Severity.MEDIUM,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-269",
    rationale=(
        "Unless `allowPrivilegeEscalation` is explicitly false, a process in the container can "
        "gain more privileges than its parent (setuid binaries, file capabilities): the "
        "setting is implicitly true when absent, and always true for a privileged container "
        "or one with CAP_SYS_ADMIN, whatever it says. Docker's equivalent is the "
        "`no-new-privileges` security option, off by default. Privileged containers are "
        "reported by MW101 only."
    ),
    remediation=(
        "Set `securityContext.allowPrivilegeEscalation: false` on every container and do not add "
        "SYS_ADMIN; in compose add `security_opt: [\"no-new-privileges:true\"]`."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
    ),
    example_fail="securityContext:\n  runAsNonRoot: true",
    example_pass="securityContext:\n  allowPrivilegeEscalation: false",
)
def privilege_escalation(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if is_privileged(c) or is_windows(w):
            continue
        value = c.security_context.get("allowPrivilegeEscalation")
        where = container_anchor(c, "allowPrivilegeEscalation")
        key = f"{c.role}/{c.name}"
        if value is False:
            sys_admin = [cap for cap, _ in added_caps(c) if cap in ("SYS_ADMIN", "ALL")]
            if sys_admin:
                yield Hit(f"{container_label(w, c)} sets allowPrivilegeEscalation: false but adds "
                          f"{sys_admin[0]}, which makes escalation always possible (the API "
                          "server rejects this combination)", where, w.ref, svc,
                          f"allowPrivilegeEscalation: false with {sys_admin[0]}", key=key)
            continue
        how = "sets allowPrivilegeEscalation: true" if value is True else (
            "does not set allowPrivilegeEscalation: false (it defaults to true)")
        yield Hit(f"{container_label(w, c)} {how}: setuid binaries can gain privileges", where,
                  w.ref, svc, f"allowPrivilegeEscalation: {value!r}", key=key)
    for cs, svc in compose_services(ctx):
        if cs.privileged:
            continue
        opts = [(v, line) for opt, v, line in security_opts(cs) if opt == "no-new-privileges"]
        if opts and opts[-1][0].lower() in ("true", "1", ""):
            continue
        if not opts and is_fragment(cs):
            continue
        if opts:
            yield Hit(f"compose service {cs.name} sets no-new-privileges:{opts[-1][0]}: setuid "
                      "binaries can gain privileges", Location(cs.path, opts[-1][1]), cs.ref, svc,
                      f"no-new-privileges:{opts[-1][0]}", key=cs.name)
        else:
            where = cs.at("security_opt") if "security_opt" in cs.body else cs.location
            yield Hit(f"compose service {cs.name} does not set `security_opt: "
                      "[no-new-privileges:true]`: setuid binaries can gain privileges", where,
                      cs.ref, svc, "no no-new-privileges", key=cs.name)
