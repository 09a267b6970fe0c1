"""CloudWatch Logs: log groups (retention, encryption)."""

from __future__ import annotations

from meshward.loaders.aws.translate import Reader


def collect(r: Reader) -> None:
    for group in r.listing("logs", "describe_log_groups", "logGroups") or []:
        name = str(group["logGroupName"])
        arn = str(group.get("arn", "")).removesuffix(":*")
        r.add("aws_cloudwatch_log_group", name, {
            "name": name, "arn": arn,
            "retention_in_days": int(group.get("retentionInDays") or 0),  # 0: never expire
            "kms_key_id": group.get("kmsKeyId", ""),
            "log_group_class": group.get("logGroupClass", "STANDARD"),
        }, "logs", f"log-group/{name}", arn)
