"""A small OSV export in the real OSV JSON format (schema 1.6), written by the tests."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any


def advisory(id: str, ecosystem: str, name: str, ranges: list[dict[str, Any]], *,
             aliases: tuple[str, ...] = (), severity: list[dict[str, str]] | None = None,
             database_specific: dict[str, Any] | None = None, summary: str = "",
             versions: list[str] | None = None, withdrawn: str = "") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2024-05-06T16:43:19Z",
        "published": "2024-04-17T00:00:00Z",
        "aliases": list(aliases),
        "summary": summary or f"{name} advisory",
        "details": f"Details of {id}.",
        "affected": [{
            "package": {"ecosystem": ecosystem, "name": name},
            "ranges": ranges,
            **({"versions": versions} if versions is not None else {}),
        }],
        "references": [{"type": "ADVISORY", "url": f"https://osv.dev/vulnerability/{id}"}],
    }
    if severity is not None:
        doc["severity"] = severity
    if database_specific is not None:
        doc["database_specific"] = database_specific
    if withdrawn:
        doc["withdrawn"] = withdrawn
    return doc


def ecosystem_range(*events: dict[str, str], type: str = "ECOSYSTEM") -> dict[str, Any]:
    return {"type": type, "events": list(events)}


def write_export(root: Path) -> Path:
    """OSV's layout: one folder per ecosystem, loose JSON files and an all.zip."""
    loose = {
        "PyPI/GHSA-h5c8-rqwp-cp95.json": advisory(
            "GHSA-h5c8-rqwp-cp95", "PyPI", "jinja2",
            [ecosystem_range({"introduced": "0"}, {"fixed": "3.1.3"})],
            aliases=("CVE-2024-22195",),
            severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N"}],
            database_specific={"severity": "MODERATE", "cwe_ids": ["CWE-79"]}),
        "PyPI/GHSA-g4mx-q9vg-27p4.json": advisory(
            "GHSA-g4mx-q9vg-27p4", "PyPI", "urllib3",
            [ecosystem_range({"introduced": "0"}, {"fixed": "1.26.18"},
                             {"introduced": "2.0.0"}, {"fixed": "2.0.7"})],
            aliases=("CVE-2023-45803",), database_specific={"severity": "MODERATE"}),
        "PyPI/PYSEC-2099-1.json": advisory(  # withdrawn: must never match
            "PYSEC-2099-1", "PyPI", "jinja2", [ecosystem_range({"introduced": "0"})],
            withdrawn="2024-02-01T00:00:00Z"),
        "npm/GHSA-35jh-r3h4-6jhm.json": advisory(
            "GHSA-35jh-r3h4-6jhm", "npm", "lodash",
            [ecosystem_range({"introduced": "0"}, {"fixed": "4.17.21"})],
            aliases=("CVE-2021-23337",),
            severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
            database_specific={"severity": "HIGH"}),
        "npm/GHSA-pre-release.json": advisory(
            "GHSA-xxxx-pre-rel1", "npm", "@scope/widget",
            [ecosystem_range({"introduced": "2.0.0-alpha.1"}, {"last_affected": "2.0.0-rc.2"})],
            database_specific={"severity": "LOW"}),
        "Go/GO-2024-2687.json": advisory(
            "GO-2024-2687", "Go", "golang.org/x/net",
            [ecosystem_range({"introduced": "0"}, {"fixed": "0.23.0"}, type="SEMVER")],
            aliases=("CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m")),
        "Alpine/ALPINE-CVE-2024-2511.json": advisory(
            "ALPINE-CVE-2024-2511", "Alpine:v3.19", "openssl",
            [ecosystem_range({"introduced": "0"}, {"fixed": "3.1.4-r6"})],
            severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"}]),
        "Alpine/ALPINE-CVE-2024-0727.json": advisory(  # the CycloneDX report already names it
            "ALPINE-CVE-2024-0727", "Alpine:v3.19", "openssl",
            [ecosystem_range({"introduced": "0"}, {"fixed": "3.1.4-r5"}),
             ecosystem_range({"introduced": "0"}, {"fixed": "3.1.4-r6"})],
            aliases=("CVE-2024-0727",)),
        "Alpine/ALPINE-CVE-2023-0001.json": advisory(  # other release: must not match 3.19
            "ALPINE-CVE-2023-0001", "Alpine:v3.18", "openssl",
            [ecosystem_range({"introduced": "0"}, {"fixed": "9.9.9-r0"})]),
    }
    for rel, doc in loose.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2))
    debian = root / "Debian"
    debian.mkdir(parents=True, exist_ok=True)
    dsa = advisory("DSA-5673-1", "Debian:12", "glibc",
                   [ecosystem_range({"introduced": "0"}, {"fixed": "2.36-9+deb12u7"})],
                   summary="glibc - security update")
    dsa["related"] = ["CVE-2024-2961"]
    old = advisory("DSA-5000-1", "Debian:11", "glibc",
                   [ecosystem_range({"introduced": "0"}, {"fixed": "9.99-1"})])
    with zipfile.ZipFile(debian / "all.zip", "w") as zf:
        zf.writestr("DSA-5673-1.json", json.dumps(dsa, indent=2))
        zf.writestr("DSA-5000-1.json", json.dumps(old, indent=2))
    return root
