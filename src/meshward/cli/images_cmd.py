"""``meshward images PATH...``: ask registries and Notary about every image (Mode.VERIFY)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from meshward.checks.registry import all_rules
from meshward.cli.common import (
    add_output_options,
    config_for,
    emit,
    positive,
    threshold,
    with_baseline,
)
from meshward.errors import UsageError
from meshward.findings.suppress import Suppressor
from meshward.images.auth import load_docker_config
from meshward.images.http import HttpClient, Limits
from meshward.images.keys import build_keyring
from meshward.images.runner import Options, run_images
from meshward.images.targets import collect
from meshward.model.inventory import Inventory
from meshward.pipeline import load_inventory
from meshward.reporters.interface import Report
from meshward.vuln.join import VulnResult, vulnerability_findings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "images", help="resolve, verify signatures and trust data of every image with registries",
        description="For every image of the scanned files: resolve tag to digest through the "
                    "registry (OCI distribution API), report moved tags and missing digests, "
                    "verify cosign signatures with the configured keys and Notary (TUF) trust "
                    "data, and report registries outside the allowlist or reached over HTTP.")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.add_argument("--allow-registry", action="append", default=[], metavar="HOST",
                   help="allowed registry host or host/path prefix (repeatable; adds to "
                        "registries: of .meshward.yaml)")
    p.add_argument("--key", action="append", default=[], metavar="FILE", type=Path,
                   help="cosign public key (PEM) that verifies every image (repeatable)")
    p.add_argument("--notary", metavar="URL", help="Notary server to check trust data with")
    p.add_argument("--osv", metavar="DIR", type=Path,
                   help="OSV database export: match SBOM packages and the tree's lockfiles "
                        "to advisories (SUP-VULN)")
    p.add_argument("--sbom", action="append", default=[], metavar="FILE", type=Path,
                   help="CycloneDX/SPDX SBOM or Trivy/Grype JSON report of an image "
                        "(repeatable; SUP-VULN)")
    p.add_argument("--insecure-registry", action="append", default=[], metavar="HOST",
                   help="may be reached over plain HTTP (reported as MWI02); loopback always may")
    p.add_argument("--ca", metavar="FILE", help="CA bundle for registries and Notary (PEM)")
    p.add_argument("--docker-config", metavar="FILE", type=Path,
                   help="Docker config with registry credentials "
                        "(default: $DOCKER_CONFIG/config.json or ~/.docker/config.json)")
    p.add_argument("--concurrency", type=positive(int), default=16, metavar="N",
                   help="images checked at once (default: 16)")
    p.add_argument("--timeout", type=positive(float), default=10.0, metavar="S",
                   help="seconds per request (default: 10)")
    p.add_argument("--budget", type=positive(int), default=5000, metavar="N",
                   help="most requests of the whole run (default: 5000)")
    add_output_options(p)
    p.set_defaults(func=run)


def _vulnerabilities(args: argparse.Namespace, inv: Inventory) -> VulnResult:
    """Known vulnerabilities through meshward.vuln: SBOMs/reports, and with --osv the OSV
    export matched to SBOM packages and to the lockfiles under PATH."""
    if args.osv is not None and not args.osv.is_dir():
        raise UsageError(f"--osv {args.osv} is not a folder", "give an OSV export folder")
    for path in args.sbom:
        if not path.is_file():
            raise UsageError(f"--sbom {path} not found")
    roots = list(args.paths) if args.osv is not None else []
    return vulnerability_findings(inv, reports=(), sboms=list(args.sbom), osv_dir=args.osv,
                                  tree_roots=roots)


def run(args: argparse.Namespace) -> int:
    config = config_for(args, args.paths[0])
    fail_on = threshold(args, config)
    if args.ca and not Path(args.ca).is_file():
        raise UsageError(f"CA file {args.ca} not found")
    if args.notary and not args.notary.startswith(("http://", "https://")):
        raise UsageError(f"--notary {args.notary} is not a URL", "write https://HOST[:PORT]")
    inv = load_inventory(args.paths, config)
    targets, variable = collect(inv, config)
    keys = build_keyring(config.raw, config.path, list(args.key))
    docker = load_docker_config(args.docker_config)
    errors: list[Any] = [*config.errors, *inv.errors, *keys.errors]
    notices = [*inv.notices, *docker.problems]
    if docker.store or docker.helpers:
        notices.append(f"{docker.path}: credential helpers (credsStore/credHelpers) are not "
                       "run; registries that need them are asked with `auths` or anonymously")
    if variable:
        notices.append(f"{variable} image reference(s) with a variable part not checked")
    insecure = config.raw.get("insecure_registries") or []
    options = Options(
        allowlist=[*config.registries, *args.allow_registry], keys=keys,
        notary_url=args.notary or str(config.raw.get("notary") or ""),
        insecure=frozenset([*args.insecure_registry,
                            *(str(h) for h in insecure if isinstance(insecure, list))]),
        concurrency=args.concurrency)
    try:
        http = HttpClient(docker, Limits(args.budget, args.timeout), ca_file=args.ca or "")
    except OSError as exc:
        raise UsageError(f"CA file {args.ca}: {exc}") from None
    result = run_images(targets, http, options)
    notices += result.notices
    findings = list(result.findings)
    ran = set(result.ran)
    if args.osv is not None or args.sbom:
        vuln = _vulnerabilities(args, inv)
        findings += vuln.findings
        notices += vuln.notices
        errors += vuln.errors
        ran |= vuln.ran  # an SBOM without vulnerability data and no --osv is no MWV01 pass
    notices.append(f"{result.images} image(s) in {result.uses} place(s); "
                   f"{result.requests} request(s) in {result.duration_s:.2f} s")
    base = args.paths[0] if args.paths[0].is_dir() else args.paths[0].parent
    findings = Suppressor(config, base, dt.date.today()).apply(findings)
    findings = with_baseline(args, findings, errors)
    # Only the checks that ran for some image: a practice is never "met" by a check that
    # could not run.
    rules = tuple(r for r in all_rules() if r.id in ran)
    report = Report(command="images", root=str(args.paths[0]), findings=findings, rules=rules,
                    errors=errors, notices=notices, files_read=inv.files_read,
                    services=len(inv.services), show_suppressed=args.show_suppressed,
                    duration_s=result.duration_s)
    return emit(args, report, fail_on)
