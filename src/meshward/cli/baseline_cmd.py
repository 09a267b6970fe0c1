"""``meshward baseline PATH -o FILE``: record today's findings so CI shows only new ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import config_for
from meshward.errors import UsageError
from meshward.findings.suppress import write_baseline
from meshward.pipeline import scan


def register(sub: Any) -> None:
    p = sub.add_parser("baseline", help="write a baseline of the current findings",
                       description="Scan PATH and write every unsuppressed finding's fingerprint; "
                                   "`meshward scan --baseline FILE` then hides them.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("-o", "--output", metavar="FILE", default=".meshward-baseline.json",
                   help="where to write it (default: .meshward-baseline.json; - for stdout)")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = scan(args.paths, config_for(args, args.paths[0]))
    text = write_baseline(f for f in result.findings if not f.suppressed_by)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
        count = sum(1 for f in result.findings if not f.suppressed_by)
        print(f"meshward: baseline of {count} findings written to {args.output}", file=sys.stderr)
    for e in result.errors:
        print(f"meshward: input error: {e.render()}", file=sys.stderr)
    return 2 if result.errors else 0
