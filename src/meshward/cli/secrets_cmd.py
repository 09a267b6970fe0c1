"""``meshward secrets PATH...``: hardcoded secrets in files, git history, the index or a range."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from meshward.checks.engine import finding_from_hit
from meshward.cli.common import (
    EXIT_OK,
    add_output_options,
    config_for,
    emit,
    threshold,
    with_baseline,
)
from meshward.errors import UsageError
from meshward.findings.finding import Finding
from meshward.findings.suppress import Suppressor
from meshward.reporters.interface import Report


def register(sub: Any) -> None:
    p = sub.add_parser(
        "secrets", help="find hardcoded secrets in files, git history or staged changes",
        description="Find hardcoded credentials (60+ documented formats, private keys, JWTs, "
                    "passwords in URLs, secret-named assignments, committed Kubernetes Secret "
                    "data) and judge Vault policies. Secrets are never printed whole.")
    p.add_argument("paths", nargs="*", metavar="PATH", type=Path, default=[Path(".")],
                   help="files or folders (default: the current folder)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--history", action="store_true",
                      help="scan every commit of the git repository holding PATH")
    mode.add_argument("--staged", action="store_true",
                      help="scan lines added to the git index (pre-commit hook)")
    mode.add_argument("--since", metavar="REV", help="scan commits in REV..HEAD (CI on a diff)")
    mode.add_argument("--sources", action="store_true",
                      help="report, per service, where its secrets come from (manager, "
                           "Kubernetes Secret, literal) and flag services without a manager")
    p.add_argument("--no-generic", action="store_true",
                   help="only known formats, keys and JWTs: skip secret-named assignments "
                        "and credential files (MW907)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="files scanned in parallel (default: number of CPUs)")
    add_output_options(p)
    p.set_defaults(func=run)


def _rules() -> dict[str, Any]:
    from meshward.checks.rules.secrets import RULES_BY_ID

    return RULES_BY_ID


def _findings(args: argparse.Namespace, opts: Any, exclude: list[str]
              ) -> tuple[list[Finding], list[Any], int, float, Path]:
    from meshward.secrets.engine import SecretsResult, scan_paths
    from meshward.secrets.gitscan import repo_root, scan_history, scan_staged
    from meshward.secrets.policy_rules import policy_hits, read_policies
    from meshward.secrets.report import hit_of

    rules = _rules()
    first = args.paths[0]
    result: SecretsResult
    if args.history or args.since:
        if len(args.paths) > 1:
            raise UsageError("--history and --since take one PATH (a repository or a folder in it)")
        result, base = scan_history(first, opts, since=args.since), repo_root(first)
    elif args.staged:
        result, base = scan_staged(first, opts), repo_root(first)
    else:
        if args.jobs is not None and args.jobs < 1:
            raise UsageError("--jobs must be 1 or more")
        result = scan_paths(args.paths, opts, exclude=exclude, jobs=args.jobs)
        base = first if first.is_dir() else first.parent
    findings = [finding_from_hit(rules[m.kind.value], hit_of(m)) for m in result.matches]
    errors: list[Any] = list(result.errors)
    if not (args.history or args.since or args.staged):
        hcl = []
        for root in args.paths:
            rbase = root if root.is_dir() else root.parent
            files = [root] if root.is_file() else sorted(root.rglob("*.hcl"))
            hcl += [(f.relative_to(rbase).as_posix(), f) for f in files
                    if f.suffix == ".hcl" and ".git" not in f.parts]
        policies, perrs = read_policies(hcl)
        errors += perrs
        findings += [finding_from_hit(rules[rid], hit) for rid, hit in policy_hits(policies, set())]
    return findings, errors, result.files_scanned, result.duration_s, base


def _sources(args: argparse.Namespace, config: Any) -> int:
    from meshward.pipeline import load_inventory
    from meshward.secrets.managers import secret_sources

    inv = load_inventory(args.paths, config)
    table = secret_sources(inv)
    if args.format == "json":
        doc = {name: {"managed": ss.managed, "sources": [
            {"kind": s.kind, "detail": s.detail, "location": str(s.location)} for s in ss.sources]}
            for name, ss in table.items()}
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    else:
        lines = [f"{'service':<28} {'manager':<8} sources"]
        for name, ss in table.items():
            lines.append(f"{name:<28} {'yes' if ss.managed else 'no':<8} {', '.join(ss.kinds)}")
        lines.append(f"{len(table)} services use secrets; "
                     f"{sum(1 for s in table.values() if not s.managed)} without a manager")
        text = "\n".join(lines) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from meshward.secrets.scanner import Options

    for p in args.paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder", "give a folder or file to scan")
    config = config_for(args, args.paths[0])
    fail_on = threshold(args, config)
    if args.sources:
        return _sources(args, config)
    opts = Options(generic=not args.no_generic,
                   jwt_max_lifetime_hours=config.jwt_max_lifetime_hours)
    findings, errors, files, duration, base = _findings(args, opts, config.exclude)
    sup = Suppressor(config, base, dt.date.today())
    findings = sup.apply(findings)
    findings = with_baseline(args, findings, errors)
    findings.sort(key=Finding.sort_key)
    report = Report(command="secrets", root=str(args.paths[0]), findings=findings,
                    rules=tuple(_rules().values()), errors=[*config.errors, *errors],
                    notices=sup.notices, files_read=files, show_suppressed=args.show_suppressed,
                    duration_s=duration)
    return emit(args, report, fail_on)
