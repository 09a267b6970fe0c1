"""EKS: clusters (public endpoint and its allowlist, logging, secrets encryption)."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader


def cluster(cl: dict[str, Any]) -> dict[str, Any]:
    vpc = cl.get("resourcesVpcConfig") or {}
    logging = (cl.get("logging") or {}).get("clusterLogging") or []
    return {
        "name": cl.get("name"), "arn": cl.get("arn"), "role_arn": cl.get("roleArn", ""),
        "version": cl.get("version", ""), "endpoint": cl.get("endpoint", ""),
        "vpc_config": [{
            "subnet_ids": list(vpc.get("subnetIds") or []),
            "security_group_ids": list(vpc.get("securityGroupIds") or []),
            "cluster_security_group_id": vpc.get("clusterSecurityGroupId", ""),
            "endpoint_public_access": bool(vpc.get("endpointPublicAccess", True)),
            "endpoint_private_access": bool(vpc.get("endpointPrivateAccess")),
            "public_access_cidrs": list(vpc.get("publicAccessCidrs") or []),
            "vpc_id": vpc.get("vpcId", ""),
        }],
        "enabled_cluster_log_types": sorted({t for entry in logging if entry.get("enabled")
                                             for t in entry.get("types") or []}),
        "encryption_config": [{
            "resources": list(e.get("resources") or []),
            "provider": [{"key_arn": (e.get("provider") or {}).get("keyArn", "")}],
        } for e in cl.get("encryptionConfig") or []],
        "tags": dict(cl.get("tags") or {}),
    }


def collect(r: Reader) -> None:
    for name in r.listing("eks", "list_clusters", "clusters") or []:
        got = r.get("eks", "describe_cluster", name=name)
        cl = (got or {}).get("cluster")
        if not cl:
            continue
        r.add("aws_eks_cluster", str(name), cluster(cl), "eks", f"cluster/{name}",
              str(cl.get("arn", "")))
