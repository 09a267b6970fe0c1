"""MWC30-MWC32: cloud secrets: identities that can read every secret, literal secrets in task
definitions, Lambda environments and user_data, secrets not taken from a secret manager."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import (
    facts,
    grants,
    hit,
    holders_text,
    policies,
    resources,
    statements,
)
from meshward.findings.finding import Confidence, Severity
from meshward.model.cloud import CloudResource, is_unknown
from meshward.model.source import Location
from meshward.secrets.model import Match

SECRET_READS = ("secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
                "ssm:GetParametersByPath", "kms:Decrypt")
_ALL_SECRETS = ("*", "arn:aws:secretsmanager:*:*:secret:*", "arn:aws:ssm:*:*:parameter/*",
                "arn:aws:kms:*:*:key/*")
MANAGER_PREFIXES = ("arn:aws:secretsmanager:", "arn:aws:ssm:", "{{resolve:")


@rule(
    id="MWC30",
    title="Identity can read every secret",
    severity=Severity.HIGH,
    practices=("SEC-LEASTPRIV", "AUTH-IAM"),
    targets=("cloud",),
    cwe="CWE-269",
    references=("https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html",),
    rationale=(
        "`secretsmanager:GetSecretValue`, `ssm:GetParameter*` or `kms:Decrypt` on `*` (or "
        "through `*`/`secretsmanager:*`) lets one service read every other service's secrets: "
        "a single compromise leaks them all."
    ),
    remediation="Scope the statement to the service's own secret ARNs (a name prefix per service) "
                "and its own KMS key.",
    example_fail=('statement {\n  actions   = ["secretsmanager:GetSecretValue"]\n'
                  '  resources = ["*"]\n}'),
    example_pass=('statement {\n  actions   = ["secretsmanager:GetSecretValue"]\n'
                  '  resources = [aws_secretsmanager_secret.orders_db.arn]\n}'),
)
def reads_all_secrets(ctx: ScanContext) -> Iterator[Hit]:
    for pol in policies(ctx):
        for st in statements(pol.document) or []:
            if not any(r in _ALL_SECRETS for r in st.resources):
                continue
            allowed = [a for a in SECRET_READS if grants(st, a)]
            if allowed:
                yield hit(ctx, pol.resource, f"{pol.resource.ref} allows {', '.join(allowed)} on "
                          f"every secret; held by {holders_text(ctx, pol.holders)}",
                          pol.location, f"{', '.join(allowed)} on *",
                          key=f"{pol.resource.ref}:{pol.index}:{st.sid}:{','.join(allowed)}")


def _env_sources(ctx: ScanContext) -> Iterator[tuple[CloudResource, str, str, Any, Location]]:
    """``(resource, what, name, value, where)`` of every environment value of a cloud workload."""
    from meshward.model.cloud_facts import containers

    f = facts(ctx)
    seen: set[int] = set()
    for task in resources(ctx, "aws_ecs_task_definition"):
        seen.add(id(task))
        for c in containers(task):
            for ev in c.get("environment") or []:
                if isinstance(ev, dict) and isinstance(ev.get("name"), str):
                    yield (task, f"container {c.get('name', '?')}", str(ev["name"]),
                           ev.get("value"), task.at("container_definitions"))
    for w in f.workloads:
        if w.resource.type == "aws_lambda_function":
            for name, value, where in w.env_values:
                yield w.resource, "environment", name, value, where


def _literal_matches(name: str, value: Any) -> list[Any]:
    """What the secrets engine finds in ``name=value`` (a literal environment value)."""
    from meshward.secrets.scanner import scan_text

    if not isinstance(value, str) or not value:
        return []
    return list(scan_text("task.env", f"{name}={value}\n").matches)


@rule(
    id="MWC31",
    title="Literal secret in a task definition, Lambda environment or user_data",
    severity=Severity.HIGH,
    practices=("SEC-HARDCODED", "SEC-MANAGER"),
    targets=("cloud",),
    cwe="CWE-798",
    references=("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",),
    rationale=(
        "Environment values of ECS task definitions and Lambda functions, and EC2 user_data, "
        "are stored in clear in Terraform state, plans, the console and DescribeTaskDefinition "
        "answers: anyone with read access to the account or the state file sees them. Values "
        "are judged by meshward's secrets engine (known token formats, secret-named variables "
        "with real-looking values); findings show only a redacted prefix. A value the "
        "secrets engine also finds in the file the resource was read from (a Terraform file, "
        "a plan JSON) is reported once, by this rule, at the engine's exact line and with the "
        "resource and service the engine cannot know; its MW901-MW906 finding is dropped. "
        "Values only the cloud model sees (a live account, a value built by a function) are "
        "this rule's alone; secrets outside cloud resources or in git history stay the "
        "engine's."
    ),
    remediation=(
        "Store the value in Secrets Manager or SSM Parameter Store and reference it: ECS "
        "`secrets = [{ name, valueFrom = <secret ARN> }]`, Lambda reading it at start-up "
        "(or the Parameters and Secrets extension), user_data fetching it with the instance "
        "role. Rotate the exposed value."
    ),
    example_fail=('environment = [{ name = "DB_PASSWORD", value = "<a real password>" }]'),
    example_pass=('secrets = [{ name = "DB_PASSWORD",\n'
                  '  valueFrom = aws_secretsmanager_secret.db.arn }]'),
)
def literal_secrets(ctx: ScanContext) -> Iterator[Hit]:
    twins = engine_twins(ctx)
    for i, lit in enumerate(_literals(ctx)):
        twin = twins.get(i)
        # the engine saw the same value in the same file: report it once, here, at its line
        where = Location(twin.path, twin.line) if twin is not None else lit.where
        yield hit(ctx, lit.res, lit.message, where, lit.evidence, key=lit.key,
                  confidence=lit.confidence)


@dataclass(frozen=True, slots=True)
class _Literal:
    res: CloudResource
    message: str
    where: Location
    evidence: str
    key: str
    confidence: Confidence
    digest: str


def _literals(ctx: ScanContext) -> list[_Literal]:
    """Every literal secret MWC31 reports, before it is placed."""
    from meshward.secrets.scanner import scan_text

    def build() -> list[_Literal]:
        out: list[_Literal] = []
        for res, what, name, value, where in _env_sources(ctx):
            for m in _literal_matches(name, value):
                out.append(_Literal(res, f"{res.ref} {what}: {name} holds a literal {m.title} "
                                    f"({m.redacted})", where, f"{name}={m.redacted}",
                                    f"{res.ref}:{name}:{m.digest}", m.confidence, m.digest))
        for res in resources(ctx, "aws_instance", "aws_launch_template",
                             "aws_launch_configuration"):
            for attr in ("user_data", "user_data_base64"):
                text = _user_data_text(res.get(attr))
                if not text:
                    continue
                for m in scan_text("user_data.sh", text).matches:
                    out.append(_Literal(res, f"{res.ref} {attr} line {m.line} holds a literal "
                                        f"{m.title} ({m.redacted})", res.at(attr),
                                        f"{m.key or 'value'}={m.redacted}",
                                        f"{res.ref}:{attr}:{m.digest}", m.confidence, m.digest))
        return out

    return once(ctx, "cloud.literal-secrets", build)


def engine_twins(ctx: ScanContext) -> dict[int, Match]:
    """``index in _literals -> secrets-engine match`` of the same value in the file the resource
    was read from (a Terraform file, a plan JSON in the tree): the engine's MW901-MW906 finding
    for it is dropped and MWC31 reports it at the engine's exact line, with the resource and
    service the engine cannot know. Values only the cloud model sees (live AWS, values built
    by Terraform functions) have no twin. The nearest match at or after the resource's first
    line is the twin, so one value in two resources of one file pairs with each occurrence."""

    def build() -> dict[int, Match]:
        from meshward.checks.rules.secrets import engine_matches

        by_place: dict[tuple[str, str], list[Match]] = {}
        for m in engine_matches(ctx):
            if not m.commit:  # a value in git history is the engine's alone
                by_place.setdefault((m.path, m.digest), []).append(m)
        twins: dict[int, Match] = {}
        taken: set[int] = set()
        for i, lit in enumerate(_literals(ctx)):
            start = lit.res.location.line
            near = [m for m in by_place.get((lit.res.location.path, lit.digest), [])
                    if m.line >= start and id(m) not in taken]
            if near:
                twin = min(near, key=lambda m: m.line)
                twins[i] = twin
                taken.add(id(twin))
        return twins

    return once(ctx, "cloud.literal-secrets.twins", build)


_BASE64 = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}\s*$")


def _user_data_text(value: Any) -> str:
    """user_data as the instance reads it: launch templates and the API hold it base64-encoded;
    an unresolved template still shows its literal text."""
    if is_unknown(value):
        return str(getattr(value, "expression", ""))
    if not isinstance(value, str) or not value:
        return ""
    if len(value) >= 16 and _BASE64.match(value):
        try:
            return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return value
    return value


@rule(
    id="MWC32",
    title="Secret passed as a plain environment variable instead of a secret manager reference",
    severity=Severity.MEDIUM,
    practices=("SEC-MANAGER",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-522",
    references=("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",),
    rationale=(
        "A secret-named variable (PASSWORD, TOKEN, API_KEY...) set in `environment` is copied "
        "in clear into the task definition or function configuration, even when Terraform "
        "reads it from a secret (`aws_secretsmanager_secret_version...secret_string`). ECS "
        "`secrets` with `valueFrom` and an ARN keep it in the manager. A value the secrets "
        "engine recognises as a literal secret is MWC31's finding, not this one's."
    ),
    remediation="Move it to the container's `secrets` list (`valueFrom` = Secrets Manager or SSM "
                "ARN); for Lambda, pass the secret's ARN and read it at run time.",
    example_fail='environment = [{ name = "API_TOKEN", value = var.api_token }]',
    example_pass='secrets = [{ name = "API_TOKEN", valueFrom = aws_ssm_parameter.api_token.arn }]',
)
def secret_not_managed(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.secrets.filters import is_secret_key

    for res, what, name, value, where in _env_sources(ctx):
        if not is_secret_key(name) or value in (None, ""):
            continue
        if isinstance(value, str) and value.startswith(MANAGER_PREFIXES):
            continue
        if _literal_matches(name, value):
            continue  # a literal secret: MWC31 reports it, with the same remedy
        shown = (f"from {getattr(value, 'expression', '')}" if is_unknown(value)
                 else "as a literal")
        yield hit(ctx, res, f"{res.ref} {what}: {name} is set in clear {shown}, not from a "
                  "secret manager reference", where, f"{name} in environment",
                  key=f"{res.ref}:{name}")


_DB_PASSWORDS = {"aws_db_instance": ("password", "manage_master_user_password"),
                 "aws_rds_cluster": ("master_password", "manage_master_user_password"),
                 "aws_docdb_cluster": ("master_password", "manage_master_user_password"),
                 "aws_redshift_cluster": ("master_password", "manage_master_password")}


@rule(
    id="MWC33",
    title="Database master password set in Terraform instead of a secret manager",
    severity=Severity.MEDIUM,
    practices=("SEC-MANAGER",),
    targets=("cloud",),
    cwe="CWE-256",
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html",),
    rationale=(
        "A `password`/`master_password` given to Terraform (literal, variable or random) is "
        "stored in clear in the state and plan files, and never rotates. RDS, Aurora, "
        "DocumentDB and Redshift can keep the master password in Secrets Manager themselves, "
        "with rotation."
    ),
    remediation="Drop the password argument and set `manage_master_user_password = true` "
                "(Redshift: `manage_master_password = true`); applications read it from the "
                "generated secret.",
    example_fail=('resource "aws_db_instance" "orders" {\n  username = "orders"\n'
                  '  password = var.db_password\n}'),
    example_pass=('resource "aws_db_instance" "orders" {\n  username = "orders"\n'
                  '  manage_master_user_password = true\n}'),
)
def db_password_in_state(ctx: ScanContext) -> Iterator[Hit]:
    for rtype, (attr, managed) in _DB_PASSWORDS.items():
        for r in resources(ctx, rtype):
            value = r.get(attr)
            if value is None or value == "" or r.get(managed) is True:
                continue
            how = (f"from {getattr(value, 'expression', '')}" if is_unknown(value)
                   else "as a literal")
            yield hit(ctx, r, f"{r.type} {r.ref} gets its master password {how}: it is kept in "
                      "clear in the Terraform state", r.at(attr), f"{attr} set",
                      severity=Severity.HIGH if isinstance(value, str) else None)
