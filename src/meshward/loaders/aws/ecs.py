"""ECS: clusters, services (network configuration, load balancers) and the task definitions
they run (the latest active revision of every family, and every revision a service runs)."""

from __future__ import annotations

import json
from typing import Any

from meshward.loaders.aws.translate import Reader, arn_name, tags


def task_definition(td: dict[str, Any]) -> dict[str, Any]:
    return {
        "family": td.get("family"),
        "arn": td.get("taskDefinitionArn"),
        "revision": td.get("revision"),
        # Terraform keeps the container definitions as the API's JSON (camelCase keys)
        "container_definitions": json.dumps(td.get("containerDefinitions") or []),
        "task_role_arn": td.get("taskRoleArn") or "",
        "execution_role_arn": td.get("executionRoleArn") or "",
        "network_mode": td.get("networkMode") or "",
        "requires_compatibilities": list(td.get("requiresCompatibilities") or []),
        "cpu": td.get("cpu") or "",
        "memory": td.get("memory") or "",
        "pid_mode": td.get("pidMode") or "",
        "ipc_mode": td.get("ipcMode") or "",
    }


def service(svc: dict[str, Any], cluster_arn: str) -> dict[str, Any]:
    net = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    return {
        "name": svc.get("serviceName"),
        "id": svc.get("serviceArn"),
        "cluster": cluster_arn,
        "task_definition": svc.get("taskDefinition"),
        "desired_count": svc.get("desiredCount"),
        "launch_type": svc.get("launchType") or "",
        "network_configuration": [{
            "subnets": list(net.get("subnets") or []),
            "security_groups": list(net.get("securityGroups") or []),
            "assign_public_ip": net.get("assignPublicIp") == "ENABLED",
        }] if net else [],
        "load_balancer": [{
            "target_group_arn": lb.get("targetGroupArn", ""),
            "elb_name": lb.get("loadBalancerName", ""),
            "container_name": lb.get("containerName"),
            "container_port": lb.get("containerPort"),
        } for lb in svc.get("loadBalancers") or []],
        "tags": tags(svc.get("tags")),
    }


def collect(r: Reader) -> None:
    cluster_arns = r.listing("ecs", "list_clusters", "clusterArns") or []
    wanted_tds: list[str] = []
    for i in range(0, len(cluster_arns), 100):
        got = r.get("ecs", "describe_clusters", clusters=cluster_arns[i:i + 100],
                    include=["SETTINGS"])
        for cl in (got or {}).get("clusters") or []:
            name = str(cl.get("clusterName"))
            r.add("aws_ecs_cluster", name, {
                "name": name, "arn": cl.get("clusterArn"),
                "setting": [{"name": s.get("name"), "value": s.get("value")}
                            for s in cl.get("settings") or []],
            }, "ecs", f"cluster/{name}", str(cl.get("clusterArn", "")))
    for carn in cluster_arns:
        svc_arns = r.listing("ecs", "list_services", "serviceArns", cluster=carn) or []
        for i in range(0, len(svc_arns), 10):
            got = r.get("ecs", "describe_services", cluster=carn, services=svc_arns[i:i + 10])
            for svc in (got or {}).get("services") or []:
                name = str(svc.get("serviceName"))
                cname = arn_name(carn)
                r.add("aws_ecs_service", name, service(svc, carn), "ecs",
                      f"service/{cname}/{name}", str(svc.get("serviceArn", "")))
                if svc.get("taskDefinition"):
                    wanted_tds.append(str(svc["taskDefinition"]))
    families = r.listing("ecs", "list_task_definition_families", "families", status="ACTIVE") or []
    seen: set[str] = set()
    for ref in [*families, *wanted_tds]:
        got = r.get("ecs", "describe_task_definition", taskDefinition=ref)
        td = (got or {}).get("taskDefinition")
        if not td or td.get("taskDefinitionArn") in seen:
            continue
        tarn = str(td["taskDefinitionArn"])
        seen.add(tarn)
        name = f"{td.get('family')}:{td.get('revision')}"
        r.add("aws_ecs_task_definition", name, task_definition(td), "ecs",
              f"task-definition/{name}", tarn)
