"""``meshward policy PATH``: least-privilege policies generated from the service graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from meshward.cli.common import config_for
from meshward.errors import UsageError
from meshward.generate import compose_override, istio, linkerd, netpol
from meshward.generate.diff import dry_run, files
from meshward.generate.existing import Existing
from meshward.generate.model import Generated, render_stream
from meshward.pipeline import build_context

KINDS = ("networkpolicy", "istio", "linkerd", "compose", "all")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "policy", help="generate NetworkPolicies, Istio/Linkerd policies and a compose layout",
        description="Deny by default and allow exactly the calls of the service graph. "
                    "Objects the tree already has are kept; calls known only from "
                    "low-confidence evidence are set apart for you to confirm.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--kind", default="networkpolicy", choices=KINDS,
                   help="what to generate (default: networkpolicy)")
    p.add_argument("--output-dir", metavar="DIR", type=Path,
                   help="write one file per object into DIR (default: one stream on stdout)")
    p.add_argument("--dry-run", action="store_true",
                   help="print a unified diff of what would be written; exit 1 when non-empty")
    p.add_argument("--issuer", metavar="URL", help="JWT issuer for RequestAuthentication (istio)")
    p.add_argument("--jwks-uri", metavar="URL", help="JWKS URI of the issuer (istio)")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run)


def generate(args: argparse.Namespace) -> tuple[Generated, list[str]]:
    """The objects asked for, and the input errors met while reading the tree."""
    if bool(args.issuer) != bool(args.jwks_uri):
        raise UsageError("--issuer and --jwks-uri go together", "give both, or neither")
    ctx = build_context(args.paths, config_for(args, args.paths[0]))
    errors = [e.render() for e in ctx.inventory.errors]
    ex = Existing(ctx.inventory)
    kinds = KINDS[:-1] if args.kind == "all" else (args.kind,)
    gen = Generated()
    jwt = istio.Jwt(args.issuer, args.jwks_uri) if args.issuer else None
    for kind in kinds:
        if kind == "networkpolicy":
            gen.extend(netpol.generate(ctx, ex))
        elif kind == "istio":
            gen.extend(istio.generate(ctx, jwt, ex))
        elif kind == "linkerd":
            gen.extend(linkerd.generate(ctx, ex))
        else:
            gen.extend(compose_override.generate(ctx))
    return gen, errors


def _current(folder: Path, names: list[str]) -> dict[str, str]:
    out = {}
    for name in names:
        path = folder / name
        if path.is_file():
            out[name] = path.read_text(encoding="utf-8")
    return out


def run(args: argparse.Namespace) -> int:
    gen, errors = generate(args)
    for e in errors:
        print(f"meshward: input error: {e}", file=sys.stderr)
    if errors:
        print("meshward: nothing written: fix the input errors first", file=sys.stderr)
        return 2
    for k in gen.kept:
        print(f"meshward: kept: {k}", file=sys.stderr)
    for n in gen.notes:
        print(f"meshward: note: {n}", file=sys.stderr)
    if gen.pending:
        where = "to-confirm.yaml" if args.output_dir else "commented out below"
        print(f"meshward: to confirm: {len(gen.pending)} object(s) built from low-confidence "
              f"evidence ({where})", file=sys.stderr)
    out = files(gen)
    if args.dry_run:
        current = _current(args.output_dir, list(out)) if args.output_dir else {}
        text = dry_run(gen, current)
        sys.stdout.write(text)
        return 1 if text else 0
    if args.output_dir is None:
        sys.stdout.write(render_stream(gen.manifests))
        return 0
    try:
        for name, text in out.items():
            path = args.output_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write to {args.output_dir}: {exc.strerror}") from None
    print(f"meshward: wrote {len(out)} file(s) to {args.output_dir}", file=sys.stderr)
    return 0
