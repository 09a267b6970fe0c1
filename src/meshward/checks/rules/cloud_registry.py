"""MWC50-MWC52: container registries in the cloud (ECR): mutable tags, no scan on push, open
repository policies."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import facts, hit, resources, statements, truthy
from meshward.findings.finding import Severity
from meshward.model.cloud import is_unknown

_ECR = ("https://docs.aws.amazon.com/AmazonECR/latest/userguide/security-best-practices.html",)


@rule(
    id="MWC50",
    title="ECR repository with mutable tags",
    severity=Severity.MEDIUM,
    practices=("SUP-PROVENANCE",),
    targets=("cloud",),
    cwe="CWE-494",
    references=_ECR,
    rationale=(
        "With MUTABLE tags (the default), pushing `orders:1.4.2` again replaces the image every "
        "deployment referring to that tag runs next: a compromised CI job or key silently swaps "
        "production code."
    ),
    remediation="Set `image_tag_mutability = \"IMMUTABLE\"` and deploy by digest.",
    example_fail='resource "aws_ecr_repository" "orders" {\n  name = "orders"\n}',
    example_pass=('resource "aws_ecr_repository" "orders" {\n  name = "orders"\n'
                  '  image_tag_mutability = "IMMUTABLE"\n}'),
)
def mutable_tags(ctx: ScanContext) -> Iterator[Hit]:
    for repo in resources(ctx, "aws_ecr_repository"):
        value = repo.get("image_tag_mutability", "MUTABLE")
        if isinstance(value, str) and not value.upper().startswith("IMMUTABLE"):
            yield hit(ctx, repo, f"ECR repository {repo.ref} allows tags to be overwritten",
                      repo.at("image_tag_mutability"), f"image_tag_mutability = {value}")


@rule(
    id="MWC51",
    title="ECR repository without scan on push",
    severity=Severity.LOW,
    practices=("SUP-VULN",),
    targets=("cloud",),
    cwe="CWE-1104",
    references=("https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",),
    rationale=(
        "Images pushed without a scan reach production with known vulnerabilities nobody was "
        "told about. Registry-level enhanced scanning (`aws_ecr_registry_scanning_configuration`) "
        "counts as scanning every repository."
    ),
    remediation="Set `image_scanning_configuration { scan_on_push = true }`, or enable enhanced "
                "scanning for the registry.",
    example_fail='resource "aws_ecr_repository" "orders" {\n  name = "orders"\n}',
    example_pass=('resource "aws_ecr_repository" "orders" {\n  name = "orders"\n'
                  '  image_scanning_configuration {\n    scan_on_push = true\n  }\n}'),
)
def no_scan(ctx: ScanContext) -> Iterator[Hit]:
    registry_scans = [c for c in resources(ctx, "aws_ecr_registry_scanning_configuration")
                      if c.blocks("rule") or c.get("scan_type") == "ENHANCED"]
    for repo in resources(ctx, "aws_ecr_repository"):
        if any(c.environment == repo.environment for c in registry_scans):
            continue
        cfgs = repo.blocks("image_scanning_configuration")
        if any(truthy(c.get("scan_on_push")) or is_unknown(c.get("scan_on_push")) for c in cfgs):
            continue
        yield hit(ctx, repo, f"ECR repository {repo.ref} does not scan images on push",
                  repo.at("image_scanning_configuration"), "scan_on_push not true")


@rule(
    id="MWC52",
    title="ECR repository policy open to everyone",
    severity=Severity.HIGH,
    practices=("SUP-REGISTRY",),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",),
    rationale=(
        "A repository policy allowing `Principal: \"*\"` without a condition lets any AWS "
        "account pull (or, with push actions, replace) the service's images: the registry is "
        "no longer private or trusted."
    ),
    remediation="Name the accounts or roles that may pull, or add an `aws:PrincipalOrgID` condition.",
    example_fail='policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*" }] })',
    example_pass=('policy = jsonencode({ Statement = [{ Effect = "Allow",\n'
                  '  Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "ecr:BatchGetImage" }] })'),
)
def open_repository(ctx: ScanContext) -> Iterator[Hit]:
    for pol in resources(ctx, "aws_ecr_repository_policy"):
        for st in statements(pol.get("policy")) or []:
            if st.allow and not st.has_condition and "*" in st.principals:
                repo = facts(ctx).index.follow(pol.get("repository"), pol, "aws_ecr_repository")
                name = repo[0].ref if repo else str(pol.get("repository"))
                yield hit(ctx, pol, f"policy {pol.ref} lets any AWS principal use repository "
                          f"{name} ({', '.join(st.actions) or 'actions'})", pol.at("policy"),
                          "Principal: *")
                break
