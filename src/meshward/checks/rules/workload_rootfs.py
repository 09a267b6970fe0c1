"""MW106: writable root filesystem (Kubernetes readOnlyRootFilesystem, compose read_only)."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.workload_common import container_anchor, is_fragment, is_windows
from meshward.findings.finding import Severity


@rule(
    id="MW106",
    title="Root filesystem is writable",
    severity=Severity.LOW,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-732",
    rationale=(
        "A writable root filesystem lets an intruder drop tools, change binaries or persist "
        "in the container. A read-only root with explicit writable volumes (emptyDir, tmpfs) "
        "for the paths the service writes limits that. Compose override fragments (no image, "
        "no build) are skipped because the base file may set `read_only`."
    ),
    remediation=(
        "Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the "
        "service writes; in compose set `read_only: true` and use `tmpfs:` for scratch paths."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://docs.docker.com/reference/compose-file/services/#read_only",
    ),
    example_fail="securityContext:\n  readOnlyRootFilesystem: false",
    example_pass="securityContext:\n  readOnlyRootFilesystem: true",
)
def writable_root_filesystem(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if is_windows(w) or c.security_context.get("readOnlyRootFilesystem") is True:
            continue
        how = ("sets readOnlyRootFilesystem: false"
               if c.security_context.get("readOnlyRootFilesystem") is False
               else "does not set readOnlyRootFilesystem: true")
        yield Hit(f"{container_label(w, c)} {how}: its root filesystem is writable",
                  container_anchor(c, "readOnlyRootFilesystem"), w.ref, svc, how,
                  key=f"{c.role}/{c.name}")
    for cs, svc in compose_services(ctx):
        if cs.read_only or is_fragment(cs):
            continue
        where = cs.at("read_only") if "read_only" in cs.body else cs.location
        yield Hit(f"compose service {cs.name} does not set `read_only: true`: its root "
                  "filesystem is writable", where, cs.ref, svc, "no read_only", key=cs.name)
