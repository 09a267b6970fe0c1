"""``meshward archive verify DIR [--key PUB]``: prove a watch archive is whole and unaltered."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from meshward.checks.engine import finding_from_hit
from meshward.checks.registry import Hit
from meshward.checks.rules.archive_verify import ARCHIVE_TAMPERED
from meshward.cli.common import EXIT_FINDINGS, EXIT_OK, render, write_output
from meshward.findings.finding import Finding, ResourceRef
from meshward.model.source import Location
from meshward.reporters.interface import OutputFormat, Report
from meshward.watch.archive import VerifyResult, verify


def register(sub: Any) -> None:
    p = sub.add_parser("archive", help="verify the tamper-evident archive of `meshward watch`",
                       description="Work with the archive `meshward watch --archive DIR` writes.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = actions.add_parser("verify", help="check every seal, the chain and every line",
                           description="Check every segment's Ed25519 seal, the SHA-256 chain "
                                       "and every line; name the first segment or line that "
                                       "was altered, deleted, reordered or truncated (MWW30). "
                                       "Exit 0 when whole, 1 when tampered, 2 on bad input.")
    v.add_argument("folder", type=Path, metavar="DIR")
    v.add_argument("--key", type=Path, metavar="PUB",
                   help="public key (PEM) kept outside the archive (default: DIR/archive.pub)")
    v.add_argument("-f", "--format", default="text", choices=[f.value for f in OutputFormat],
                   help="output format (default: text)")
    v.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    v.set_defaults(func=run_verify)


def findings_of(folder: Path, result: VerifyResult) -> list[Finding]:
    """One MWW30 finding per problem, located at the segment file and line it names."""
    out: list[Finding] = []
    for text, (segment, line) in zip(result.problems, result.places, strict=True):
        name = f"seg-{segment:06d}.log" if segment else folder.name
        hit = Hit(message=text, location=Location(str(folder / name) if segment else str(folder),
                                                  line),
                  resource=ResourceRef("ArchiveSegment", name) if segment else None,
                  evidence=f"checked against the seal {name[:-4]}.seal" if segment else "",
                  key=f"{segment}:{line}",
                  extra=(("archive", str(folder)), ("segment", str(segment))))
        out.append(finding_from_hit(ARCHIVE_TAMPERED, hit))
    return out


def _text(args: argparse.Namespace, result: VerifyResult) -> str:
    lines = [f"note: {note}" for note in result.notes]
    lines += [f"TAMPERED: {problem}" for problem in result.problems]
    if result.ok:
        lines.append(f"ok: {result.segments} segment(s), {result.lines} line(s) verified in "
                     f"{args.folder}")
    else:
        lines.append(f"{len(result.problems)} problem(s) in {args.folder}; the first one is where "
                     "tampering starts")
    return "\n".join(lines) + "\n"


def run_verify(args: argparse.Namespace) -> int:
    result = verify(args.folder, args.key)
    if args.format == "text":
        text = _text(args, result)
    else:
        summary = (f"ok: {result.segments} segment(s), {result.lines} line(s) verified in "
                   f"{args.folder}" if result.ok else
                   f"{len(result.problems)} problem(s) in {args.folder}; the first one is where "
                   "tampering starts")
        report = Report(command="archive verify", root=str(args.folder),
                        findings=findings_of(args.folder, result), rules=(ARCHIVE_TAMPERED,),
                        notices=[*result.notes, summary], files_read=result.segments)
        text = render(report, args.format)
    write_output(args.output, text)
    return EXIT_OK if result.ok else EXIT_FINDINGS
