"""Reports and SBOMs in the shapes the tools write (Trivy JSON SchemaVersion 2, Grype JSON,
CycloneDX 1.5 JSON, SPDX 2.3 JSON), trimmed to what a handful of packages needs."""

from __future__ import annotations

from typing import Any

D_TRIVY = "sha256:" + "2" * 64
D_API = "sha256:" + "7" * 64
D_ALPINE = "sha256:" + "c" * 64

TRIVY: dict[str, Any] = {
    "SchemaVersion": 2,
    "CreatedAt": "2026-11-20T10:00:00.000000000Z",
    "ArtifactName": "python:3.12-slim",
    "ArtifactType": "container_image",
    "Metadata": {
        "Size": 130531840,
        "OS": {"Family": "debian", "Name": "12.5"},
        "ImageID": "sha256:" + "1" * 64,
        "DiffIDs": ["sha256:" + "3" * 64],
        "RepoTags": ["python:3.12-slim"],
        "RepoDigests": [f"python@{D_TRIVY}"],
        "ImageConfig": {"architecture": "amd64", "os": "linux"},
    },
    "Results": [
        {
            "Target": "python:3.12-slim (debian 12.5)",
            "Class": "os-pkgs",
            "Type": "debian",
            "Vulnerabilities": [
                {
                    "VulnerabilityID": "CVE-2024-2961",
                    "PkgID": "libc6@2.36-9+deb12u4",
                    "PkgName": "libc6",
                    "PkgIdentifier": {"PURL": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5"},
                    "InstalledVersion": "2.36-9+deb12u4",
                    "FixedVersion": "2.36-9+deb12u7",
                    "Status": "fixed",
                    "Layer": {"DiffID": "sha256:" + "3" * 64},
                    "SeveritySource": "nvd",
                    "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2024-2961",
                    "DataSource": {"ID": "debian", "Name": "Debian Security Tracker",
                                   "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"},
                    "Title": "glibc: Out of bounds write in iconv may lead to remote code execution",
                    "Severity": "HIGH",
                    "CweIDs": ["CWE-787"],
                    "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 8.1}},
                },
                {
                    "VulnerabilityID": "CVE-2023-31484",
                    "PkgID": "perl-base@5.36.0-7+deb12u1",
                    "PkgName": "perl-base",
                    "InstalledVersion": "5.36.0-7+deb12u1",
                    "Status": "affected",
                    "Severity": "UNKNOWN",
                    "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "V3Score": 7.5}},
                },
            ],
        },
        {
            "Target": "Python",
            "Class": "lang-pkgs",
            "Type": "python-pkg",
            "Vulnerabilities": [
                {
                    "VulnerabilityID": "CVE-2024-6345",
                    "PkgName": "setuptools",
                    "PkgPath": "usr/local/lib/python3.12/site-packages/setuptools-69.0.3.dist-info/METADATA",
                    "InstalledVersion": "69.0.3",
                    "FixedVersion": "70.0.0, 69.5.2",
                    "Status": "fixed",
                    "SeveritySource": "ghsa",
                    "Severity": "HIGH",
                },
            ],
        },
    ],
}

GRYPE: dict[str, Any] = {
    "matches": [{
        "vulnerability": {
            "id": "GHSA-35jh-r3h4-6jhm",
            "dataSource": "https://github.com/advisories/GHSA-35jh-r3h4-6jhm",
            "namespace": "github:language:javascript",
            "severity": "High",
            "urls": ["https://github.com/advisories/GHSA-35jh-r3h4-6jhm"],
            "cvss": [{"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
                      "metrics": {"baseScore": 7.2, "exploitabilityScore": 1.2, "impactScore": 5.9},
                      "vendorMetadata": {}}],
            "fix": {"versions": ["4.17.21"], "state": "fixed"},
            "advisories": [],
        },
        "relatedVulnerabilities": [{"id": "CVE-2021-23337", "dataSource": "https://nvd.nist.gov/vuln/detail/CVE-2021-23337",
                                    "namespace": "nvd:cpe", "severity": "High"}],
        "matchDetails": [],
        "artifact": {
            "id": "5e2a1c0d9b8f7a6e", "name": "lodash", "version": "4.17.20", "type": "npm",
            "locations": [{"path": "/app/node_modules/lodash/package.json"}],
            "language": "javascript", "licenses": ["MIT"], "cpes": [],
            "purl": "pkg:npm/lodash@4.17.20", "upstreams": [],
        },
    }],
    "source": {
        "type": "image",
        "target": {
            "userInput": "registry.example.com/shop/storefront:2.1.0",
            "imageID": "sha256:" + "4" * 64,
            "manifestDigest": "sha256:" + "5" * 64,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "tags": ["registry.example.com/shop/storefront:2.1.0"],
            "imageSize": 51234567,
            "layers": [],
            "repoDigests": ["registry.example.com/shop/storefront@sha256:" + "5" * 64],
            "architecture": "amd64",
            "os": "linux",
        },
    },
    "distro": {"name": "alpine", "version": "3.19.1", "idLike": []},
    "descriptor": {"name": "grype", "version": "0.74.7"},
}

_LIBCRYPTO = "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=3.19.1"
CYCLONEDX: dict[str, Any] = {
    "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "version": 1,
    "metadata": {
        "timestamp": "2026-11-20T10:00:00+00:00",
        "tools": {"components": [{"type": "application", "group": "aquasecurity", "name": "trivy", "version": "0.50.1"}]},
        "component": {
            "bom-ref": f"pkg:oci/alpine@{D_ALPINE.replace(':', '%3A')}?arch=amd64&repository_url=index.docker.io%2Flibrary%2Falpine",
            "type": "container",
            "name": "alpine:3.19.1",
            "purl": f"pkg:oci/alpine@{D_ALPINE.replace(':', '%3A')}?arch=amd64&repository_url=index.docker.io%2Flibrary%2Falpine",
            "properties": [
                {"name": "aquasecurity:trivy:RepoDigest", "value": f"alpine@{D_ALPINE}"},
                {"name": "aquasecurity:trivy:RepoTag", "value": "alpine:3.19.1"},
                {"name": "aquasecurity:trivy:SchemaVersion", "value": "2"},
            ],
        },
    },
    "components": [
        {
            "bom-ref": _LIBCRYPTO,
            "type": "library",
            "supplier": {"name": "Natanael Copa <ncopa@alpinelinux.org>"},
            "name": "libcrypto3",
            "version": "3.1.4-r5",
            "licenses": [{"license": {"id": "Apache-2.0"}}],
            "purl": _LIBCRYPTO,
            "properties": [
                {"name": "aquasecurity:trivy:PkgID", "value": "libcrypto3@3.1.4-r5"},
                {"name": "aquasecurity:trivy:PkgType", "value": "alpine"},
                {"name": "aquasecurity:trivy:SrcName", "value": "openssl"},
                {"name": "aquasecurity:trivy:SrcVersion", "value": "3.1.4-r5"},
            ],
        },
        {"bom-ref": "0d1e7c5a-os", "type": "operating-system", "name": "alpine", "version": "3.19.1"},
    ],
    "dependencies": [{"ref": "0d1e7c5a-os", "dependsOn": [_LIBCRYPTO]}],
    "vulnerabilities": [{
        "id": "CVE-2024-0727",
        "source": {"name": "alpine", "url": "https://secdb.alpinelinux.org/"},
        "ratings": [
            {"source": {"name": "nvd"}, "score": 5.5, "severity": "medium", "method": "CVSSv31",
             "vector": "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"},
        ],
        "cwes": [476],
        "description": "Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash",
        "published": "2024-01-26T09:15:07+00:00",
        "affects": [{"ref": _LIBCRYPTO, "versions": [
            {"version": "3.1.4-r5", "status": "affected"},
            {"version": "3.1.4-r6", "status": "unaffected"},
        ]}],
    }],
}


def spdx(version: str) -> dict[str, Any]:
    quoted = version.replace("+", "%2B")
    return {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "python:3.12-slim",
        "documentNamespace": "http://aquasecurity.github.io/trivy/container_image/python:3.12-slim-1c2d",
        "creationInfo": {"creators": ["Organization: aquasecurity", "Tool: trivy-0.50.1"],
                         "created": "2026-11-20T10:00:00Z"},
        "packages": [
            {"name": "python:3.12-slim", "SPDXID": "SPDXRef-ContainerImage-1", "downloadLocation": "NONE",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": f"pkg:oci/python@{D_API.replace(':', '%3A')}?arch=amd64&repository_url=index.docker.io%2Flibrary%2Fpython"}],
             "primaryPackagePurpose": "CONTAINER"},
            {"name": "debian", "SPDXID": "SPDXRef-OperatingSystem-1", "versionInfo": "12.5",
             "downloadLocation": "NONE", "primaryPackagePurpose": "OPERATING-SYSTEM"},
            {"name": "libc6", "SPDXID": "SPDXRef-Package-1", "versionInfo": version,
             "downloadLocation": "NONE", "filesAnalyzed": False,
             "sourceInfo": f"built package from: glibc {version}",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": f"pkg:deb/debian/libc6@{quoted}?arch=amd64&distro=debian-12.5"}],
             "primaryPackagePurpose": "LIBRARY"},
            {"name": "tzdata", "SPDXID": "SPDXRef-Package-2", "versionInfo": "2024a-0+deb12u1",
             "downloadLocation": "NONE",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12.5"}],
             "primaryPackagePurpose": "LIBRARY"},
        ],
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-ContainerImage-1",
                           "relationshipType": "DESCRIBES"}],
    }
