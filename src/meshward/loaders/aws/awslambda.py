"""Lambda: functions (role, environment, VPC placement, function URL) and event source
mappings."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader, not_read

NOT_FOUND = frozenset({"ResourceNotFoundException"})


def function(fn: dict[str, Any]) -> dict[str, Any]:
    env = (fn.get("Environment") or {}).get("Variables")
    vpc = fn.get("VpcConfig") or {}
    return {
        "function_name": fn.get("FunctionName"),
        "arn": fn.get("FunctionArn"),
        "role": fn.get("Role"),
        "runtime": fn.get("Runtime") or "",
        "handler": fn.get("Handler") or "",
        "package_type": fn.get("PackageType") or "Zip",
        "timeout": fn.get("Timeout"),
        "memory_size": fn.get("MemorySize"),
        "kms_key_arn": fn.get("KMSKeyArn") or "",
        "layers": [str(x.get("Arn")) for x in fn.get("Layers") or []],
        "environment": [{"variables": dict(env)}] if env is not None else [],
        "vpc_config": [{
            "subnet_ids": list(vpc.get("SubnetIds") or []),
            "security_group_ids": list(vpc.get("SecurityGroupIds") or []),
            "vpc_id": vpc.get("VpcId", ""),
        }] if vpc.get("SubnetIds") else [],
        "tracing_config": [{"mode": (fn.get("TracingConfig") or {}).get("Mode", "PassThrough")}],
    }


def collect(r: Reader) -> None:
    for fn in r.listing("lambda", "list_functions", "Functions") or []:
        name = str(fn["FunctionName"])
        arn = str(fn.get("FunctionArn", ""))
        r.add("aws_lambda_function", name, function(fn), "lambda", f"function/{name}", arn)
        url = r.get("lambda", "get_function_url_config", absent=NOT_FOUND, FunctionName=name)
        if url is None:
            r.add("aws_lambda_function_url", name, {
                "function_name": name,
                "authorization_type": not_read("lambda:GetFunctionUrlConfig")},
                "lambda", f"function/{name}/url", "")
        elif url:
            r.add("aws_lambda_function_url", name, {
                "function_name": name, "function_arn": url.get("FunctionArn", arn),
                "function_url": url.get("FunctionUrl"),
                "authorization_type": url.get("AuthType"),
            }, "lambda", f"function/{name}/url", "")
    for esm in r.listing("lambda", "list_event_source_mappings", "EventSourceMappings") or []:
        uuid = str(esm.get("UUID"))
        r.add("aws_lambda_event_source_mapping", uuid, {
            "uuid": uuid,
            "event_source_arn": esm.get("EventSourceArn", ""),
            "function_name": esm.get("FunctionArn"),
            "function_arn": esm.get("FunctionArn"),
            "enabled": esm.get("State") in ("Enabled", "Enabling", "Creating", None),
            "batch_size": esm.get("BatchSize"),
            "state": esm.get("State", ""),
        }, "lambda", f"event-source-mapping/{uuid}",
            str(esm.get("EventSourceMappingArn") or r.arn("lambda", f"event-source-mapping:{uuid}")))
