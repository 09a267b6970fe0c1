"""Helpers the workload (AUTH-LEASTPRIV) rules share: effective security settings and anchors.

Kubernetes: some settings exist at pod level (``spec.securityContext``) and container
level; the container's value wins when set. Compose: a service with neither ``image`` nor
``build`` is an override fragment merged onto another file's service, so rules that flag
a *missing* setting skip it (the setting may be in the base file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshward.model.compose import ComposeService
from meshward.model.kubernetes import Container, Workload
from meshward.model.source import Location, YMap, as_map, as_seq

# Settings a container's securityContext overrides from the pod's.
POD_INHERITED = frozenset(
    {"runAsUser", "runAsNonRoot", "runAsGroup", "seccompProfile", "appArmorProfile",
     "seLinuxOptions", "windowsOptions"}
)


@dataclass(frozen=True)
class Effective:
    """A security setting as it applies to one container, and where it was written."""

    value: Any
    level: str  # container | pod | unset
    location: Location


def pod_security_context(w: Workload) -> YMap:
    return as_map(w.pod_spec.get("securityContext"))


def container_anchor(c: Container, key: str = "") -> Location:
    """Where to report a container-level setting: the key, its securityContext, or the name."""
    if key and key in c.security_context:
        return c.at("securityContext", key)
    if "securityContext" in c.body:
        return c.at("securityContext")
    return c.at("name") if "name" in c.body else Location(c.path, c.body.line)


def effective(w: Workload, c: Container, key: str) -> Effective:
    """The value of ``key`` for container ``c``: its own securityContext, else the pod's."""
    if key in c.security_context and c.security_context.get(key) is not None:
        return Effective(c.security_context.get(key), "container", c.at("securityContext", key))
    pod_sc = pod_security_context(w)
    if key in POD_INHERITED and pod_sc.get(key) is not None:
        return Effective(pod_sc.get(key), "pod", w.pod_at("securityContext", key))
    return Effective(None, "unset", container_anchor(c))


def norm_cap(name: object) -> str:
    """``cap_sys_admin`` / ``SYS_ADMIN`` / ``all`` -> ``SYS_ADMIN`` / ``ALL``."""
    text = str(name).strip().upper()
    return text.removeprefix("CAP_")


def added_caps(c: Container) -> list[tuple[str, int]]:
    """Capabilities in ``securityContext.capabilities.add`` with their lines."""
    caps = as_map(c.security_context.get("capabilities"))
    seq = as_seq(caps.get("add"))
    line = c.line("securityContext", "capabilities", "add")
    return [(norm_cap(v), seq.line_at(i) or line) for i, v in enumerate(seq) if v is not None]


def dropped_caps(c: Container) -> set[str]:
    caps = as_map(c.security_context.get("capabilities"))
    return {norm_cap(v) for v in as_seq(caps.get("drop")) if v is not None}


def is_privileged(c: Container) -> bool:
    return c.security_context.get("privileged") is True


def is_fragment(cs: ComposeService) -> bool:
    """An override fragment (no image, no build): merged onto a service defined elsewhere."""
    return not cs.image and not cs.build_context


def compose_lines(cs: ComposeService, key: str) -> list[int]:
    """The line of each item of a compose list setting (``security_opt``, ``cap_add``...)."""
    seq = as_seq(cs.body.get(key))
    return [seq.line_at(i) or cs.line(key) for i in range(len(seq))]


def security_opts(cs: ComposeService) -> list[tuple[str, str, int]]:
    """``security_opt`` entries as (option, value, line): ``seccomp:unconfined`` ->
    (``seccomp``, ``unconfined``); a bare ``no-new-privileges`` means ``true``."""
    out: list[tuple[str, str, int]] = []
    seq = as_seq(cs.body.get("security_opt"))
    for i, raw in enumerate(seq):
        text = str(raw).strip()
        sep = min((p for p in (text.find(":"), text.find("=")) if p >= 0), default=-1)
        opt, value = (text[:sep], text[sep + 1:]) if sep >= 0 else (text, "true")
        out.append((opt.strip().lower(), value.strip(), seq.line_at(i) or cs.line("security_opt")))
    return out


def is_windows(w: Workload) -> bool:
    """Windows pods have no Linux capabilities, UIDs or read-only root filesystems."""
    os_name = as_map(w.pod_spec.get("os")).get("name")
    node_os = as_map(w.pod_spec.get("nodeSelector")).get("kubernetes.io/os")
    return os_name == "windows" or node_os == "windows"
