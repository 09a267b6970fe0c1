"""Docker ``json-file`` container logs: ``{"log": "...\\n", "stream": "stdout", "time": ...}``.

The ``log`` value is itself a line of some format (an nginx access line, JSON...): the
recogniser parses it again, and the container is taken from the file's name when
Kubernetes wrote it as ``/var/log/containers/POD_NAMESPACE_CONTAINER-ID.log``.
"""

from __future__ import annotations

from typing import Any

NAME = "docker-json"


def matches(doc: dict[str, Any]) -> bool:
    return isinstance(doc.get("log"), str) and "stream" in doc and "time" in doc


def inner(doc: dict[str, Any]) -> tuple[str, str]:
    """The logged line (without its newline) and its time."""
    log = str(doc.get("log", ""))
    time = doc.get("time")
    return log.rstrip("\r\n"), time if isinstance(time, str) else ""


COMPOSE_LABEL = "com.docker.compose.service"


def compose_service(doc: dict[str, Any]) -> str:
    """The compose service of a line logged with ``--log-opt labels=com.docker.compose.service``
    (Docker writes the label under ``attrs``)."""
    attrs = doc.get("attrs")
    name = attrs.get(COMPOSE_LABEL) if isinstance(attrs, dict) else None
    return name if isinstance(name, str) else ""


def container_of(path: str) -> tuple[str, str, str]:
    """(pod, namespace, container) from a kubelet ``/var/log/containers`` file name."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".log") and name.count("_") == 2:
        pod, ns, rest = name[:-4].split("_")
        container = rest.rsplit("-", 1)[0] if "-" in rest else rest
        return pod, ns, container
    return "", "", ""
