"""Hits of the secret-manager rules: MW910 (no manager) and MW911-MW913 (Vault policies)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit
from meshward.errors import InputError
from meshward.findings.finding import ResourceRef, Severity
from meshward.model.inventory import Inventory
from meshward.model.source import Location
from meshward.secrets.managers import secret_sources
from meshward.secrets.vault import (
    BROAD,
    READ,
    Policy,
    broad_wildcard,
    looks_like_policy,
    parse_policy,
    service_segments,
)

SHARED_SEGMENTS = frozenset({"shared", "common", "global", "public", "platform"})


def manager_hits(inv: Inventory) -> Iterator[Hit]:
    for name, ss in secret_sources(inv).items():
        if ss.managed:
            continue
        literal = [s for s in ss.sources if s.kind == "literal"]
        counts = ", ".join(f"{k} ({sum(1 for s in ss.sources if s.kind == k)})" for k in ss.kinds)
        first = (literal or ss.sources)[0]
        yield Hit(
            message=f"service {name} gets its secrets from {counts}; no secret manager delivers any",
            location=first.location,
            service=name,
            evidence="; ".join(s.detail for s in ss.sources[:5]),
            key=f"sources:{','.join(ss.kinds)}",
            severity=Severity.MEDIUM if literal else Severity.LOW,
        )


def read_policies(files: Iterable[tuple[str, Path]]) -> tuple[list[Policy], list[InputError]]:
    """Vault policies among ``(shown, path)`` files ending in ``.hcl``."""
    policies: list[Policy] = []
    errors: list[InputError] = []
    for shown, path in files:
        if not shown.lower().endswith(".hcl"):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            errors.append(InputError(shown, 0, f"cannot read file: {exc.strerror}"))
            continue
        if not looks_like_policy(text):
            continue
        pol, err = parse_policy(shown, text)
        if err is not None:
            errors.append(err)
        elif pol is not None:
            policies.append(pol)
    return policies, errors


def policy_hits(policies: list[Policy], services: set[str]) -> Iterator[tuple[str, Hit]]:
    """``(rule id, hit)`` for wildcard paths, sudo, and reads of another service's path."""
    known = services | {p.name for p in policies}
    for pol in policies:
        ref = ResourceRef("VaultPolicy", pol.name)
        for pr in pol.paths:
            caps = set(pr.capabilities)
            loc = Location(pol.file, pr.line)
            if "deny" in caps:
                continue
            shown = f'path "{pr.path}" {{ capabilities = {sorted(caps)} }}'
            if broad_wildcard(pr.path) and caps & (READ | BROAD):
                yield "MW911", Hit(
                    f"policy {pol.name} grants {', '.join(sorted(caps))} on wildcard path {pr.path}",
                    loc, resource=ref, evidence=shown, key=f"wildcard:{pr.path}",
                    severity=Severity.HIGH if caps & BROAD or pr.path.strip("/") in ("*", "+*")
                    else Severity.MEDIUM)
            if "sudo" in caps:
                yield "MW912", Hit(f"policy {pol.name} grants sudo on {pr.path}", loc,
                                   resource=ref, evidence=shown, key=f"sudo:{pr.path}")
            segs = service_segments(pr.path)
            if segs and caps & (READ | BROAD):
                owner = segs[0]
                if owner in known and owner != pol.name and owner not in SHARED_SEGMENTS:
                    yield "MW913", Hit(
                        f"policy {pol.name} can read {pr.path}, which belongs to service {owner}",
                        loc, resource=ref, service=pol.name, evidence=shown,
                        key=f"cross:{pr.path}")


def vault_hits(ctx: ScanContext, rule_id: str) -> Iterator[Hit]:
    inv = ctx.inventory
    root = Path(inv.root or ".")
    base = root if root.is_dir() else root.parent
    files = [(name, base / name) for name in inv.text_files if name.lower().endswith(".hcl")]
    policies, _ = read_policies(files)
    for rid, hit in policy_hits(policies, set(inv.services)):
        if rid == rule_id:
            yield hit
