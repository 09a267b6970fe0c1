"""S3: buckets and, as the provider's separate resources, their versioning, object lock,
public access block, default encryption, access logging and bucket policy."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader, not_read, policy_json

NO_LOCK = frozenset({"ObjectLockConfigurationNotFoundError"})
NO_BLOCK = frozenset({"NoSuchPublicAccessBlockConfiguration"})
NO_ENCRYPTION = frozenset({"ServerSideEncryptionConfigurationNotFoundError"})
NO_POLICY = frozenset({"NoSuchBucketPolicy"})


def object_lock(conf: dict[str, Any]) -> dict[str, Any]:
    rule = (conf.get("Rule") or {}).get("DefaultRetention") or {}
    return {
        "object_lock_enabled": conf.get("ObjectLockEnabled", ""),
        "rule": [{"default_retention": [{
            "mode": rule.get("Mode"), "days": rule.get("Days"), "years": rule.get("Years"),
        }]}] if rule else [],
    }


def collect(r: Reader) -> None:
    r.each(r.listing("s3", "list_buckets", "Buckets") or [], _bucket)


def _bucket(r: Reader, bucket: dict[str, Any]) -> None:
    """One bucket: six reads."""
    name = str(bucket["Name"])
    arn = f"arn:{r.caller.partition}:s3:::{name}"

    def part(type_: str, attrs: dict[str, Any], what: str, b: str = name) -> None:
        r.add(type_, b, {"bucket": b, **attrs}, "s3", f"{b}/{what}", "")

    lock = r.get("s3", "get_object_lock_configuration", absent=NO_LOCK, Bucket=name)
    lock_conf = (lock or {}).get("ObjectLockConfiguration") or {}
    r.add("aws_s3_bucket", name, {
        "bucket": name, "arn": arn,
        "object_lock_enabled": (lock_conf.get("ObjectLockEnabled") == "Enabled"
                                if lock is not None else not_read("s3:GetObjectLockConfiguration")),
    }, "s3", name, arn)
    versioning = r.get("s3", "get_bucket_versioning", Bucket=name)
    if versioning is None:
        part("aws_s3_bucket_versioning", {"versioning_configuration": not_read(
            "s3:GetBucketVersioning")}, "versioning")
    elif versioning.get("Status"):
        part("aws_s3_bucket_versioning", {"versioning_configuration": [{
            "status": versioning.get("Status"),
            "mfa_delete": versioning.get("MFADelete", "Disabled"),
        }]}, "versioning")
    if lock_conf.get("Rule"):
        part("aws_s3_bucket_object_lock_configuration", object_lock(lock_conf), "object-lock")
    block = r.get("s3", "get_public_access_block", absent=NO_BLOCK, Bucket=name)
    conf = (block or {}).get("PublicAccessBlockConfiguration")
    if block is None:
        part("aws_s3_bucket_public_access_block", {"block_public_acls": not_read(
            "s3:GetPublicAccessBlock")}, "public-access-block")
    elif conf:
        part("aws_s3_bucket_public_access_block", {
            "block_public_acls": bool(conf.get("BlockPublicAcls")),
            "block_public_policy": bool(conf.get("BlockPublicPolicy")),
            "ignore_public_acls": bool(conf.get("IgnorePublicAcls")),
            "restrict_public_buckets": bool(conf.get("RestrictPublicBuckets")),
        }, "public-access-block")
    enc = r.get("s3", "get_bucket_encryption", absent=NO_ENCRYPTION, Bucket=name)
    rules = ((enc or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if rules:
        part("aws_s3_bucket_server_side_encryption_configuration", {"rule": [{
            "apply_server_side_encryption_by_default": [{
                "sse_algorithm": (x.get("ApplyServerSideEncryptionByDefault") or {}).get(
                    "SSEAlgorithm"),
                "kms_master_key_id": (x.get("ApplyServerSideEncryptionByDefault") or {}).get(
                    "KMSMasterKeyID", ""),
            }],
            "bucket_key_enabled": bool(x.get("BucketKeyEnabled")),
        } for x in rules]}, "encryption")
    logging = r.get("s3", "get_bucket_logging", Bucket=name)
    enabled = (logging or {}).get("LoggingEnabled")
    if enabled:
        part("aws_s3_bucket_logging", {
            "target_bucket": enabled.get("TargetBucket"),
            "target_prefix": enabled.get("TargetPrefix", ""),
        }, "logging")
    policy = r.get("s3", "get_bucket_policy", absent=NO_POLICY, Bucket=name)
    if policy:
        part("aws_s3_bucket_policy", {"policy": policy_json(policy.get("Policy"))}, "policy")
