"""SPDX 2.2/2.3 JSON documents, read against the published schema.

The image is the package whose ``primaryPackagePurpose`` is ``CONTAINER`` or whose purl is
``pkg:oci/...`` (Trivy and Syft write one), else the document's ``name``. Packages are
``packages[]`` with a ``purl`` external reference (``referenceCategory``
``PACKAGE-MANAGER``, or ``PACKAGE_MANAGER`` as SPDX 2.2 spelled it). Trivy writes the
source package in ``sourceInfo`` ("built package from: glibc 2.36-9+deb12u4").
SPDX carries no vulnerabilities: its packages are matched against an OSV export.

spdx-tools was considered: it brings rdflib, ply and beartype for a reader that only
needs ``packages[]``.
"""

from __future__ import annotations

import re
from typing import Any

from meshward.errors import InputError
from meshward.model.source import YMap
from meshward.vuln.formats.common import Reader, digests_in, maps, parse_purl, purl_package
from meshward.vuln.model import Document, ImageIdentity, Package

_SOURCE_INFO = re.compile(r"built package from:\s*(\S+)\s+(\S+)", re.IGNORECASE)


def looks_like(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("spdxVersion", "")).startswith("SPDX-")


def _purl_of(pkg: YMap) -> str:
    for ref in maps(pkg.get("externalRefs")):
        if ref.get("referenceType") == "purl" and isinstance(ref.get("referenceLocator"), str):
            return str(ref["referenceLocator"])
    return ""


def read(path: str, doc: YMap, errors: list[InputError]) -> Document:
    r = Reader(path, "SPDX SBOM", errors)
    packages = doc.get("packages")
    image: ImageIdentity | None = None
    name = r.text(doc, "name")
    out = Document(path, "spdx", None, name or path)
    if not isinstance(packages, list):
        r.error(doc.line, "document has no 'packages' list", "nothing was read from it")
        return out
    for pkg in maps(packages):
        purl_text = _purl_of(pkg)
        purl = parse_purl(purl_text) if purl_text else None
        pname = r.text(pkg, "name")
        version = r.text(pkg, "versionInfo")
        if (purl is not None and purl.type == "oci") or pkg.get("primaryPackagePurpose") == "CONTAINER":
            refs: list[str] = []
            digests: list[str] = []
            if purl is not None and purl.type == "oci":
                q = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
                repo = str(q.get("repository_url", ""))
                if repo and q.get("tag"):
                    refs.append(f"{repo}:{q['tag']}")
                if repo and purl.version:
                    refs.append(f"{repo}@{purl.version}")
                digests.append(purl.version or "")
            if pname:
                refs.append(f"{pname}:{version}" if version and not version.startswith("sha256:")
                            and ":" not in pname.rsplit("/", 1)[-1] else pname)
            image = ImageIdentity(tuple(dict.fromkeys(refs)), digests_in(digests))
            continue
        if purl_text and purl is None:
            r.error(pkg.line, f"package {pname or '?'} has a purl that does not parse: {purl_text!r}")
            continue
        if purl is None:
            continue  # files, the OS itself, packages without a purl: nothing to match
        eco, n, src, src_ver = purl_package(purl)
        version = version or (purl.version or "")
        if not version:
            r.error(pkg.line, f"package {pname or n} has no 'versionInfo' nor purl version")
            continue
        m = _SOURCE_INFO.search(r.text(pkg, "sourceInfo"))
        if m and not src:
            src, src_ver = m.group(1), m.group(2)
        out.packages.append(Package(n, version, eco, purl_text, src, src_ver, pkg.line))
    if image is None and name:
        image = None  # a document name alone is not an image reference we can trust
    out.image = image
    return out
