"""Grype's JSON report (``grype IMAGE -o json``): ``matches[]`` of vulnerability + artifact,
``source.target`` naming the image (``userInput``, ``tags``, ``repoDigests``,
``manifestDigest``)."""

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
)
from meshward.vuln.model import Document, ImageIdentity, Vuln


def looks_like(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("matches"), list) and (
        "descriptor" in value or "source" in value)


def _rating(v: YMap) -> severity.Rating:
    word = severity.from_word(v.get("severity"), "Grype")
    score = None
    vector = ""
    for c in maps(v.get("cvss")):
        metrics = as_ymap(c.get("metrics"))
        if isinstance(metrics.get("baseScore"), (int, float)):
            score = float(metrics["baseScore"])
            vector = str(c.get("vector") or "")
            break
    if word is not None and word.severity is not None:
        return severity.Rating(word.severity, score, vector, "Grype")
    return severity.best([severity.from_vector(vector) if vector else None])


def read(path: str, doc: YMap, errors: list[InputError]) -> Document:
    r = Reader(path, "Grype report", errors)
    source = as_ymap(doc.get("source"))
    target = source.get("target")
    image: ImageIdentity | None = None
    artifact = ""
    if source.get("type") == "image" and isinstance(target, YMap):
        artifact = r.text(target, "userInput")
        tags = [str(t) for t in target.get("tags") or [] if isinstance(t, str)]
        repo_digests = [str(t) for t in target.get("repoDigests") or [] if isinstance(t, str)]
        manifest = r.text(target, "manifestDigest")
        refs: list[str] = []
        for ref in [artifact, *tags, *repo_digests]:
            if ref and ref not in refs:
                refs.append(ref)
        image = ImageIdentity(tuple(refs), digests_in([*repo_digests, manifest]))
    elif isinstance(target, str):
        artifact = target
    distro = as_ymap(doc.get("distro"))
    os_eco = distro_ecosystem(str(distro.get("name") or ""), str(distro.get("version") or ""))
    out = Document(path, "grype", image, artifact or path, has_vulnerabilities=True)
    for m in doc.get("matches") or []:
        if not isinstance(m, YMap):
            r.error(doc.line, "a match is not an object")
            continue
        v = m.get("vulnerability")
        a = m.get("artifact")
        if not isinstance(v, YMap) or not isinstance(a, YMap):
            r.error(m.line, "match has no 'vulnerability' or 'artifact' object")
            continue
        vid = r.text(v, "id", required=True, what="vulnerability")
        pkg = r.text(a, "name", required=True, what=f"artifact of {vid or '?'}")
        installed = r.text(a, "version", required=True, what=f"artifact {pkg or '?'}")
        if not (vid and pkg and installed):
            continue
        fix = as_ymap(v.get("fix"))
        fixed = ", ".join(str(x) for x in fix.get("versions") or [] if isinstance(x, str))
        eco = os_eco
        purl = parse_purl(r.text(a, "purl"))
        if purl is not None:
            eco = purl_package(purl)[0] or os_eco
        aliases = tuple(str(rv.get("id")) for rv in maps(m.get("relatedVulnerabilities"))
                        if rv.get("id") and rv.get("id") != vid)
        out.vulns.append(Vuln(id=vid, package=pkg, installed=installed, fixed=fixed,
                              rating=_rating(v), line=m.line, aliases=aliases, ecosystem=eco,
                              kind="image"))
    return out
