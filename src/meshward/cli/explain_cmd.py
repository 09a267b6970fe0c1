"""``meshward explain ID``: print one rule's documentation."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from meshward.checks.docs import rule_markdown
from meshward.checks.registry import get_rule


def register(sub: Any) -> None:
    p = sub.add_parser("explain", help="print a rule's documentation")
    p.add_argument("rule_id", metavar="ID")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    r = get_rule(args.rule_id)
    if r is None:
        from meshward.watch.docs import detector_markdown, get_detector

        d = get_detector(args.rule_id)
        if d is not None:
            sys.stdout.write(detector_markdown(d))
            return 0
        print(f"meshward: error: no rule {args.rule_id!r} (see `meshward rules`)", file=sys.stderr)
        return 2
    sys.stdout.write(rule_markdown(r))
    return 0
