"""CycloneDX JSON SBOMs (spec 1.4-1.6), read against the published schema.

- the image: ``metadata.component`` of type ``container`` (name, version, purl
  ``pkg:oci/...@sha256:...``, Trivy's ``aquasecurity:trivy:RepoTag``/``RepoDigest``
  properties);
- packages: ``components[]`` (nested ``components`` too) with a ``purl``;
- vulnerabilities (a "BOV", e.g. ``trivy --format cyclonedx --scanners vuln``):
  ``vulnerabilities[]`` with ``ratings[]`` and ``affects[].ref`` naming a component's
  ``bom-ref``; a fixed version is an ``affects[].versions[]`` entry with status
  ``unaffected``, or the ``recommendation`` text.

cyclonedx-python-lib was considered: its objects keep no source lines (every error here gives
file:line), and an error while deserializing loses the whole document.
"""

from __future__ import annotations

import re
from typing import Any

from meshward.errors import InputError
from meshward.model.source import YMap
from meshward.vuln import severity
from meshward.vuln.formats.common import Reader, as_ymap, digests_in, maps, parse_purl, purl_package
from meshward.vuln.model import Document, ImageIdentity, Package, Vuln

_METHOD_PREFIX = {"CVSSv2": "", "CVSSv3": "CVSS:3.0/", "CVSSv31": "CVSS:3.1/", "CVSSv4": "CVSS:4.0/"}
# CycloneDX VEX analysis states under which a listed vulnerability is not a finding.
_NOT_A_PROBLEM = frozenset({"not_affected", "false_positive", "resolved", "resolved_with_pedigree"})
_RECOMMEND = re.compile(r"\bto (?:version )?([0-9][^\s,;]*)", re.IGNORECASE)


def looks_like(value: Any) -> bool:
    return isinstance(value, dict) and value.get("bomFormat") == "CycloneDX"


def _props(obj: YMap) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in maps(obj.get("properties")):
        name, value = p.get("name"), p.get("value")
        if isinstance(name, str) and isinstance(value, str):
            out.setdefault(name, []).append(value)
    return out


def _image(meta_component: YMap) -> ImageIdentity | None:
    if meta_component.get("type") != "container":
        return None
    props = _props(meta_component)
    name = str(meta_component.get("name") or "")
    version = str(meta_component.get("version") or "")
    refs: list[str] = []
    digest_sources: list[str] = []
    purl = parse_purl(str(meta_component.get("purl") or ""))
    if purl is not None and purl.type == "oci":
        repo = str((purl.qualifiers or {}).get("repository_url", "")) if isinstance(purl.qualifiers, dict) else ""
        tag = str((purl.qualifiers or {}).get("tag", "")) if isinstance(purl.qualifiers, dict) else ""
        if repo and tag:
            refs.append(f"{repo}:{tag}")
        if repo and purl.version:
            refs.append(f"{repo}@{purl.version}")
        digest_sources.append(purl.version or "")
    if name:
        if version.startswith("sha256:"):
            refs.append(f"{name}@{version}")
            digest_sources.append(version)
        elif version and ":" not in name.rsplit("/", 1)[-1]:
            refs.append(f"{name}:{version}")
        else:
            refs.append(name)
    refs.extend(props.get("aquasecurity:trivy:RepoTag", []))
    repo_digests = props.get("aquasecurity:trivy:RepoDigest", [])
    refs.extend(repo_digests)
    digest_sources.extend(repo_digests)
    unique = tuple(dict.fromkeys(r for r in refs if r))
    return ImageIdentity(unique, digests_in(digest_sources)) if unique else None


def _walk_components(value: Any, out: list[YMap]) -> None:
    for c in maps(value):
        out.append(c)
        _walk_components(c.get("components"), out)


