"""Vulnerability data found in the scanned tree, for ``meshward scan`` (computed once).

Reports and SBOMs are recognised by content among the tree's ``.json`` files; the OSV
export is ``osv:`` in the config (relative to the config file), and with it the tree's
lockfiles are matched too. Errors and notices join the scan's own.
"""

from __future__ import annotations

from pathlib import Path

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.loaders.walk import tree_files
from meshward.vuln.join import Collected, collect, find_lockfiles, read_document
from meshward.vuln.model import Document

_MARKERS = ('"SchemaVersion"', '"bomFormat"', '"spdxVersion"', '"matches"')


def _sniff(path: Path) -> bool:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.lstrip().startswith("{") and any(m in head for m in _MARKERS)


def _documents(ctx: ScanContext, out: Collected) -> list[Document]:
    docs: list[Document] = []
    for raw in ctx.inventory.roots or [ctx.inventory.root]:
        root = Path(raw)
        base = root if root.is_dir() else root.parent
        for path in tree_files(ctx.inventory, root, ctx.config.exclude):
            if path.suffix.lower() != ".json" or not _sniff(path):
                continue
            try:
                shown = path.relative_to(base).as_posix()
            except ValueError:
                shown = path.as_posix()
            doc = read_document(path, shown, out.errors, in_tree=True)
            if doc is not None:
                docs.append(doc)
    return docs


def _osv_dir(ctx: ScanContext) -> Path | None:
    value = ctx.config.raw.get("osv")
    if not isinstance(value, str) or not value.strip():
        return None
    path = Path(value)
    if not path.is_absolute() and ctx.config.path:
        path = Path(ctx.config.path).parent / path
    return path


def _compute(ctx: ScanContext) -> Collected:
    out = Collected()
    docs = _documents(ctx, out)
    osv_dir = _osv_dir(ctx)
    lockfiles = []
    if osv_dir is not None:
        roots = [Path(r) for r in (ctx.inventory.roots or [ctx.inventory.root])]
        lockfiles = find_lockfiles(roots, out.errors, ctx.config.exclude, walk_errors=False)
    collect(ctx.inventory, docs, osv_dir=osv_dir, lockfiles=lockfiles, out=out)
    ctx.inventory.errors.extend(out.errors)
    for n in out.notices:
        ctx.notice(n)
    return out


def collected_for(ctx: ScanContext) -> Collected:
    return once(ctx.inventory, "vuln-collected", lambda: _compute(ctx))
