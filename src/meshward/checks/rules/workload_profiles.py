"""MW110 seccomp unconfined; MW111 AppArmor unconfined (fields, legacy annotations, compose)."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, workloads
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.workload_common import pod_security_context, security_opts
from meshward.findings.finding import Severity
from meshward.model.kubernetes import Workload
from meshward.model.source import Location, as_map, dig_line

SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _annotation_at(w: Workload, key: str) -> Location:
    return Location(w.obj.location.path,
                    dig_line(w.pod_metadata, "annotations", key) or w.obj.location.line)


def _profile(sc_holder: dict[str, object], field: str) -> str:
    return str(as_map(as_map(sc_holder).get(field)).get("type") or "")


def _unconfined(ctx: ScanContext, field: str, container_prefix: str, pod_annotation: str,
                what: str, compose_opt: str) -> Iterator[Hit]:
    """Each container whose effective profile is unconfined; one hit per level it was set at."""
    for w, svc in workloads(ctx):
        annotations = w.pod_annotations
        pod_sc = pod_security_context(w)
        pod_level: list[str] = []
        for c in w.containers:
            own = _profile(c.security_context, field)
            note = annotations.get(container_prefix + c.name, "")
            key = f"{c.role}/{c.name}"
            if own:
                if own == "Unconfined":
                    yield Hit(f"{container_label(w, c)} runs {what} unconfined "
                              f"({field}.type: Unconfined)", c.at("securityContext", field, "type"),
                              w.ref, svc, f"{field}.type: Unconfined", key=key)
                continue
            if note:
                if note == "unconfined":
                    yield Hit(f"{container_label(w, c)} runs {what} unconfined (annotation "
                              f"{container_prefix}{c.name}: unconfined)",
                              _annotation_at(w, container_prefix + c.name), w.ref, svc,
                              f"{container_prefix}{c.name}: unconfined", key=key)
                continue
            if _profile(pod_sc, field) == "Unconfined" or (
                    not _profile(pod_sc, field) and pod_annotation
                    and annotations.get(pod_annotation) == "unconfined"):
                pod_level.append(c.name)
        if pod_level:
            by_field = _profile(pod_sc, field) == "Unconfined"
            where = (w.pod_at("securityContext", field, "type") if by_field
                     else _annotation_at(w, pod_annotation))
            how = f"{field}.type: Unconfined" if by_field else f"{pod_annotation}: unconfined"
            yield Hit(f"{w.kind} {w.namespace}/{w.name} runs {what} unconfined for containers "
                      f"{', '.join(pod_level)} (pod-level {how})", where, w.ref, svc, how,
                      key="pod")
    for cs, svc in compose_services(ctx):
        for opt, value, line in security_opts(cs):
            if opt == compose_opt and value.lower() == "unconfined":
                yield Hit(f"compose service {cs.name} runs {what} unconfined "
                          f"(security_opt {opt}:{value})", Location(cs.path, line), cs.ref, svc,
                          f"{opt}:{value}", key=cs.name)


@rule(
    id="MW110",
    title="Seccomp profile unconfined",
    severity=Severity.MEDIUM,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "Seccomp filters the system calls a container may make; `Unconfined` removes the "
        "filter and with it the runtime default's protection against many kernel exploits. "
        "The container's setting wins over the pod's; the legacy "
        "`seccomp.security.alpha.kubernetes.io` annotations are read too. Only an explicit "
        "Unconfined is reported: an unset profile depends on the kubelet's --seccomp-default."
    ),
    remediation=(
        "Use `seccompProfile: {type: RuntimeDefault}` (or a Localhost profile) at pod level; "
        "in compose remove `seccomp:unconfined` from `security_opt`."
    ),
    references=(
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
        "https://docs.docker.com/engine/security/seccomp/",
    ),
    example_fail="securityContext:\n  seccompProfile:\n    type: Unconfined",
    example_pass="securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
)
def seccomp_unconfined(ctx: ScanContext) -> Iterator[Hit]:
    yield from _unconfined(ctx, "seccompProfile", SECCOMP_CONTAINER_ANNOTATION,
                           SECCOMP_POD_ANNOTATION, "without seccomp", "seccomp")


@rule(
    id="MW111",
    title="AppArmor profile unconfined",
    severity=Severity.MEDIUM,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes", "compose"),
    cwe="CWE-250",
    rationale=(
        "AppArmor confines what files and capabilities a container's processes may use; "
        "`unconfined` turns that off. Read from `securityContext.appArmorProfile` (container "
        "over pod) and the `container.apparmor.security.beta.kubernetes.io/<container>` "
        "annotation; compose `security_opt: [apparmor:unconfined]`."
    ),
    remediation=(
        "Use `appArmorProfile: {type: RuntimeDefault}` or a Localhost profile; remove "
        "`apparmor:unconfined` from compose `security_opt`."
    ),
    references=("https://kubernetes.io/docs/tutorials/security/apparmor/",),
    example_fail="securityContext:\n  appArmorProfile:\n    type: Unconfined",
    example_pass="securityContext:\n  appArmorProfile:\n    type: RuntimeDefault",
)
def apparmor_unconfined(ctx: ScanContext) -> Iterator[Hit]:
    yield from _unconfined(ctx, "appArmorProfile", APPARMOR_CONTAINER_ANNOTATION, "",
                           "without AppArmor", "apparmor")
