"""Trivy's JSON report (``trivy image -f json``, SchemaVersion 2).

``Results[]`` hold one target each (the OS packages, each language's packages) and their
``Vulnerabilities[]``; ``Metadata.RepoTags``/``RepoDigests`` name the image.
"""

from __future__ import annotations

from typing import Any

from meshward.errors import InputError
from meshward.model.source import YMap
from meshward.vuln import severity
from meshward.vuln.formats.common import (
    Reader,
    as_ymap,
    digests_in,
    distro_ecosystem,
    maps,
    parse_purl,
    purl_package,
    split_fixed,
)
from meshward.vuln.model import Document, ImageIdentity, Package, Vuln

_LANG_ECOSYSTEMS = {"python-pkg": "PyPI", "pip": "PyPI", "pipenv": "PyPI", "poetry": "PyPI",
                    "uv": "PyPI", "npm": "npm", "node-pkg": "npm", "yarn": "npm", "pnpm": "npm",
                    "gomod": "Go", "gobinary": "Go", "cargo": "crates.io",
                    "rust-binary": "crates.io", "jar": "Maven", "pom": "Maven",
                    "gradle": "Maven", "bundler": "RubyGems", "gemspec": "RubyGems",
                    "composer": "Packagist", "nuget": "NuGet"}


def looks_like(value: Any) -> bool:
    return isinstance(value, dict) and "SchemaVersion" in value and (
        "Results" in value or "ArtifactName" in value)


def _rating(v: YMap) -> severity.Rating:
    word = severity.from_word(v.get("Severity"), "Trivy")
    score = None
    vector = ""
    cvss_all = as_ymap(v.get("CVSS"))
    preferred = [str(v.get("SeveritySource") or ""), "nvd", *cvss_all.keys()]
    for source in preferred:
        entry = as_ymap(cvss_all.get(source))
        for sk, vk in (("V40Score", "V40Vector"), ("V3Score", "V3Vector"), ("V2Score", "V2Vector")):
            if isinstance(entry.get(sk), (int, float)) and entry.get(sk):
                score = float(entry[sk])
                vector = str(entry.get(vk) or "")
                break
        if score is not None:
            break
    if word is not None and word.severity is not None:
        return severity.Rating(word.severity, score, vector, "Trivy")
    from_vec = severity.from_vector(vector) if vector else None
    return severity.best([from_vec])


def _packages(r: Reader, res: YMap, eco: str) -> list[Package]:
    """``Packages`` (written with ``--list-all-pkgs``): matched against OSV like an SBOM's.
    Trivy splits a Debian source version into SrcEpoch, SrcVersion and SrcRelease."""
    out: list[Package] = []
    for p in maps(res.get("Packages")):
        name, version = r.text(p, "Name"), r.text(p, "Version")
        if not name or not version:
            r.error(p.line, "package without Name or Version")
            continue
        release = r.text(p, "Release")
        if release and not version.endswith(f"-{release}"):
            version = f"{version}-{release}"
        epoch = p.get("Epoch")
        if isinstance(epoch, int) and epoch and not version.startswith(f"{epoch}:"):
            version = f"{epoch}:{version}"
        src, src_ver = r.text(p, "SrcName"), r.text(p, "SrcVersion")
        src_rel, src_epoch = r.text(p, "SrcRelease"), p.get("SrcEpoch")
        if src_ver and src_rel:
            src_ver = f"{src_ver}-{src_rel}"
        if src_ver and isinstance(src_epoch, int) and src_epoch:
            src_ver = f"{src_epoch}:{src_ver}"
        purl_text = r.text(as_ymap(p.get("Identifier")), "PURL")
        purl = parse_purl(purl_text) if purl_text else None
        pkg_eco, pkg_name = eco, name
        if purl is not None:
            pkg_eco, pkg_name, _, _ = purl_package(purl)
            pkg_eco = pkg_eco or eco
        out.append(Package(pkg_name, version, pkg_eco, purl_text, src, src_ver, p.line))
    return out


def read(path: str, doc: YMap, errors: list[InputError]) -> Document:
    r = Reader(path, "Trivy report", errors)
    meta = as_ymap(doc.get("Metadata"))
    artifact = r.text(doc, "ArtifactName")
    art_type = r.text(doc, "ArtifactType")
    refs: list[str] = []
    repo_tags = [str(t) for t in meta.get("RepoTags") or [] if isinstance(t, str)]
    repo_digests = [str(t) for t in meta.get("RepoDigests") or [] if isinstance(t, str)]
    image: ImageIdentity | None = None
    if art_type in ("container_image", "") and (artifact or repo_tags or repo_digests) and \
            (art_type == "container_image" or repo_tags or repo_digests):
        for ref in [artifact, *repo_tags, *repo_digests]:
            if ref and ref not in refs:
                refs.append(ref)
        image = ImageIdentity(tuple(refs), digests_in(repo_digests))
    os_meta = as_ymap(meta.get("OS"))
    os_eco = distro_ecosystem(str(os_meta.get("Family") or ""), str(os_meta.get("Name") or ""))
    out = Document(path, "trivy", image, artifact or path)
    results = doc.get("Results")
    if results is None:
        out.has_vulnerabilities = True  # a clean scan may omit Results
        return out
    if not isinstance(results, list):
        r.error(doc.line, "'Results' is not a list", "the report was not read")
        return out
    out.has_vulnerabilities = True
    for res in maps(results):
        rtype = r.text(res, "Type")
        eco = _LANG_ECOSYSTEMS.get(rtype, os_eco if res.get("Class") == "os-pkgs" else rtype)
        out.packages.extend(_packages(r, res, eco))
        vulns = res.get("Vulnerabilities")
        if vulns is None:
            continue
        if not isinstance(vulns, list):
            r.error(res.line, "'Vulnerabilities' is not a list")
            continue
        for v in vulns:
            if not isinstance(v, YMap):
                r.error(res.line, "a vulnerability is not an object")
                continue
            vid = r.text(v, "VulnerabilityID", required=True, what="vulnerability")
            pkg = r.text(v, "PkgName", required=True, what=f"vulnerability {vid or '?'}")
            installed = r.text(v, "InstalledVersion", required=True,
                               what=f"vulnerability {vid or '?'} of {pkg or '?'}")
            if not (vid and pkg and installed):
                continue
            out.vulns.append(Vuln(
                id=vid, package=pkg, installed=installed,
                fixed=split_fixed(r.text(v, "FixedVersion")), rating=_rating(v), line=v.line,
                title=r.text(v, "Title"), ecosystem=eco, kind="image"))
    return out
