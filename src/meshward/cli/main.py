"""The ``meshward`` command: parse arguments and hand over to one module per command."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from meshward import __version__
from meshward.errors import MeshwardError

# Each module has ``register(subparsers)``, which sets ``func`` on its parser.
COMMANDS = (
    "scan", "graph", "rules", "explain", "baseline", "secrets", "access",
    "policy", "catalog", "probe", "images", "watch", "archive", "report", "diff",
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (``only``) just one command: each command module imports
    what its command needs, so a run imports only its own command's code."""
    parser = argparse.ArgumentParser(
        prog="meshward",
        description="Audit, verify, fix and watch a microservice fleet against one security guide.",
    )
    parser.add_argument("--version", action="version", version=f"meshward {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            continue
        module = importlib.import_module(f"meshward.cli.{name}_cmd")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A run builds a large tree of plain objects and exits: the cyclic garbage collector would
    # only walk it again and again (seconds on a large fleet), so this process goes without.
    gc.disable()
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    from meshward import progress

    try:
        with progress.on_terminal(sys.stderr):
            return int(args.func(args))
    except MeshwardError as exc:
        print(f"meshward: error: {exc.render()}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("meshward: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
