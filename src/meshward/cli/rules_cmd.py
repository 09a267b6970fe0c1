"""``meshward rules``: list every rule, live check and watch detector with its mode."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from meshward.checks.listing import all_checks
from meshward.cli.common import EXIT_ERROR, EXIT_OK
from meshward.findings.finding import Mode
from meshward.practices import PRACTICES


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rules", help="list the rules, live checks and watch detectors",
        description="List every check meshward has: the rules of `scan` (mode audit), the live "
                    "checks of `probe` and `images` (mode verify) and the detectors of `watch` "
                    "(mode watch), with severity and practice codes.")
    p.add_argument("--practice", metavar="CODE",
                   help="only checks serving this practice code (e.g. SUP-VULN)")
    p.add_argument("--mode", choices=[m.value for m in (Mode.AUDIT, Mode.VERIFY, Mode.WATCH)],
                   help="only checks of this mode")
    p.add_argument("-f", "--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    practice = (args.practice or "").strip().upper()
    if practice and practice not in PRACTICES:
        print(f"meshward: error: unknown practice code {args.practice!r}; the codes are: "
              f"{', '.join(PRACTICES)}", file=sys.stderr)
        return EXIT_ERROR
    rules = [r for r in all_checks()
             if (not practice or practice in r.practices)
             and (not args.mode or r.mode.value == args.mode)]
    if args.format == "json":
        data = [{"id": r.id, "title": r.title, "mode": r.mode.value, "command": r.command,
                 "severity": r.severity.value, "confidence": r.confidence.value,
                 "practices": list(r.practices), "targets": list(r.targets),
                 "lifecycle": r.lifecycle, "doc": f"docs/{r.doc_path}", "help_uri": r.help_uri}
                for r in rules]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    width = max((len(r.id) for r in rules), default=5)
    for r in rules:
        print(f"{r.id:<{width}}  {r.mode.value:<6}  {r.severity.value:<8}  "
              f"{','.join(r.practices):<28}  {r.title}")
    counts = {m: sum(1 for r in rules if r.mode is m) for m in (Mode.AUDIT, Mode.VERIFY, Mode.WATCH)}
    parts = ", ".join(f"{n} {m.value}" for m, n in counts.items() if n)
    print(f"\n{len(rules)} checks ({parts or 'none match'}). "
          "`meshward explain ID` prints one check's documentation.")
    return EXIT_OK
