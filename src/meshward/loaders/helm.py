"""Helm charts: rendered with ``helm template`` when helm is installed.

Each rendered object points at its template file (helm writes ``# Source: chart/templates/x.yaml``
before every document), on the line of its ``kind:`` in that template when it can be found.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from meshward.errors import InputError
from meshward.loaders import kubernetes
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.model.source import Location, set_line

RENDER_TIMEOUT_S = 120
_SOURCE = re.compile(r"^# Source: (?P<path>\S+)\s*$", re.MULTILINE)


def helm_available() -> bool:
    return shutil.which("helm") is not None


def render_chart(chart: Path, shown_chart: str) -> LoadResult:
    out = LoadResult()
    try:
        proc = subprocess.run(["helm", "template", "meshward", str(chart)], capture_output=True,
                              text=True, timeout=RENDER_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        out.errors.append(InputError(f"{shown_chart}/Chart.yaml", 0, f"helm template failed: {exc}"))
        return out
    if proc.returncode != 0:
        first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "unknown error")
        out.errors.append(InputError(f"{shown_chart}/Chart.yaml", 0,
                                     f"helm template failed: {first[:300]}",
                                     "fix the chart or its values; its templates were not read"))
        return out
    pieces = _SOURCE.split(proc.stdout)
    # split() gives [preamble, path1, text1, path2, text2, ...]
    for i in range(1, len(pieces) - 1, 2):
        template_rel = pieces[i].split("/", 1)[1] if "/" in pieces[i] else pieces[i]
        shown = f"{shown_chart}/{template_rel}" if shown_chart not in ("", ".") else template_rel
        src = SourceFile(shown, pieces[i + 1])
        docs, error = kubernetes.parse_documents(src)
        if error is not None:
            out.errors.append(InputError(shown, 0, f"rendered template does not parse: {error.message}"))
        loaded = kubernetes.load_documents(src, docs, origin="helm", origin_dir=shown_chart)
        template_text = _read(chart / template_rel)
        for obj in loaded.objects:
            # Lines of a rendered body mean nothing in the template: point at the object.
            obj.location = Location(shown, _kind_line(template_text, obj.kind))
            set_line(obj.body, obj.location.line)
        out.extend(loaded)
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _kind_line(text: str, kind: str) -> int:
    m = re.search(rf"^kind:\s*{re.escape(kind)}\s*$", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1
