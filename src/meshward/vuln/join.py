"""Join vulnerabilities to the services that run the image: the SUP-VULN entry point.

``vulnerability_findings`` reads reports (Trivy, Grype), SBOMs (CycloneDX, SPDX), an optional
OSV export and the lockfiles under ``tree_roots``, and returns findings MWV01-MWV03 whose
resource is the image (or the lockfile) and whose service is every service that runs it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from meshward.checks.images import ImageRef, parse_image
from meshward.checks.registry import Hit
from meshward.errors import InputError
from meshward.findings.finding import Confidence, Finding, ResourceRef, Severity
from meshward.loaders.walk import iter_files
from meshward.model.inventory import Inventory
from meshward.model.source import Location
from meshward.vuln.formats import detect
from meshward.vuln.inventory_images import ImageSite, canonical, image_sites
from meshward.vuln.jsonloc import JSONLocError, loads
from meshward.vuln.lockfiles import Lockfile, reader_for
from meshward.vuln.model import Document, ImageIdentity, Package, Vuln
from meshward.vuln.osv import Match, OsvIndex, load_index

RULE_REPORTED = "MWV01"
RULE_OSV_IMAGE = "MWV02"
RULE_OSV_LOCKFILE = "MWV03"
MAX_REPORT_BYTES = 128 * 1024 * 1024
UNRATED = Severity.MEDIUM  # what an advisory without any rating is reported as


@dataclass
class VulnResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)  # the rules that had data to check


@dataclass(frozen=True, slots=True)
class VulnHit:
    rule_id: str
    hit: Hit


@dataclass
class Collected:
    hits: list[VulnHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)  # the rules that had data to check

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def read_document(path: Path, shown: str, errors: list[InputError], *,
                  in_tree: bool = False) -> Document | None:
    """Read one report or SBOM; unknown or malformed files become input errors. A file met
    while walking a scanned tree (``in_tree``) may be any JSON, and the tree loader already
    reports JSON that does not parse: only problems inside a recognised report are added."""
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            errors.append(InputError(shown, 0, f"report is too large ({size >> 20} MiB)",
                                     f"reports over {MAX_REPORT_BYTES >> 20} MiB are not read"))
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        errors.append(InputError(shown, 0, f"cannot read report: {exc.strerror or exc}"))
        return None
    try:
        value = loads(text)
    except JSONLocError as exc:
        if in_tree:
            return None
        errors.append(InputError(shown, exc.line, f"report is not valid JSON: {exc.message}",
                                 "give the JSON output (trivy -f json, grype -o json, "
                                 "cyclonedx-json or spdx-json)"))
        return None
    found = detect(value)
    if found is None:
        if not in_tree:
            errors.append(InputError(shown, 1, "not a Trivy or Grype JSON report, nor a "
                                     "CycloneDX or SPDX JSON SBOM",
                                     "give the JSON output of trivy, grype, syft or another SBOM tool"))
        return None
    _, read = found
    return read(shown, value, errors)


def _identity_refs(identity: ImageIdentity) -> list[ImageRef]:
    return [r for r in (parse_image(x) for x in identity.references) if r is not None]


def match_sites(identity: ImageIdentity, sites: Sequence[ImageSite],
                out: Collected, shown: str) -> list[tuple[ImageSite, Confidence]]:
    """Sites running the image a report is about: same repository, and the same digest
    (high confidence) or, when the fleet names no digest, the same tag (medium: tags move)."""
    refs = _identity_refs(identity)
    names = {r.full_name for r in refs}
    tags = {(r.full_name, r.tag or "latest") for r in refs if not r.digest or r.tag}
    digests = set(identity.digests) | {r.digest for r in refs if r.digest}
    matched: list[tuple[ImageSite, Confidence]] = []
    for site in sites:
        img = site.image
        if img.full_name not in names:
            continue
        tag_match = (img.full_name, img.tag or "latest") in tags
        if img.digest:
            if img.digest in digests:
                matched.append((site, Confidence.HIGH))
            elif digests and tag_match:
                out.notice(f"{shown}: the report is for {identity.display} "
                           f"({', '.join(sorted(digests))}), but {site.where} runs digest "
                           f"{img.digest}: scan that digest; not joined")
            elif not digests and tag_match:
                matched.append((site, Confidence.MEDIUM))
        elif tag_match:
            matched.append((site, Confidence.MEDIUM))
    return matched


def _rating_extra(v: Vuln) -> tuple[Severity, list[tuple[str, str]]]:
    r = v.rating
    extra: list[tuple[str, str]] = []
    if r.severity is None:
        extra.append(("severity_source", "unrated"))
        sev = UNRATED
    else:
        sev = r.severity
        extra.append(("severity_source", r.source))
    if r.score is not None:
        extra.append(("cvss_score", f"{r.score:.1f}"))
    if r.vector:
        extra.append(("cvss_vector", r.vector))
    return sev, extra


def _fixed_text(v: Vuln) -> str:
    return f"fixed in {v.fixed}" if v.fixed else "no fixed version yet"


def _image_hits(doc: Document, rule_id: str, vulns: Iterable[Vuln],
                matched: list[tuple[ImageSite, Confidence]], out: Collected) -> None:
    services = sorted({s.service for s, _ in matched if s.service})
    bases = sorted({s.base_of for s, _ in matched if s.base_of})
    runs = [s for s, _ in matched if not s.base_of]
    first = (runs or [s for s, _ in matched])[0] if matched else None
    confidence = max((c for _, c in matched), key=lambda c: ["low", "medium", "high"].index(c.value),
                     default=Confidence.MEDIUM)
    if first is not None:
        image_name = canonical(first.image)
    else:
        refs = _identity_refs(doc.image) if doc.image else []
        image_name = canonical(refs[0]) if refs else doc.artifact
    kind = "Image" if doc.image is not None else "Artifact"
    resource = ResourceRef(kind, image_name)
    where = (f"runs in {', '.join(services)}" if services else
             "runs in no scanned service" if first is None else "used by no service")
    if bases:
        where += f"; base image of {', '.join(bases)}"
    for v in vulns:
        sev, extra = _rating_extra(v)
        location = first.location if first is not None else Location(doc.path, v.line)
        label = v.rating.label if v.rating.severity is not None else f"unrated, reported as {sev.value}"
        via = f" (via {v.aliases[0]})" if v.kind == "osv-sbom" and v.aliases else ""
        src = f" (source package {v.source_package})" if v.source_package else ""
        message = (f"image {image_name}: {v.package} {v.installed}{src} has {v.id}{via} ({label}); "
                   f"{_fixed_text(v)}; {where}")
        extra = [("vulnerability", v.id), ("package", v.package), ("installed", v.installed),
                 ("fixed", v.fixed), ("ecosystem", v.ecosystem), *extra,
                 ("image", image_name), ("services", ", ".join(services)),
                 ("base_image_of", ", ".join(bases)), ("source", f"{doc.path}:{v.line}"),
                 ("source_format", doc.format)]
        if v.aliases:
            extra.append(("aliases", ", ".join(v.aliases)))
        if v.source_package:
            extra.append(("source_package", v.source_package))
        out.hits.append(VulnHit(rule_id, Hit(
            message, location, resource, ", ".join(services) or None,
            f"{v.id} {v.package}@{v.installed}", key=f"{image_name}/{v.id}/{v.package}/{v.installed}",
            severity=sev, confidence=confidence, extra=tuple(extra))))


def _osv_vulns(packages: Iterable[Package], index: OsvIndex, known: set[tuple[str, str]],
               kind: str) -> list[tuple[Package, Vuln]]:
    out: list[tuple[Package, Vuln]] = []
    for pkg in packages:
        for m in index.lookup(pkg):
            ids = {m.id, *m.aliases}
            if any((pkg.name, i) in known for i in ids):
                continue  # the report already names this vulnerability for this package
            out.append((pkg, _vuln_of(pkg, m, kind)))
    return out


def _vuln_of(pkg: Package, m: Match, kind: str) -> Vuln:
    fixed = m.fixed
    return Vuln(id=m.id, package=pkg.name, installed=pkg.version, fixed=fixed, rating=m.rating,
                line=pkg.line, title=m.summary, aliases=m.aliases, ecosystem=pkg.ecosystem,
                kind=kind, source_package=m.matched_name if m.matched_name != pkg.name else "")


def _process_document(doc: Document, sites: Sequence[ImageSite], index: OsvIndex | None,
                      out: Collected) -> None:
    matched = match_sites(doc.image, sites, out, doc.path) if doc.image is not None else []
    if doc.image is None:
        out.notice(f"{doc.path}: {doc.format} document names no container image "
                   f"({doc.artifact}); its results are reported without a service")
    elif not matched:
        out.notice(f"{doc.path}: image {doc.image.display} runs in no service of the scanned "
                   "files; its results are reported without a service")
    if doc.dismissed:
        shown = ", ".join(f"{vid} ({state})" for vid, _, state in doc.dismissed[:5])
        out.notice(f"{doc.path}: {len(doc.dismissed)} vulnerabilities stated not to apply "
                   f"(VEX analysis) were not reported: {shown}"
                   + (" ..." if len(doc.dismissed) > 5 else ""))
    _image_hits(doc, RULE_REPORTED, doc.vulns, matched, out)
    if index is not None and doc.packages:
        known = {(v.package, i) for v in doc.vulns for i in (v.id, *v.aliases)}
        known |= {(name, vid) for vid, names, _ in doc.dismissed for name in names}
        found = _osv_vulns(doc.packages, index, known, "osv-sbom")
        _image_hits(doc, RULE_OSV_IMAGE, [v for _, v in found], matched, out)
    elif doc.packages and not doc.has_vulnerabilities:
        out.notice(f"{doc.path}: SBOM with {len(doc.packages)} packages but no vulnerability "
                   "data; give an OSV export (--osv DIR) to match them")


def _build_dirs(inv: Inventory) -> list[tuple[str, str]]:
    """(build context folder, service) of every compose service built from the tree."""
    out: list[tuple[str, str]] = []
    for cs in inv.compose_services:
        svc = inv.service_name_of(cs)
        if cs.build_context and "://" not in cs.build_context and svc:
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(cs.path), cs.build_context))
            out.append((folder, svc))
    return out


def _lockfile_hits(lock: Lockfile, index: OsvIndex, inv: Inventory, out: Collected) -> None:
    folder = posixpath.dirname(lock.path) or "."
    owners = sorted({svc for d, svc in _build_dirs(inv)
                     if d == "." or folder == d or folder.startswith(d.rstrip("/") + "/")})
    resource = ResourceRef("Lockfile", lock.path)
    for pkg, v in _osv_vulns(lock.packages, index, set(), "lockfile"):
        sev, extra = _rating_extra(v)
        label = v.rating.label if v.rating.severity is not None else f"unrated, reported as {sev.value}"
        where = f"; built into {', '.join(owners)}" if owners else ""
        out.hits.append(VulnHit(RULE_OSV_LOCKFILE, Hit(
            f"{lock.path}: {v.package} {v.installed} ({v.ecosystem}) has {v.id} ({label}); "
            f"{_fixed_text(v)}{where}",
            Location(lock.path, pkg.line), resource, ", ".join(owners) or None,
            f"{v.id} {v.package}@{v.installed}", key=f"{v.id}/{v.package}/{v.installed}",
            severity=sev, confidence=Confidence.HIGH,
            extra=(("vulnerability", v.id), ("package", v.package), ("installed", v.installed),
                   ("fixed", v.fixed), ("ecosystem", v.ecosystem), *extra,
                   ("services", ", ".join(owners)), ("aliases", ", ".join(v.aliases))))))


def _shown(path: Path, root: Path) -> str:
    base = root if root.is_dir() else root.parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def find_lockfiles(roots: Sequence[Path], errors: list[InputError],
                   exclude: list[str] | None = None, *, walk_errors: bool = True) -> list[Lockfile]:
    """Lockfiles under ``roots``; with ``walk_errors=False`` folder problems (symlink loops)
    are left to the scan's own walk, which reports them already."""
    out: list[Lockfile] = []
    for root in roots:
        for path in iter_files(root, exclude or [], errors if walk_errors else []):
            reader = reader_for(path.name)
            if reader is None:
                continue
            shown = _shown(path, root)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                errors.append(InputError(shown, 0, f"cannot read lockfile: {exc.strerror}"))
                continue
            out.append(reader(shown, text, errors))
    return out


