"""MWV01-MWV03: known vulnerabilities (SUP-VULN), joined to the services that run the image.

In ``meshward scan`` the reports and SBOMs are the JSON files of the scanned tree that are
recognised by content (a CI that writes ``trivy.json`` beside the manifests), and the OSV
export is ``osv:`` in .meshward.yaml (a folder, relative to the config file). ``meshward
images --osv DIR --sbom FILE`` calls :func:`meshward.vuln.join.vulnerability_findings`.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.vuln.scan import collected_for

_OSV = "https://ossf.github.io/osv-schema/"
_TRIVY = "https://trivy.dev/latest/docs/configuration/reporting/#json"
_GRYPE = "https://github.com/anchore/grype#supported-sources"


_NEEDS = {
    "MWV01": "no Trivy/Grype JSON report or SBOM with vulnerability data among the scanned files",
    "MWV02": "no SBOM package list together with an OSV export (`osv:` in .meshward.yaml)",
    "MWV03": "no lockfile in the tree together with an OSV export (`osv:` in .meshward.yaml)",
}


def _hits(ctx: ScanContext, rule_id: str) -> Iterator[Hit]:
    collected = collected_for(ctx)
    if rule_id not in collected.ran:
        ctx.not_run.add(rule_id)  # SUP-VULN is not "met" for want of data
        ctx.notice(f"not run: {rule_id}: {_NEEDS[rule_id]}")
        return
    for vh in collected.hits:
        if vh.rule_id == rule_id:
            yield vh.hit


@rule(
    id="MWV01",
    title="Image has a known vulnerability (scanner report or SBOM)",
    severity=Severity.MEDIUM,
    practices=("SUP-VULN",),
    command="scan, images",
    targets=("files",),
    cwe="CWE-1395",
    rationale=(
        "A scanner (Trivy, Grype) or an SBOM with vulnerability data says a package of an "
        "image has a published vulnerability. Every service running that image carries it; "
        "meshward names those services so the fix reaches all of them. The severity is the "
        "scanner's, with the CVSS score when it gives one."
    ),
    remediation=(
        "Rebuild the image on a patched base (or upgrade the package to the fixed version "
        "named in the finding), push it, pin the new digest and redeploy every service named. "
        "When no fix exists yet, judge exposure and record an `ignore:` with a reason and expiry."
    ),
    references=(_TRIVY, _GRYPE, "https://cyclonedx.org/capabilities/vex/"),
    example_fail="# trivy.json beside the manifests, for the image web runs\n"
                 "\"VulnerabilityID\": \"CVE-2024-2961\", \"PkgName\": \"libc6\", "
                 "\"InstalledVersion\": \"2.36-9+deb12u4\", \"FixedVersion\": \"2.36-9+deb12u7\"",
    example_pass="# the report of the rebuilt image lists no vulnerability\n\"Results\": []",
)
def reported_vulnerability(ctx: ScanContext) -> Iterator[Hit]:
    return _hits(ctx, "MWV01")


@rule(
    id="MWV02",
    title="OS package of an image matches an OSV advisory",
    severity=Severity.MEDIUM,
    practices=("SUP-VULN",),
    command="scan, images",
    targets=("files",),
    cwe="CWE-1395",
    rationale=(
        "An SBOM lists the image's OS packages (Debian, Ubuntu, Alpine); an advisory of the "
        "OSV database affects the installed version, evaluated with the distribution's own "
        "version order (dpkg epochs and tildes, apk suffixes). Base images age: a base that "
        "was clean when built collects advisories every week."
    ),
    remediation=(
        "Rebuild on the current base image (or `apt-get upgrade`/`apk upgrade` the package to "
        "the fixed version named), pin the new digest and redeploy the services named."
    ),
    references=(_OSV, "https://google.github.io/osv.dev/data/#data-dumps",
                "https://www.debian.org/doc/debian-policy/ch-controlfields.html#version"),
    example_fail="# sbom.spdx.json: libc6 2.36-9+deb12u4 (source glibc) in Debian 12;\n"
                 "# OSV DSA-5673-1 affects glibc < 2.36-9+deb12u7",
    example_pass="# the same SBOM after the rebuild: glibc 2.36-9+deb12u7",
)
def osv_image_package(ctx: ScanContext) -> Iterator[Hit]:
    return _hits(ctx, "MWV02")


@rule(
    id="MWV03",
    title="Locked dependency matches an OSV advisory",
    severity=Severity.MEDIUM,
    practices=("SUP-VULN",),
    command="scan, images",
    targets=("files",),
    cwe="CWE-1395",
    rationale=(
        "A lockfile (requirements.txt pins, poetry.lock, package-lock.json, go.sum) pins a "
        "version that an OSV advisory affects; the image built from that folder ships it. "
        "Ranges are evaluated with the ecosystem's order (PEP 440, SemVer with pre-releases)."
    ),
    remediation=(
        "Upgrade the dependency to the fixed version named in the finding (or later), "
        "regenerate the lockfile, rebuild and redeploy the services named."
    ),
    references=(_OSV, "https://peps.python.org/pep-0440/", "https://semver.org/#spec-item-11"),
    example_fail="# requirements.txt\njinja2==3.1.2",
    example_pass="# requirements.txt\njinja2==3.1.6",
)
def osv_lockfile(ctx: ScanContext) -> Iterator[Hit]:
    return _hits(ctx, "MWV03")


