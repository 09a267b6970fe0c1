"""CRI container logs, as containerd and CRI-O write ``/var/log/containers/*.log``::

    2026-12-01T10:00:00.410123456Z stdout F <the line the container wrote>

``F`` marks a full line, ``P`` a part of a longer one (each part is read on its own). The
logged line is parsed again as any format; the file name gives pod, namespace, container.
"""

from __future__ import annotations

NAME = "cri"


def sniff(line: str) -> bool:
    return len(line) > 33 and line[4] == "-" and line[10] == "T" and (
        " stdout " in line[20:45] or " stderr " in line[20:45])


def split(line: str) -> tuple[str, str] | None:
    """(time, logged line) of a CRI line, or None when it is not one."""
    parts = line.split(" ", 3)
    if len(parts) < 3 or parts[1] not in ("stdout", "stderr") or parts[2] not in ("F", "P"):
        return None
    return parts[0], parts[3] if len(parts) == 4 else ""
