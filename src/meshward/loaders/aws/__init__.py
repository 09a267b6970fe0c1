"""The live AWS account as cloud resources: ``meshward scan --aws``.

:func:`load_aws` reads the account and region that the standard AWS configuration names
(``--aws-profile``/``AWS_PROFILE``, ``--aws-region``/``AWS_REGION``, ``AWS_ENDPOINT_URL``, the
usual credential chain) with read-only calls, and translates every answer into
:class:`~meshward.model.cloud.CloudResource` in Terraform's attribute schema, so the cloud rules
run unchanged on Terraform and on the live account. One module per service family; boto3 is
imported only here, only when ``--aws`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from meshward.errors import InputError
from meshward.loaders.aws.session import (
    DEFAULT_MAX_CALLS,
    AwsCaller,
    AwsOptions,
    BudgetExhausted,
    CredentialsProblem,
)
from meshward.model.cloud import CloudResource

__all__ = ["DEFAULT_MAX_CALLS", "AwsLoad", "AwsOptions", "families", "load_aws"]


@dataclass
class AwsLoad:
    resources: list[CloudResource] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    calls: int = 0
    requests: dict[tuple[str, str], int] = field(default_factory=dict)  # per (client, method)
    account_id: str = ""
    region: str = ""


def families() -> list[tuple[str, Callable[..., None]]]:
    """(what is read, collector) in reading order: the cheap, account-wide families first."""
    from meshward.loaders.aws import (
        apigateway,
        awslambda,
        cloudtrail,
        ec2,
        ecr,
        ecs,
        eks,
        elasticache,
        elbv2,
        iam,
        kms,
        logs,
        rds,
        s3,
        secretsmanager,
    )

    return [
        ("CloudTrail trails", cloudtrail.collect),
        ("IAM roles, users, access keys and policies", iam.collect),
        ("EC2 security groups, VPCs, subnets, routes, flow logs and instances", ec2.collect),
        ("load balancers, listeners, target groups and web ACLs", elbv2.collect),
        ("API Gateway REST APIs", apigateway.collect_rest),
        ("API Gateway HTTP APIs", apigateway.collect_v2),
        ("ECS clusters, services and task definitions", ecs.collect),
        ("Lambda functions and event sources", awslambda.collect),
        ("RDS databases", rds.collect),
        ("ElastiCache replication groups", elasticache.collect),
        ("EKS clusters", eks.collect),
        ("ECR repositories", ecr.collect),
        ("Secrets Manager secrets", secretsmanager.collect),
        ("KMS keys", kms.collect),
        ("CloudWatch log groups", logs.collect),
        ("S3 buckets", s3.collect),
    ]


WHERE = "aws"


def load_aws(options: AwsOptions) -> AwsLoad:
    """Read the account; never raises for what AWS answers (errors and notices say it)."""
    out = AwsLoad()
    try:
        import boto3  # noqa: F401
    except ImportError:
        out.errors.append(InputError(WHERE, 0, "--aws needs boto3, which is not installed",
                                     "pip install boto3"))
        return out
    import botocore.exceptions as bx

    from meshward.loaders.aws.translate import Reader

    try:
        caller = AwsCaller(options)
    except bx.ProfileNotFound as exc:
        out.errors.append(InputError(WHERE, 0, f"AWS: {exc}",
                                     "name a profile from ~/.aws/config with --aws-profile"))
        return out
    except bx.BotoCoreError as exc:
        out.errors.append(InputError(WHERE, 0, f"AWS configuration: {exc}",
                                     "check ~/.aws/config and the AWS_* variables"))
        return out
    if not caller.region:
        out.errors.append(InputError(WHERE, 0, "AWS: no region configured",
                                     "set AWS_REGION (or AWS_DEFAULT_REGION), give --aws-region, "
                                     "or set region in the profile"))
        return out
    out.region = caller.region
    where = f"aws://{caller.region}"
    try:
        ident = caller.call("sts", "get_caller_identity")
    except CredentialsProblem as exc:
        out.errors.append(InputError(where, 0, exc.message, exc.hint))
        return out
    except BudgetExhausted:
        out.errors.append(InputError(where, 0, "AWS: --aws-max-calls allows no call",
                                     "give a positive number"))
        return out
    except (bx.ClientError, bx.BotoCoreError) as exc:
        out.errors.append(InputError(where, 0, f"AWS: cannot read the caller identity: {exc}",
                                     "check the endpoint (AWS_ENDPOINT_URL), network and "
                                     "credentials"))
        return out
    out.account_id = str(ident.get("Account", ""))
    arn = str(ident.get("Arn", ""))
    if arn.startswith("arn:"):
        caller.partition = arn.split(":")[1]
    todo = families()
    readers = [Reader(caller, out.account_id) for _ in todo]

    spent = [0] * len(todo)

    def read(index: int) -> str | CredentialsProblem:
        what, collect = todo[index]
        caller.start_family()
        try:
            collect(readers[index])
        except BudgetExhausted:
            return "budget"
        except CredentialsProblem as exc:
            return exc
        except (bx.ClientError, bx.BotoCoreError):
            pass  # recorded by the caller: reported below with the other failed calls
        except Exception as exc:  # a translation bug must not lose the rest of the account
            return (f"AWS: reading {what} stopped on an unexpected answer "
                    f"({type(exc).__name__}: {exc}); the rest was audited")
        finally:
            spent[index] = caller.family_spent()
        return "budget" if readers[index].budget_hit else ""

    # several families at once: a real account answers each call in tens of milliseconds
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        outcomes = list(pool.map(read, range(len(todo))))
    in_part = [todo[i][0] for i, o in enumerate(outcomes) if o == "budget" and spent[i]]
    unread = [todo[i][0] for i, o in enumerate(outcomes) if o == "budget" and not spent[i]]
    if in_part or unread:
        out.notices.append(
            f"AWS: the call budget ({options.max_calls} calls, --aws-max-calls) was spent"
            + (f"; read in part: {', '.join(in_part)}" if in_part else "")
            + (f"; not read: {', '.join(unread)}" if unread else "")
            + ". Everything read was audited; raise --aws-max-calls to read it all.")
    for outcome in outcomes:
        if isinstance(outcome, CredentialsProblem):
            error = InputError(where, 0, outcome.message, outcome.hint)
            if error not in out.errors:
                out.errors.append(error)
        elif outcome and outcome != "budget":
            out.notices.append(outcome)
    record = caller.record
    out.calls = record.calls
    out.requests = dict(record.requests)
    out.resources = [res for r in readers for res in r.resources]  # in family order
    for kind, calls in (("denied", record.denied), ("throttled", record.throttled),
                        ("failed", record.failed)):
        if calls:
            unique = sorted(set(calls))
            out.notices.append(
                f"AWS: {len(calls)} call(s) {kind}: {', '.join(unique)}. What they read is "
                "missing or unknown in this audit; everything else was audited"
                + (" (grant the read-only policy in docs/cloud.md)" if kind == "denied" else
                   " (meshward retried with backoff: retry later, or allow more attempts "
                   "with AWS_MAX_ATTEMPTS)"
                   if kind == "throttled" else ""))
    out.notices.append(f"AWS: read {len(out.resources)} resources of account "
                       f"{out.account_id or '?'} in {caller.region} with {record.calls} calls")
    return out
