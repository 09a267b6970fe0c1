"""``--dry-run``: what writing the generated objects would change, as a unified diff.

A new object is a diff from ``/dev/null`` to the file it would be written to. An object
the tree already has under the same kind, namespace and name is kept; when its content
differs from the proposal, the diff goes from the tree's object to the proposal (the
command never overwrites it: apply the change by hand if you agree). Objects built from
low-confidence evidence go to ``to-confirm.yaml``, as they would be written.
"""

from __future__ import annotations

import difflib

from meshward.generate.model import Generated, Manifest, render_manifest, render_stream, to_yaml

TO_CONFIRM = "to-confirm.yaml"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _diff(old: str, new: str, a: str, b: str) -> str:
    return "".join(difflib.unified_diff(_lines(old), _lines(new), a, b))


def files(gen: Generated) -> dict[str, str]:
    """The files the generated objects would be written to, with their content."""
    out: dict[str, list[Manifest]] = {}
    for m in gen.active:
        out.setdefault(m.file, []).append(m)
    result = {f: render_stream(ms) for f, ms in sorted(out.items())}
    if gen.pending:
        result[TO_CONFIRM] = (
            "# Built from low-confidence evidence: check each object, then apply this file.\n"
            + render_stream(gen.pending, pending_commented=False))
    return result


def dry_run(gen: Generated, current: dict[str, str] | None = None) -> str:
    """The unified diff for every file that would be written or changed; empty when none.

    ``current`` holds the files already in the output folder (by relative name).
    """
    current = current or {}
    parts = []
    for name, text in files(gen).items():
        old = current.get(name)
        parts.append(_diff(old or "", text, f"a/{name}" if old is not None else "/dev/null",
                           f"b/{name}"))
    for path, body, m in gen.conflicts:
        parts.append(f"# {m.label} is kept as it is in {path}; meshward proposes:\n")
        parts.append(_diff(to_yaml(body), render_manifest(m), f"a/{path} ({m.label})",
                           f"b/{m.file}"))
    return "".join(parts)
