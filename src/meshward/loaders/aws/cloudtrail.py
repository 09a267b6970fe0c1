"""CloudTrail: trails (multi-region, log file validation, where they write) and whether they
are logging."""

from __future__ import annotations

from meshward.loaders.aws.translate import Reader, not_read


def collect(r: Reader) -> None:
    for trail in r.listing("cloudtrail", "describe_trails", "trailList",
                           includeShadowTrails=True) or []:
        arn = str(trail.get("TrailARN", ""))
        name = str(trail.get("Name"))
        status = r.get("cloudtrail", "get_trail_status", Name=arn or name)
        r.add("aws_cloudtrail", name, {
            "name": name, "arn": arn,
            "home_region": trail.get("HomeRegion", r.region),
            "s3_bucket_name": trail.get("S3BucketName", ""),
            "s3_key_prefix": trail.get("S3KeyPrefix", ""),
            "is_multi_region_trail": bool(trail.get("IsMultiRegionTrail")),
            "include_global_service_events": bool(trail.get("IncludeGlobalServiceEvents")),
            "enable_log_file_validation": bool(trail.get("LogFileValidationEnabled")),
            "is_organization_trail": bool(trail.get("IsOrganizationTrail")),
            "kms_key_id": trail.get("KmsKeyId", ""),
            "cloud_watch_logs_group_arn": trail.get("CloudWatchLogsLogGroupArn", ""),
            "sns_topic_name": trail.get("SnsTopicName", ""),
            "enable_logging": (bool(status.get("IsLogging")) if status is not None
                               else not_read("cloudtrail:GetTrailStatus")),
        }, "cloudtrail", f"trail/{name}", arn)
