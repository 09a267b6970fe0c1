"""``meshward catalog PATH``: Backstage catalog entries and a Markdown service inventory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import config_for
from meshward.errors import UsageError
from meshward.generate import backstage, inventory_md
from meshward.generate.diff import files
from meshward.generate.model import render_stream
from meshward.pipeline import scan


def register(sub: Any) -> None:
    p = sub.add_parser(
        "catalog", help="write Backstage catalog-info.yaml entries and a service inventory",
        description="Document every service from what is deployed: where it runs, its open "
                    "ports, who may call it, its dependencies, its owner.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--format", default="yaml", choices=("yaml", "markdown"),
                   help="stdout: catalog entities (yaml) or the service inventory (markdown)")
    p.add_argument("--output-dir", metavar="DIR", type=Path,
                   help="write SERVICE/catalog-info.yaml files into DIR instead of stdout")
    p.add_argument("--markdown", metavar="FILE", type=Path,
                   help="also write the Markdown service inventory to FILE")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    result = scan(args.paths, config_for(args, args.paths[0]))
    ctx = result.context
    for e in ctx.inventory.errors:
        print(f"meshward: input error: {e.render()}", file=sys.stderr)
    if ctx.inventory.errors:
        print("meshward: nothing written: fix the input errors first", file=sys.stderr)
        return 2
    gen = backstage.generate(ctx)
    for n in gen.notes:
        print(f"meshward: note: {n}", file=sys.stderr)
    markdown = None
    if args.markdown or args.format == "markdown":
        markdown = inventory_md.render(ctx, result.findings)
    if args.markdown:
        _write(args.markdown, markdown or "")
    if args.output_dir is not None:
        out = files(gen)
        for name, text in out.items():
            _write(args.output_dir / name, text)
        print(f"meshward: wrote {len(out)} catalog file(s) to {args.output_dir}", file=sys.stderr)
    if args.format == "markdown" and markdown is not None:
        sys.stdout.write(markdown)
    elif args.output_dir is None:
        sys.stdout.write(render_stream(gen.manifests))
    return 0