def collect(inventory: Inventory, documents: Sequence[Document], *,
            osv_dir: Path | None = None, lockfiles: Sequence[Lockfile] = (),
            out: Collected | None = None) -> Collected:
    """Hits for every document and lockfile, joined to the inventory's image sites."""
    out = out or Collected()
    index: OsvIndex | None = None
    if osv_dir is not None:
        index = load_index(osv_dir)
        out.errors.extend(index.errors)
        if index.advisories == 0 and not index.errors:
            out.notice(f"{osv_dir}: no OSV advisory found (expected one JSON per advisory, "
                       "or all.zip archives)")
    sites = image_sites(inventory)
    for doc in documents:
        _process_document(doc, sites, index, out)
        if doc.has_vulnerabilities:
            out.ran.add(RULE_REPORTED)
        if index is not None and doc.packages:
            out.ran.add(RULE_OSV_IMAGE)
    if index is not None and lockfiles:
        out.ran.add(RULE_OSV_LOCKFILE)
    if lockfiles and index is None:
        out.notice(f"{len(lockfiles)} lockfile(s) found but no OSV export given (--osv DIR): "
                   "their dependencies were not checked for advisories")
    elif index is not None:
        for lock in lockfiles:
            _lockfile_hits(lock, index, inventory, out)
    if index is not None:
        for n in index.notices:
            out.notice(n)
    return out


