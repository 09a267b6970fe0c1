"""MWC40-MWC44: cloud audit logs: CloudTrail present, validated and multi-region; log buckets
that an intruder cannot rewrite; VPC flow logs; log group retention."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import facts, hit, resources, truthy
from meshward.findings.finding import Confidence, Severity
from meshward.model.cloud import CloudResource, is_unknown

_TRAIL_REFS = ("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",)


@rule(
    id="MWC40",
    title="No CloudTrail trail",
    severity=Severity.MEDIUM,
    practices=("LOG-COLLECT",),
    targets=("cloud",),
    confidence=Confidence.LOW,
    cwe="CWE-778",
    references=_TRAIL_REFS,
    rationale=(
        "Without a trail, API activity is kept only 90 days in the event history of each "
        "region, cannot be shipped to a log system and is not protected against deletion. "
        "Reported once for all the Terraform of a scan (a trail in any stack counts), and once "
        "per live region read, when AWS resources are declared but no `aws_cloudtrail` (low "
        "confidence for Terraform: the trail may live in a repository that was not scanned)."
    ),
    remediation="Create a multi-region trail with log file validation, delivered to a dedicated, "
                "object-locked bucket in a logging account (or an organization trail).",
    example_fail='resource "aws_s3_bucket" "data" { bucket = "shop-data" }  # and no aws_cloudtrail',
    example_pass=('resource "aws_cloudtrail" "main" {\n  name = "main"\n'
                  '  s3_bucket_name = aws_s3_bucket.trail.id\n  is_multi_region_trail = true\n'
                  '  enable_log_file_validation = true\n}'),
)
def no_trail(ctx: ScanContext) -> Iterator[Hit]:
    # A trail often lives in its own Terraform stack: all Terraform roots of the scan count as
    # one place; a live account is judged per region read.
    by_env: dict[str, list[CloudResource]] = {}
    for r in ctx.inventory.cloud_resources:
        if r.provider == "aws" or r.type.startswith("aws_"):
            key = "Terraform" if r.environment.startswith("terraform:") else r.environment
            by_env.setdefault(key, []).append(r)
    for env, items in sorted(by_env.items()):
        if any(r.type == "aws_cloudtrail" for r in items):
            continue
        first = min(items, key=lambda r: (r.location.path, r.location.line))
        where = "the scanned Terraform" if env == "Terraform" else env
        # about the account, not one resource: located at the first AWS resource read, with no
        # resource or service of its own (the first resource is not what lacks a trail)
        yield Hit(f"{where}: {len(items)} AWS resource(s) and no CloudTrail trail",
                  first.location, evidence="no aws_cloudtrail", key=env,
                  confidence=Confidence.MEDIUM if env.startswith("aws:") else None,
                  extra=(("environment", env if env != "Terraform" else first.environment),))


@rule(
    id="MWC41",
    title="CloudTrail trail without log file validation or not multi-region",
    severity=Severity.MEDIUM,
    practices=("LOG-TAMPER", "LOG-COLLECT"),
    targets=("cloud",),
    cwe="CWE-778",
    references=_TRAIL_REFS,
    rationale=(
        "`enable_log_file_validation` writes signed digest files: without them, an intruder "
        "with write access to the bucket can edit or delete log files undetected. A trail "
        "that is not multi-region misses activity in every other region, where intruders "
        "like to run their resources."
    ),
    remediation="Set `enable_log_file_validation = true` and `is_multi_region_trail = true`.",
    example_fail='resource "aws_cloudtrail" "main" {\n  name = "main"\n  s3_bucket_name = "trail"\n}',
    example_pass=('resource "aws_cloudtrail" "main" {\n  name = "main"\n  s3_bucket_name = "trail"\n'
                  '  is_multi_region_trail = true\n  enable_log_file_validation = true\n}'),
)
def weak_trail(ctx: ScanContext) -> Iterator[Hit]:
    for trail in resources(ctx, "aws_cloudtrail"):
        missing = [k for k in ("enable_log_file_validation", "is_multi_region_trail")
                   if not truthy(trail.get(k)) and not is_unknown(trail.get(k))]
        if missing:
            where = trail.at(missing[0]) if missing[0] in trail.attributes else trail.location
            yield hit(ctx, trail, f"trail {trail.ref} lacks {' and '.join(missing)}", where,
                      ", ".join(f"{k} not true" for k in missing))


def _log_buckets(ctx: ScanContext) -> list[tuple[CloudResource, str]]:
    """Buckets receiving logs (trail, flow logs, LB access logs, S3 access logs), with why."""
    idx = facts(ctx).index
    out: list[tuple[CloudResource, str]] = []

    def add(value: object, frm: CloudResource, why: str) -> None:
        for b in idx.follow(value, frm, "aws_s3_bucket"):
            if all(b is not x for x, _ in out):
                out.append((b, why))

    for trail in resources(ctx, "aws_cloudtrail"):
        add(trail.get("s3_bucket_name"), trail, f"CloudTrail {trail.ref}")
    for fl in resources(ctx, "aws_flow_log"):
        dest = fl.get("log_destination")
        if isinstance(dest, str) and dest.startswith("arn:aws:s3:::"):
            dest = dest.removeprefix("arn:aws:s3:::").split("/", 1)[0]
        add(dest, fl, f"flow log {fl.ref}")
    for lb in resources(ctx, "aws_lb", "aws_alb"):
        for logs in lb.blocks("access_logs"):
            add(logs.get("bucket"), lb, f"access logs of {lb.ref}")
    for lg in resources(ctx, "aws_s3_bucket_logging"):
        add(lg.get("target_bucket"), lg, f"S3 access logs ({lg.ref})")
    return out


def _enabled(ctx: ScanContext, bucket: CloudResource, inline: str, resource_type: str,
             check: str) -> bool | None:
    idx = facts(ctx).index
    if check == "versioning":
        for v in bucket.blocks("versioning"):
            if truthy(v.get("enabled")):
                return True
        for res in resources(ctx, resource_type):
            if bucket in idx.follow(res.get("bucket"), res, "aws_s3_bucket"):
                status = [c.get("status") for c in res.blocks("versioning_configuration")]
                if "Enabled" in status:
                    return True
                if any(is_unknown(s) for s in status):
                    return None
        return False
    if truthy(bucket.get("object_lock_enabled")) or any(
            c.get("object_lock_enabled") == "Enabled" for c in bucket.blocks(inline)):
        return True
    for res in resources(ctx, resource_type):
        if bucket in idx.follow(res.get("bucket"), res, "aws_s3_bucket"):
            return True
    return False


@rule(
    id="MWC42",
    title="Log bucket without object lock",
    severity=Severity.MEDIUM,
    practices=("LOG-TAMPER",),
    targets=("cloud",),
    cwe="CWE-779",
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html",),
    rationale=(
        "Logs are evidence: an intruder who obtains write access to the bucket that receives "
        "CloudTrail, flow or access logs deletes or rewrites them. Versioning keeps old "
        "versions; S3 Object Lock (compliance or governance mode) makes them undeletable for a "
        "retention period."
    ),
    remediation=(
        "Create the bucket with `object_lock_enabled = true`, add an "
        "`aws_s3_bucket_object_lock_configuration` with a default retention, keep versioning "
        "enabled, and ideally keep it in a separate logging account."
    ),
    example_fail='resource "aws_s3_bucket" "trail" {\n  bucket = "shop-trail"\n}',
    example_pass=('resource "aws_s3_bucket" "trail" {\n  bucket = "shop-trail"\n'
                  '  object_lock_enabled = true\n}'),
)
def log_bucket_unlocked(ctx: ScanContext) -> Iterator[Hit]:
    for bucket, why in _log_buckets(ctx):
        lock = _enabled(ctx, bucket, "object_lock_configuration",
                        "aws_s3_bucket_object_lock_configuration", "lock")
        if lock:
            continue
        versioning = _enabled(ctx, bucket, "versioning", "aws_s3_bucket_versioning", "versioning")
        state = "versioning on" if versioning else "no versioning either" if versioning is False \
            else "versioning unknown"
        yield hit(ctx, bucket, f"bucket {bucket.ref} receives {why} without object lock "
                  f"({state})", evidence="no object lock",
                  severity=Severity.HIGH if versioning is False else None)


@rule(
    id="MWC43",
    title="VPC without flow logs",
    severity=Severity.LOW,
    practices=("LOG-COLLECT",),
    targets=("cloud",),
    cwe="CWE-778",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",),
    rationale=(
        "Flow logs are the network record of who talked to whom: without them, lateral "
        "movement and exfiltration after a compromise leave no trace to investigate."
    ),
    remediation="Add an `aws_flow_log` with `vpc_id` = the VPC, `traffic_type = \"ALL\"`, to "
                "CloudWatch Logs or S3.",
    example_fail='resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}',
    example_pass=('resource "aws_flow_log" "main" {\n  vpc_id = aws_vpc.main.id\n'
                  '  traffic_type = "ALL"\n  log_destination = aws_s3_bucket.flow.arn\n'
                  '  log_destination_type = "s3"\n}'),
)
def no_flow_logs(ctx: ScanContext) -> Iterator[Hit]:
    idx = facts(ctx).index
    covered: set[int] = set()
    for fl in resources(ctx, "aws_flow_log"):
        for vpc in idx.follow(fl.get("vpc_id"), fl, "aws_vpc"):
            covered.add(id(vpc))
    for vpc in resources(ctx, "aws_vpc"):
        if id(vpc) not in covered:
            yield hit(ctx, vpc, f"VPC {vpc.ref} has no flow log", evidence="no aws_flow_log")


@rule(
    id="MWC44",
    title="Log group without retention",
    severity=Severity.LOW,
    practices=("LOG-COLLECT",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-779",
    references=("https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",),
    rationale=(
        "A log group with no `retention_in_days` keeps everything forever (cost, and personal "
        "data beyond its purpose) or, when someone sets it by hand later, less than the "
        "investigation window: retention should be a decision written in code."
    ),
    remediation="Set `retention_in_days` to the period your incident response and regulations "
                "need (for example 365), and export older logs to an archive bucket.",
    example_fail='resource "aws_cloudwatch_log_group" "orders" {\n  name = "/ecs/orders"\n}',
    example_pass=('resource "aws_cloudwatch_log_group" "orders" {\n  name = "/ecs/orders"\n'
                  '  retention_in_days = 365\n}'),
)
def no_retention(ctx: ScanContext) -> Iterator[Hit]:
    for lg in resources(ctx, "aws_cloudwatch_log_group"):
        days = lg.get("retention_in_days")
        if days is None or days == 0:
            yield hit(ctx, lg, f"log group {lg.ref} has no retention period",
                      lg.at("retention_in_days"), "retention_in_days unset")


@rule(
    id="MWC45",
    title="ECS container without a log driver",
    severity=Severity.LOW,
    practices=("LOG-COLLECT",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-778",
    references=("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",),
    rationale=(
        "A container definition without `logConfiguration` writes its logs nowhere a log "
        "system can read them (on Fargate they are simply lost): the service's security "
        "events never reach CloudWatch, FireLens or the SIEM."
    ),
    remediation="Give every container a `logConfiguration` (`awslogs` to a log group with "
                "retention, or `awsfirelens` to your log pipeline).",
    example_fail='container_definitions = jsonencode([{ name = "orders", image = "orders:1.4.2" }])',
    example_pass=('container_definitions = jsonencode([{ name = "orders", image = "orders:1.4.2",\n'
                  '  logConfiguration = { logDriver = "awslogs", options = { ... } } }])'),
)
def no_log_driver(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.model.cloud_facts import containers

    for task in resources(ctx, "aws_ecs_task_definition"):
        raw = task.get("container_definitions")
        if is_unknown(raw):
            continue
        missing = [str(c.get("name", "?")) for c in containers(task)
                   if c.get("logConfiguration") is None]
        if missing:
            yield hit(ctx, task, f"task definition {task.ref}: container(s) {', '.join(missing)} "
                      "have no logConfiguration", task.at("container_definitions"),
                      "no logConfiguration", key=f"{task.ref}:{','.join(missing)}")
