"""`meshward policy`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("policy", help="(in development)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("meshward policy: not available in this build yet", file=sys.stderr)
    return 2
