"""``meshward archive verify DIR [--key PUB]``: prove a watch archive is whole and unaltered."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meshward.cli.common import EXIT_FINDINGS, EXIT_OK
from meshward.watch.archive import verify


def register(sub: Any) -> None:
    p = sub.add_parser("archive", help="verify the tamper-evident archive of `meshward watch`",
                       description="Work with the archive `meshward watch --archive DIR` writes.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = actions.add_parser("verify", help="check every seal, the chain and every line",
                           description="Check every segment's Ed25519 seal, the SHA-256 chain "
                                       "and every line; name the first segment or line that "
                                       "was altered, deleted, reordered or truncated.")
    v.add_argument("folder", type=Path, metavar="DIR")
    v.add_argument("--key", type=Path, metavar="PUB",
                   help="public key (PEM) kept outside the archive (default: DIR/archive.pub)")
    v.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    result = verify(args.folder, args.key)
    for note in result.notes:
        print(f"note: {note}")
    for problem in result.problems:
        print(f"TAMPERED: {problem}")
    if result.ok:
        print(f"ok: {result.segments} segment(s), {result.lines} line(s) verified in {args.folder}")
        return EXIT_OK
    print(f"{len(result.problems)} problem(s) in {args.folder}; the first one is where "
          "tampering starts")
    return EXIT_FINDINGS
