"""``meshward access PATH``: the access inventory (who may do what, where, granted by what)."""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import config_for
from meshward.errors import UsageError
from meshward.pipeline import build_context
from meshward.zerotrust.rbac import CLUSTER, AccessRow, access_inventory, resolve

COLUMNS = ("SUBJECT", "PERMISSION", "SCOPE", "ROLE", "GRANTED BY", "EXPIRES", "OWNER")


def register(sub: Any) -> None:
    p = sub.add_parser("access", help="list who may do what in the cluster (RBAC inventory)",
                       description="Resolve every RoleBinding and ClusterRoleBinding under PATH "
                                   "(aggregated and built-in roles included) into one row per "
                                   "subject and permission, for periodic access reviews.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-f", "--format", default="table", choices=("table", "json"),
                   help="output format (default: table)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--subject", metavar="GLOB",
                   help="only subjects matching GLOB, e.g. 'ServiceAccount monitoring/*'")
    p.add_argument("--config", metavar="FILE", help="config file (default: nearest .meshward.yaml)")
    p.set_defaults(func=run)


def _scope(scope: str) -> str:
    return "cluster-wide" if scope == CLUSTER else f"namespace {scope}"


def _expires(row: AccessRow) -> str:
    if not row.expires:
        return "-"
    return f"{row.expires} (expired)" if row.expired else row.expires


def render_table(rows: list[AccessRow]) -> str:
    cells = [(str(r.subject), r.permission, _scope(r.scope), r.role,
              f"{r.granted_by} ({r.path}:{r.line})", _expires(r), r.owner or "-") for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in [COLUMNS, *cells]]
    subjects = len({r.subject for r in rows})
    lines.append(f"\n{len(rows)} grant{'s' if len(rows) != 1 else ''} to {subjects} "
                 f"subject{'s' if subjects != 1 else ''}")
    return "\n".join(lines) + "\n"


def render_json(rows: list[AccessRow]) -> str:
    out = []
    for r in rows:
        item: dict[str, Any] = {
            "subject": {"kind": r.subject.kind, "name": r.subject.name,
                        "namespace": r.subject.namespace},
            "permission": r.permission,
            "scope": r.scope,
            "role": r.role,
            "granted_by": {"binding": r.granted_by, "path": r.path, "line": r.line},
            "expires": r.expires or None,
            "expired": r.expired,
            "owner": r.owner or None,
            "reason": r.reason or None,
        }
        if r.rule is not None:
            item["rule"] = {"verbs": list(r.rule.verbs), "apiGroups": list(r.rule.api_groups),
                            "resources": list(r.rule.resources),
                            "resourceNames": list(r.rule.resource_names),
                            "nonResourceURLs": list(r.rule.urls)}
        out.append(item)
    return json.dumps({"grants": out}, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    ctx = build_context(args.paths, config_for(args, args.paths[0]))
    rows = access_inventory(resolve(ctx.inventory), ctx.today)
    if args.subject:
        rows = [r for r in rows if fnmatch.fnmatchcase(str(r.subject), args.subject)]
    text = render_json(rows) if args.format == "json" else render_table(rows)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    errors = [*ctx.config.errors, *ctx.inventory.errors]
    for e in errors:
        print(f"meshward: input error: {e.render()}", file=sys.stderr)
    return 2 if errors else 0
