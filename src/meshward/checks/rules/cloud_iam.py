"""MWC20-MWC25: AWS IAM for services: wildcards, admin policies, shared roles, access keys,
open trust policies."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import (
    facts,
    findings_once,
    hit,
    holders_text,
    managed_arns,
    named,
    policies,
    resources,
    statements,
)
from meshward.findings.finding import Confidence, Severity

_IAM = ("AUTH-IAM",)
_REFS = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",)
# Actions that only accept Resource "*" (no resource-level permissions).
STAR_ONLY = frozenset({"ecr:getauthorizationtoken", "cloudwatch:putmetricdata",
                       "xray:puttracesegments", "xray:puttelemetryrecords",
                       "sts:getcalleridentity", "logs:describeloggroups",
                       "ec2:createnetworkinterface", "ec2:deletenetworkinterface",
                       "ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses"})
READ_PREFIXES = ("describe", "list", "get")
ADMIN_POLICIES = {"AdministratorAccess": "full admin", "PowerUserAccess": "power user",
                  "IAMFullAccess": "IAM full access"}


@rule(
    id="MWC20",
    title="IAM policy allows every action",
    severity=Severity.HIGH,
    practices=_IAM,
    targets=("cloud",),
    cwe="CWE-269",
    references=_REFS,
    rationale=(
        "An Allow statement with `Action = \"*\"` or a whole-service wildcard (`s3:*`, "
        "`dynamodb:*`) gives the identity every present and future action of that scope. A "
        "compromised service holding it can delete data, change permissions or read secrets "
        "it never needed."
    ),
    remediation=(
        "List the actions the service calls (CloudTrail or IAM Access Analyzer policy "
        "generation shows them) and scope Resource to its own ARNs."
    ),
    example_fail=('resource "aws_iam_role_policy" "orders" {\n  role   = aws_iam_role.orders.id\n'
                  '  policy = jsonencode({ Version = "2012-10-17", Statement = [\n'
                  '    { Effect = "Allow", Action = "s3:*", Resource = "*" }] })\n}'),
    example_pass=('resource "aws_iam_role_policy" "orders" {\n  role   = aws_iam_role.orders.id\n'
                  '  policy = jsonencode({ Version = "2012-10-17", Statement = [\n'
                  '    { Effect = "Allow", Action = ["s3:GetObject"],\n'
                  '      Resource = "arn:aws:s3:::orders-exports/*" }] })\n}'),
)
def wildcard_actions(ctx: ScanContext) -> Iterator[Hit]:
    for pol in policies(ctx):
        for st in statements(pol.document) or []:
            wild = [a for a in st.actions if a == "*" or a.endswith(":*")]
            if not st.allow or not (wild or st.not_actions):
                continue
            what = (", ".join(wild) if wild else f"everything except {', '.join(st.not_actions)}")
            yield hit(ctx, pol.resource, f"{pol.resource.ref} allows {what} on "
                      f"{', '.join(st.resources) or 'its resources'}; held by "
                      f"{holders_text(ctx, pol.holders)}", pol.location, f"Action: {what}",
                      key=f"{pol.resource.ref}:{pol.index}:{what}",
                      severity=Severity.CRITICAL if "*" in wild and "*" in st.resources else None)


@rule(
    id="MWC21",
    title="IAM policy grants changes on every resource",
    severity=Severity.MEDIUM,
    practices=_IAM,
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-269",
    references=_REFS,
    rationale=(
        "`Resource = \"*\"` with actions that change things (Put, Delete, Create, Update, "
        "Invoke...) lets the identity act on every resource of the account, not only its own. "
        "Read-only Describe/List/Get actions and the few actions that accept only `*` are not "
        "reported."
    ),
    remediation="Name the ARNs (or an ARN prefix of the service's own resources) in Resource.",
    example_fail=('statement { actions = ["sqs:SendMessage"]\n  resources = ["*"] }'),
    example_pass=('statement { actions = ["sqs:SendMessage"]\n'
                  '  resources = [aws_sqs_queue.orders.arn] }'),
)
def wildcard_resources(ctx: ScanContext) -> Iterator[Hit]:
    for pol in policies(ctx):
        for st in statements(pol.document) or []:
            if not st.allow or "*" not in st.resources:
                continue
            writes = [a for a in st.actions if a != "*" and not a.endswith(":*")
                      and a.lower() not in STAR_ONLY
                      and not a.split(":")[-1].lower().startswith(READ_PREFIXES)]
            if writes:
                yield hit(ctx, pol.resource, f"{pol.resource.ref} allows {', '.join(writes[:5])} "
                          f"on every resource (*); held by {holders_text(ctx, pol.holders)}",
                          pol.location, "Resource: *", key=f"{pol.resource.ref}:{pol.index}:*")


@rule(
    id="MWC22",
    title="Administrator policy attached to a role",
    severity=Severity.HIGH,
    practices=_IAM,
    targets=("cloud",),
    cwe="CWE-250",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html",),
    rationale=(
        "AdministratorAccess, PowerUserAccess or IAMFullAccess on a role that a workload (or "
        "any service principal) assumes turns one compromised service into a compromised "
        "account."
    ),
    remediation="Detach the AWS-managed admin policy and give the role a policy scoped to its needs.",
    example_fail=('resource "aws_iam_role_policy_attachment" "admin" {\n  role       = '
                  'aws_iam_role.orders.name\n  policy_arn = '
                  '"arn:aws:iam::aws:policy/AdministratorAccess"\n}'),
    example_pass=('resource "aws_iam_role_policy_attachment" "logs" {\n  role       = '
                  'aws_iam_role.orders.name\n  policy_arn = aws_iam_policy.orders.arn\n}'),
)
def admin_policy(ctx: ScanContext) -> Iterator[Hit]:
    def gen() -> Iterator[Hit]:
        for role in resources(ctx, "aws_iam_role"):
            for arn, where in managed_arns(ctx, role):
                name = arn.rsplit("/", 1)[-1]
                if name in ADMIN_POLICIES and arn.startswith("arn:aws"):
                    yield hit(ctx, role, f"role {role.ref} has {name} ({ADMIN_POLICIES[name]}); "
                              f"{holders_text(ctx, (role,))}", where, arn,
                              key=f"{role.ref}:{name}")

    yield from findings_once(gen())


@rule(
    id="MWC23",
    title="One IAM role shared by several services",
    severity=Severity.MEDIUM,
    practices=_IAM,
    targets=("cloud",),
    cwe="CWE-250",
    references=_REFS,
    rationale=(
        "When several services assume one role, each gets the union of everything they all "
        "need, and CloudTrail cannot tell which service made a call. Kubernetes workloads "
        "count through their ServiceAccount's `eks.amazonaws.com/role-arn` (IRSA)."
    ),
    remediation="Give each service (each ECS task definition, Lambda function, instance profile) its own role.",
    example_fail="two aws_ecs_task_definition with task_role_arn = aws_iam_role.shared.arn",
    example_pass="each task definition has its own task_role_arn",
)
def shared_role(ctx: ScanContext) -> Iterator[Hit]:
    f = facts(ctx)
    for role in resources(ctx, "aws_iam_role"):
        names = f.role_users(role)
        if len(names) > 1:
            yield hit(ctx, role, f"role {role.ref} is used by {len(names)} services: "
                      f"{', '.join(names)}", evidence=", ".join(names))


@rule(
    id="MWC24",
    title="Long-lived access key for an IAM user or service account",
    severity=Severity.MEDIUM,
    practices=("AUTH-IAM", "SEC-MANAGER"),
    targets=("cloud",),
    cwe="CWE-798",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",),
    rationale=(
        "An access key (AWS IAM user key, GCP service account key) does not expire: it ends up "
        "in CI variables, laptops and config files, and works from anywhere until someone "
        "rotates it. Workloads should use roles (task roles, instance profiles, IRSA, workload "
        "identity) that hand out short-lived credentials."
    ),
    remediation="Replace the user's key by a role the workload assumes; for CI use OIDC federation.",
    example_fail='resource "aws_iam_access_key" "deploy" {\n  user = aws_iam_user.deploy.name\n}',
    example_pass='resource "aws_iam_role" "deploy" { ... OIDC trust ... }',
)
def access_key(ctx: ScanContext) -> Iterator[Hit]:
    for sa_key in resources(ctx, "google_service_account_key"):
        account = sa_key.get("service_account_id")
        shown = named(ctx, account, sa_key, "google_service_account")
        yield hit(ctx, sa_key, f"service account key {sa_key.ref} for {shown}: a credential "
                  "that never expires", sa_key.at("service_account_id"))
    for key in resources(ctx, "aws_iam_access_key"):
        if key.get("status") == "Inactive":
            continue
        user = key.get("user")
        yield hit(ctx, key, f"access key {key.ref} for IAM user "
                  f"{named(ctx, user, key, 'aws_iam_user')}: a credential that "
                  "never expires", key.at("user"))


@rule(
    id="MWC25",
    title="Role trust policy open to any principal",
    severity=Severity.CRITICAL,
    practices=_IAM,
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",),
    rationale=(
        "A trust policy allowing `Principal: \"*\"` or `{AWS = \"*\"}` without a condition lets "
        "any AWS account assume the role and use its permissions."
    ),
    remediation="Name the service principal or the account/role ARNs that may assume it, or add an "
                "`aws:PrincipalOrgID`/`sts:ExternalId` condition.",
    example_fail=('assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{\n'
                  '  Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }] })'),
    example_pass=('assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{\n'
                  '  Effect = "Allow", Action = "sts:AssumeRole",\n'
                  '  Principal = { Service = "ecs-tasks.amazonaws.com" } }] })'),
)
def open_trust(ctx: ScanContext) -> Iterator[Hit]:
    for role in resources(ctx, "aws_iam_role"):
        for st in statements(role.get("assume_role_policy")) or []:
            if st.allow and not st.has_condition and any(
                    p == "*" or p.startswith("arn:aws:iam::*:") for p in st.principals):
                yield hit(ctx, role, f"role {role.ref} can be assumed by any AWS principal",
                          role.at("assume_role_policy"), "Principal: *")
                break
