"""MW981: the CI pipeline runs a security gate (SUP-PIPELINE)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.source import Location

# Where CI systems keep their pipeline definitions.
_CI_FILE = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Jenkinsfile|azure-pipelines\.ya?ml|"
    r"\.circleci/config\.ya?ml|bitbucket-pipelines\.ya?ml|\.drone\.ya?ml|\.buildkite/[^/]+\.ya?ml|"
    r"\.tekton/[^/]+\.ya?ml|cloudbuild\.ya?ml)$")
# Scanners that gate deployment files, images or secrets.
_GATES = re.compile(
    r"\b(meshward|checkov|trivy|kubescape|kube-linter|kubelinter|gitleaks|trufflehog|detect-secrets|"
    r"snyk|grype|semgrep|kics|terrascan|tfsec|polaris|kube-score|conftest|hadolint|dockle|"
    r"codeql|anchore|prisma|wiz|sonar)\b", re.IGNORECASE)


def _read(ctx: ScanContext, shown: str) -> str:
    for root in ctx.inventory.roots or [ctx.inventory.root]:
        base = Path(root)
        full = base / shown if base.is_dir() else base
        if full.is_file():
            try:
                return full.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return ""
    return ""


@rule(
    id="MW981",
    title="CI pipeline runs no security gate",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    practices=("SUP-PIPELINE",),
    targets=("files",),
    rationale=(
        "Checks that run only on a laptop are skipped exactly when they matter. The guide asks "
        "for security checks in the pipeline as a gate: a change that adds a privileged "
        "container, a public database or a committed key must fail the build. The rule reads "
        "the CI definitions in the tree (GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, "
        "CircleCI, Bitbucket, Drone, Buildkite, Tekton, Cloud Build) and looks for a scanner."
    ),
    remediation=(
        "Add a step that runs `meshward scan . --fail-on high -f sarif -o meshward.sarif` (and "
        "`meshward secrets --since $BASE`) and fails the job on exit code 1; upload the SARIF "
        "file to the code-scanning view. Use `meshward baseline` to start from today's findings."
    ),
    references=("https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/uploading-a-sarif-file-to-github",),
    example_fail="# .github/workflows/ci.yml\nsteps:\n  - run: make test",
    example_pass="# .github/workflows/ci.yml\nsteps:\n  - run: meshward scan deploy/ --fail-on high",
)
def no_security_gate(ctx: ScanContext) -> Iterator[Hit]:
    ci = sorted(p for p in ctx.inventory.text_files if _CI_FILE.search(PurePosixPath(p).as_posix()))
    if not ci:
        return  # no pipeline in the tree: nothing to judge
    if any(_GATES.search(_read(ctx, p)) for p in ci):
        return
    yield Hit(f"{len(ci)} CI pipeline file(s) ({', '.join(ci[:3])}{'...' if len(ci) > 3 else ''}) "
              "and none runs a security scanner (meshward, checkov, trivy, gitleaks...) as a gate",
              Location(ci[0], 1), ResourceRef("Pipeline", ci[0]), None, key="pipeline")
