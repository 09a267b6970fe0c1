"""MW105: container runs as root (Kubernetes runAsUser/runAsNonRoot, compose user)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.workload_common import effective, is_fragment, is_windows
from meshward.findings.finding import Confidence, Severity
from meshward.model.compose import ComposeService
from meshward.model.dockerfile import Dockerfile


def is_root_user(user: str) -> bool:
    """``root``, ``0``, ``root:staff``, ``0:0`` -> True (the user part decides)."""
    return user.strip().split(":", 1)[0].strip() in ("root", "0")


def _dockerfile_user(ctx: ScanContext, cs: ComposeService) -> tuple[Dockerfile, str] | None:
    """The Dockerfile a compose service builds, when scanned, and its final stage's last USER."""
    if not cs.build_context:
        return None
    base = os.path.dirname(cs.path)
    wanted = os.path.normpath(os.path.join(base, cs.build_context, cs.dockerfile or "Dockerfile"))
    for df in ctx.inventory.dockerfiles:
        if os.path.normpath(df.path) == wanted:
            stage = df.final_stage
            users = ([i.value.strip() for i in stage.instructions if i.keyword == "USER"]
                     if stage else [])
            return df, users[-1] if users else ""
    return None


@rule(
    id="MW105",
    title="Container runs as root",
    severity=Severity.MEDIUM,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "A process running as UID 0 owns every file in the container, and many escapes need "
        "root inside the container first. Kubernetes: the container's runAsUser/runAsNonRoot "
        "override the pod's; UID 0 is reported with high confidence, neither setting at any "
        "level with medium confidence (the image's USER then decides). Compose: `user: root` or "
        "`0` is high confidence; no `user` is low confidence unless the service builds a "
        "scanned Dockerfile whose final stage sets a non-root USER (then nothing is reported)."
    ),
    remediation=(
        "Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod securityContext (or the "
        "container's); in compose set `user: \"10001:10001\"` or a USER in the image."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://docs.docker.com/reference/compose-file/services/#user",
    ),
    example_fail="securityContext:\n  runAsUser: 0",
    example_pass="securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001",
)
def runs_as_root(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        if is_windows(w):
            continue
        user = effective(w, c, "runAsUser")
        non_root = effective(w, c, "runAsNonRoot")
        key = f"{c.role}/{c.name}"
        if non_root.value is True:
            continue  # a UID 0 image is refused by the kubelet
        if user.value == 0 and not isinstance(user.value, bool):
            yield Hit(f"{container_label(w, c)} runs as root (runAsUser: 0 at {user.level} level)",
                      user.location, w.ref, svc, "runAsUser: 0", key=key, severity=Severity.HIGH)
        elif user.value is None:
            why = ("runAsNonRoot: false" if non_root.value is False
                   else "neither runAsNonRoot: true nor a runAsUser")
            yield Hit(f"{container_label(w, c)} may run as root: {why} is set, so the image's "
                      "USER decides", non_root.location if non_root.level != "unset"
                      else user.location, w.ref, svc, why, key=key, confidence=Confidence.MEDIUM)
    for cs, svc in compose_services(ctx):
        if cs.user:
            if is_root_user(cs.user):
                yield Hit(f"compose service {cs.name} runs as root (user: {cs.user})",
                          cs.at("user"), cs.ref, svc, f"user: {cs.user}", key=cs.name,
                          severity=Severity.HIGH)
            continue
        if is_fragment(cs):
            continue
        built = _dockerfile_user(ctx, cs)
        if built is None:
            yield Hit(f"compose service {cs.name} sets no `user`: it runs as root unless its "
                      f"image {cs.image or '(built)'} sets a non-root USER", cs.location, cs.ref,
                      svc, "no user", key=cs.name, severity=Severity.LOW,
                      confidence=Confidence.LOW)
            continue
        df, df_user = built
        if df_user and not is_root_user(df_user):
            continue
        detail = f"ends with USER {df_user}" if df_user else "sets no USER in its final stage"
        yield Hit(f"compose service {cs.name} sets no `user` and its Dockerfile {df.path} "
                  f"{detail}: it runs as root", cs.location, cs.ref, svc, "no user", key=cs.name,
                  confidence=Confidence.HIGH if df_user else Confidence.MEDIUM)