def _rating(r: Reader, v: YMap) -> severity.Rating:
    candidates: list[severity.Rating | None] = []
    for rating in maps(v.get("ratings")):
        vector = str(rating.get("vector") or "")
        method = str(rating.get("method") or "")
        if vector and not vector.startswith("CVSS:") and method in _METHOD_PREFIX:
            vector = _METHOD_PREFIX[method] + vector
        word = severity.from_word(rating.get("severity"), "CycloneDX rating")
        score = rating.get("score")
        if word is not None and word.severity is not None:
            candidates.append(severity.Rating(word.severity,
                                              float(score) if isinstance(score, (int, float)) else None,
                                              vector, "CycloneDX rating"))
        elif isinstance(score, (int, float)):
            candidates.append(severity.from_score(float(score), "CycloneDX rating", vector))
        elif vector:
            candidates.append(severity.from_vector(vector))
    return severity.best(candidates)


def read(path: str, doc: YMap, errors: list[InputError]) -> Document:
    r = Reader(path, "CycloneDX SBOM", errors)
    meta = as_ymap(doc.get("metadata"))
    component = as_ymap(meta.get("component"))
    image = _image(component)
    artifact = str(component.get("name") or "") or path
    out = Document(path, "cyclonedx", image, artifact)
    by_ref: dict[str, tuple[str, str, str]] = {}  # bom-ref -> (name, version, ecosystem)
    components: list[YMap] = []
    _walk_components(doc.get("components"), components)
    for c in components:
        name = r.text(c, "name")
        version = r.text(c, "version")
        ref = r.text(c, "bom-ref")
        purl = parse_purl(r.text(c, "purl")) if c.get("purl") else None
        eco, pname, src, src_ver = ("", name, "", "")
        if purl is not None:
            eco, pname, src, src_ver = purl_package(purl)
            version = version or (purl.version or "")
            props = _props(c)
            src = src or next(iter(props.get("aquasecurity:trivy:SrcName", [])), "")
            src_ver = src_ver or next(iter(props.get("aquasecurity:trivy:SrcVersion", [])), "")
        elif c.get("purl") is not None:
            r.error(c.line, f"component {name or '?'} has a purl that does not parse: "
                    f"{c.get('purl')!r}", "the component was read without its ecosystem")
        if ref:
            by_ref[ref] = (pname or name, version, eco)
        if purl is not None and pname and version and c.get("type") != "container":
            out.packages.append(Package(pname, version, eco, r.text(c, "purl"), src, src_ver, c.line))
    vulns = doc.get("vulnerabilities")
    if vulns is None:
        return out
    out.has_vulnerabilities = True
    for v in maps(vulns):
        vid = r.text(v, "id", required=True, what="vulnerability")
        if not vid:
            continue
        state = str(as_ymap(v.get("analysis")).get("state") or "")
        if state in _NOT_A_PROBLEM:  # VEX: the producer says it does not apply
            names = tuple(by_ref[str(a.get("ref"))][0] for a in maps(v.get("affects"))
                          if str(a.get("ref")) in by_ref)
            out.dismissed.append((vid, names, state))
            continue
        affects = maps(v.get("affects"))
        if not affects:
            r.error(v.line, f"vulnerability {vid} has no 'affects' entry naming a component")
            continue
        rating = _rating(r, v)
        recommendation = r.text(v, "recommendation")
        for aff in affects:
            ref = r.text(aff, "ref", required=True, what=f"affects entry of {vid}")
            if not ref:
                continue
            if ref not in by_ref:
                r.error(aff.line, f"vulnerability {vid} affects {ref!r}, which no component's "
                        "bom-ref names")
                continue
            name, version, eco = by_ref[ref]
            fixed = [str(x.get("version")) for x in maps(aff.get("versions"))
                     if x.get("status") == "unaffected" and x.get("version")]
            if not fixed:
                fixed = _RECOMMEND.findall(recommendation)
            out.vulns.append(Vuln(id=vid, package=name, installed=version, fixed=", ".join(fixed),
                                  rating=rating, line=v.line, title=r.text(v, "description")[:200],
                                  ecosystem=eco, kind="sbom"))
    return out
