"""Helpers for detectors reading Kubernetes audit events."""

from __future__ import annotations

from meshward.watch.event import LogEvent

CONTROL_PLANE = ("system:node:", "system:kube-controller-manager", "system:kube-scheduler",
                 "system:apiserver", "system:serviceaccount:kube-system:", "system:kube-proxy")


def completed(ev: LogEvent) -> bool:
    """One event per request: the stage that carries the answer (long-running requests such
    as exec log ResponseStarted, others ResponseComplete)."""
    return ev.stage in ("ResponseComplete", "ResponseStarted", "")


def allowed(ev: LogEvent) -> bool:
    """The request went through: 2xx/3xx, or 101 Switching Protocols, which is how a
    successful exec, attach or port-forward (an upgraded SPDY/WebSocket stream) is logged."""
    return ev.status == 0 or 100 <= ev.status < 400


def control_plane(user: str) -> bool:
    return user.startswith(CONTROL_PLANE)
