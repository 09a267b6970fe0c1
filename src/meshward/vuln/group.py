"""Vulnerability findings grouped per service and per image (or lockfile), for reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from meshward.findings.finding import Finding, Severity

NO_SERVICE = "(no service)"


@dataclass
class ImageGroup:
    """The findings of one image (or lockfile) within one service."""

    resource: str
    base_image_of: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.findings)

    @property
    def fixable(self) -> int:
        return sum(1 for f in self.findings if dict(f.extra).get("fixed"))


def group(findings: list[Finding]) -> dict[str, list[ImageGroup]]:
    """service -> its images (worst first); a finding of several services is in each."""
    out: dict[str, dict[str, ImageGroup]] = {}
    for f in findings:
        extra = dict(f.extra)
        services = [s.strip() for s in (extra.get("services") or "").split(",") if s.strip()]
        resource = str(f.resource) if f.resource else f.location.path
        for svc in services or [NO_SERVICE]:
            g = out.setdefault(svc, {}).setdefault(
                resource, ImageGroup(resource, extra.get("base_image_of", "")))
            g.findings.append(f)
    return {svc: sorted(groups.values(), key=lambda g: (-max(f.severity.rank for f in g.findings),
                                                        g.resource))
            for svc, groups in sorted(out.items(), key=lambda kv: (kv[0] == NO_SERVICE, kv[0]))}


def render_text(findings: list[Finding]) -> str:
    """One block per service, one line per image with counts, then each vulnerability."""
    lines: list[str] = []
    order = sorted(Severity, key=lambda s: -s.rank)
    for svc, groups in group(findings).items():
        lines.append(f"service {svc}")
        for g in groups:
            counts = ", ".join(f"{g.counts[s]} {s.value}" for s in order if g.counts[s])
            base = f" (base image of {g.base_image_of})" if g.base_image_of else ""
            lines.append(f"  {g.resource}{base}: {counts}; {g.fixable} fixable")
            for f in sorted(g.findings, key=lambda f: (-f.severity.rank, f.key)):
                e = dict(f.extra)
                fix = f"fixed in {e['fixed']}" if e.get("fixed") else "no fix yet"
                lines.append(f"    {f.severity.value:<8} {e.get('vulnerability', '?')} "
                             f"{e.get('package', '?')} {e.get('installed', '')}: {fix}")
    return "\n".join(lines) + ("\n" if lines else "")
