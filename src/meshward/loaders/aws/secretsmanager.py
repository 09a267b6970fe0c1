"""Secrets Manager: secrets (encryption key, rotation) and their resource policies. Secret
values are never read."""

from __future__ import annotations

from meshward.loaders.aws.translate import Reader, policy_json

NOT_FOUND = frozenset({"ResourceNotFoundException"})


def collect(r: Reader) -> None:
    for sec in r.listing("secretsmanager", "list_secrets", "SecretList") or []:
        name = str(sec["Name"])
        arn = str(sec.get("ARN", ""))
        r.add("aws_secretsmanager_secret", name, {
            "name": name, "arn": arn, "description": sec.get("Description", ""),
            "kms_key_id": sec.get("KmsKeyId", ""),
            "tags": {str(t.get("Key")): str(t.get("Value")) for t in sec.get("Tags") or []},
        }, "secretsmanager", f"secret/{name}", arn)
        if sec.get("RotationEnabled"):
            rules = sec.get("RotationRules") or {}
            r.add("aws_secretsmanager_secret_rotation", name, {
                "secret_id": arn, "rotation_enabled": True,
                "rotation_lambda_arn": sec.get("RotationLambdaARN", ""),
                "rotation_rules": [{
                    "automatically_after_days": rules.get("AutomaticallyAfterDays"),
                    "schedule_expression": rules.get("ScheduleExpression", ""),
                }],
            }, "secretsmanager", f"secret/{name}/rotation", "")
        policy = r.get("secretsmanager", "get_resource_policy", absent=NOT_FOUND, SecretId=arn)
        if policy and policy.get("ResourcePolicy"):
            r.add("aws_secretsmanager_secret_policy", name, {
                "secret_arn": arn, "policy": policy_json(policy.get("ResourcePolicy")),
            }, "secretsmanager", f"secret/{name}/policy", "")
