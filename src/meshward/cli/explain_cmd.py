"""``meshward explain ID``: print the documentation of one rule, live check or detector."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from meshward.checks.listing import check_markdown, get_check
from meshward.cli.common import EXIT_ERROR, EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("explain", help="print the documentation of a rule, check or detector")
    p.add_argument("rule_id", metavar="ID", help="e.g. MW101, MWP02, MWI10, MWV01, MWW01")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    r = get_check(args.rule_id)
    if r is None:
        print(f"meshward: error: no rule, check or detector {args.rule_id!r} "
              "(see `meshward rules`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(check_markdown(r))
    return EXIT_OK
