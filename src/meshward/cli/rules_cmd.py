"""``meshward rules``: list every rule with its severity and practice codes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from meshward.checks.registry import all_rules


def register(sub: Any) -> None:
    p = sub.add_parser("rules", help="list the rules")
    p.add_argument("--practice", metavar="CODE", help="only rules serving this practice code")
    p.add_argument("-f", "--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rules = [r for r in all_rules() if not args.practice or args.practice.upper() in r.practices]
    if args.format == "json":
        data = [{"id": r.id, "title": r.title, "severity": r.severity.value,
                 "confidence": r.confidence.value, "practices": list(r.practices),
                 "targets": list(r.targets), "lifecycle": r.lifecycle, "help_uri": r.help_uri}
                for r in rules]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    width = max((len(r.id) for r in rules), default=5)
    for r in rules:
        print(f"{r.id:<{width}}  {r.severity.value:<8}  {','.join(r.practices):<28}  {r.title}")
    print(f"\n{len(rules)} rules. `meshward explain ID` prints one rule's documentation.")
    return 0
