"""``meshward graph PATH``: print the service graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import config_for
from meshward.errors import UsageError
from meshward.pipeline import build_context
from meshward.reporters.graph import GraphFormat, render_graph


def register(sub: Any) -> None:
    p = sub.add_parser("graph", help="print the inventory and service graph",
                       description="Who calls whom, where each service runs, and how exposed it is.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-f", "--format", default="text", choices=[f.value for f in GraphFormat])
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = build_context(args.paths, config_for(args, args.paths[0]))
    text = render_graph(ctx.graph, GraphFormat(args.format))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    for e in ctx.inventory.errors:
        print(f"meshward: input error: {e.render()}", file=sys.stderr)
    for n in ctx.inventory.notices:
        print(f"meshward: note: {n}", file=sys.stderr)
    return 2 if ctx.inventory.errors else 0