def vulnerability_findings(inventory: Inventory, *, reports: Sequence[Path] = (),
                           sboms: Sequence[Path] = (), osv_dir: Path | None = None,
                           tree_roots: Sequence[Path] = ()) -> VulnResult:
    """Findings MWV01-MWV03 for these reports, SBOMs, OSV export and the lockfiles under
    ``tree_roots``. Bad input becomes ``errors`` (file:line); the rest is still read."""
    from meshward.checks.engine import finding_from_hit
    from meshward.checks.registry import get_rule

    out = Collected()
    documents: list[Document] = []
    for path in [*reports, *sboms]:
        doc = read_document(path, str(path), out.errors)
        if doc is not None:
            documents.append(doc)
    # the inventory's own load walked these roots and reported folder problems already
    lockfiles = find_lockfiles(tree_roots, out.errors, walk_errors=False) if tree_roots else []
    collect(inventory, documents, osv_dir=osv_dir, lockfiles=lockfiles, out=out)
    findings: list[Finding] = []
    seen: set[str] = set()
    rules = {r: get_rule(r) for r in (RULE_REPORTED, RULE_OSV_IMAGE, RULE_OSV_LOCKFILE)}
    for vh in out.hits:
        rule = rules[vh.rule_id]
        if rule is None:  # pragma: no cover - the rules ship with this package
            raise RuntimeError(f"rule {vh.rule_id} is not registered")
        f = finding_from_hit(rule, vh.hit)
        if f.fingerprint not in seen:
            seen.add(f.fingerprint)
            findings.append(f)
    findings.sort(key=Finding.sort_key)
    return VulnResult(findings, out.notices, out.errors, out.ran)
