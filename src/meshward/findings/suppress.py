"""Suppressions: inline comments, Kubernetes annotations, config ignores, baselines.

A suppressed finding is kept (reporters may show it) with ``suppressed_by`` set;
an expired config ignore stops hiding and says so in a notice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from meshward.config import Config
from meshward.errors import InputError
from meshward.findings.finding import Finding

IGNORE_ANNOTATION = "meshward.io/ignore"
_COMMENT = re.compile(r"meshward:(?:ignore|allow)\b[ \t]*(?P<ids>[A-Za-z0-9_*,\- \t]*)")
_ID = re.compile(r"^(?:MW[A-Z]?\d+|\*)$", re.IGNORECASE)


def ids_in(text: str) -> set[str]:
    """Rule ids listed in an annotation or comment; empty set means every rule."""
    return {t.upper() for t in re.split(r"[\s,]+", text.strip()) if _ID.match(t)}


@dataclass
class Suppressor:
    config: Config
    root: Path
    today: dt.date
    annotations: dict[str, str] = field(default_factory=dict)  # str(ResourceRef) -> value
    notices: list[str] = field(default_factory=list)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def _shown(self, path: str) -> str:
        """A config file's path as the report shows it: relative to the scanned folder, so
        reports (and baselines of them) do not depend on where the tree is checked out."""
        try:
            return os.path.relpath(Path(path).resolve(), self.root.resolve())
        except ValueError:  # another drive
            return path

    def _file_lines(self, path: str) -> list[str]:
        if path not in self._lines:
            full = Path(path) if Path(path).is_absolute() else self.root / path
            try:
                self._lines[path] = full.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def _inline(self, f: Finding) -> str:
        line = f.location.line
        if not line:
            return ""
        lines = self._file_lines(f.location.path)
        # The finding's own line, or a comment line just above it.
        candidates = [line - 1]
        if 2 <= line <= len(lines) + 1 and lines[line - 2].lstrip().startswith("#"):
            candidates.append(line - 2)
        for idx in candidates:
            if 0 <= idx < len(lines) and "meshward:" in lines[idx]:
                m = _COMMENT.search(lines[idx])
                if m:
                    ids = ids_in(m.group("ids"))
                    if not ids or f.rule_id.upper() in ids or "*" in ids:
                        return f"comment at {f.location.path}:{idx + 1}"
        return ""

    def _annotation(self, f: Finding) -> str:
        if f.resource is None:
            return ""
        value = self.annotations.get(str(f.resource))
        if value is None:
            return ""
        ids = ids_in(value)
        if not ids or f.rule_id.upper() in ids or "*" in ids:
            return f"annotation {IGNORE_ANNOTATION} on {f.resource}"
        return ""

    def _config(self, f: Finding) -> str:
        resource = str(f.resource) if f.resource else ""
        for ig in self.config.ignores:
            if not ig.matches(f.rule_id, f.location.path, resource, f.service or ""):
                continue
            if ig.expired(self.today):
                note = (f"{self._shown(ig.source)}:{ig.line}: ignore of {ig.rule} expired on {ig.expires} "
                        f"and no longer hides findings (reason was: {ig.reason})")
                if note not in self.notices:
                    self.notices.append(note)
                continue
            return f"config {self._shown(ig.source)}:{ig.line} ({ig.reason})"
        return ""

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        out: list[Finding] = []
        for f in findings:
            if f.rule_id.upper() in self.config.disabled_rules:
                continue
            by = self._inline(f) or self._annotation(f) or self._config(f)
            out.append(replace(f, suppressed_by=by) if by else f)
        return out


BASELINE_VERSION = 1


def write_baseline(findings: Iterable[Finding]) -> str:
    entries = sorted(
        ({"fingerprint": f.fingerprint, "rule": f.rule_id, "path": f.location.path,
          "resource": str(f.resource) if f.resource else ""} for f in findings),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]),
    )
    return json.dumps({"meshward_baseline": BASELINE_VERSION, "findings": entries}, indent=2) + "\n"


def read_baseline(path: Path) -> tuple[set[str], list[InputError]]:
    """Fingerprints held by a baseline file, or an input error saying what is wrong."""
    shown = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return set(), [InputError(shown, 0, f"cannot read baseline: {exc.strerror}",
                                  "write one with `meshward baseline PATH -o FILE`")]
    except json.JSONDecodeError as exc:
        return set(), [InputError(shown, exc.lineno, f"baseline is not JSON: {exc.msg}")]
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return set(), [InputError(shown, 1, "not a meshward baseline (no `findings` list)")]
    prints = {str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict)}
    return prints, []


def apply_baseline(findings: Iterable[Finding], prints: set[str]) -> list[Finding]:
    return [replace(f, suppressed_by="baseline") if f.fingerprint in prints and not f.suppressed_by
            else f for f in findings]
