"""KMS: customer-managed keys (rotation, key policy) and aliases."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader, not_read, policy_json


def collect(r: Reader) -> None:
    for key in r.listing("kms", "list_keys", "Keys") or []:
        kid = str(key["KeyId"])
        got = r.get("kms", "describe_key", KeyId=kid)
        meta = (got or {}).get("KeyMetadata") or {}
        if got is not None and meta.get("KeyManager") != "CUSTOMER":
            continue  # AWS-managed keys are not the account's to configure
        if meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
            continue
        arn = str(meta.get("Arn") or key.get("KeyArn", ""))
        symmetric = meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        rotation: Any = None
        if symmetric and meta.get("Origin", "AWS_KMS") == "AWS_KMS":
            status = r.get("kms", "get_key_rotation_status", KeyId=kid)
            rotation = (bool(status.get("KeyRotationEnabled")) if status is not None
                        else not_read("kms:GetKeyRotationStatus"))
        policy = r.get("kms", "get_key_policy", KeyId=kid, PolicyName="default")
        r.add("aws_kms_key", kid, {
            "key_id": kid, "arn": arn, "description": meta.get("Description", ""),
            "key_usage": meta.get("KeyUsage", ""),
            "customer_master_key_spec": meta.get("KeySpec", ""),
            "is_enabled": meta.get("Enabled") if meta else not_read("kms:DescribeKey"),
            "enable_key_rotation": rotation if rotation is not None else False,
            "policy": (policy_json(policy.get("Policy")) if policy is not None
                       else not_read("kms:GetKeyPolicy")),
            "multi_region": bool(meta.get("MultiRegion")),
        }, "kms", f"key/{kid}", arn)
    for alias in r.listing("kms", "list_aliases", "Aliases") or []:
        name = str(alias.get("AliasName", ""))
        if name.startswith("alias/aws/"):
            continue
        r.add("aws_kms_alias", name, {
            "name": name, "arn": alias.get("AliasArn", ""),
            "target_key_id": alias.get("TargetKeyId", ""),
        }, "kms", name, str(alias.get("AliasArn", "")))
