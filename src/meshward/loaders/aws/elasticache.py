"""ElastiCache: replication groups (encryption in transit and at rest, auth token, security
groups of their member clusters)."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader
from meshward.model.cloud import unknown


def replication_group(rg: dict[str, Any], groups: list[str], subnet_group: str) -> dict[str, Any]:
    primary = next((ng.get("PrimaryEndpoint") or {} for ng in rg.get("NodeGroups") or []), {})
    conf = rg.get("ConfigurationEndpoint") or {}
    return {
        "replication_group_id": rg.get("ReplicationGroupId"),
        "arn": rg.get("ARN"),
        "description": rg.get("Description", ""),
        "engine": rg.get("Engine") or "redis",
        "transit_encryption_enabled": bool(rg.get("TransitEncryptionEnabled")),
        "at_rest_encryption_enabled": bool(rg.get("AtRestEncryptionEnabled")),
        # AWS never returns the token: set-but-unreadable is unknown, absent is None
        "auth_token": unknown("set in AWS, not readable") if rg.get("AuthTokenEnabled") else None,
        "kms_key_id": rg.get("KmsKeyId") or "",
        "automatic_failover_enabled": rg.get("AutomaticFailover") == "enabled",
        "multi_az_enabled": rg.get("MultiAZ") == "enabled",
        "num_cache_clusters": len(rg.get("MemberClusters") or []),
        "primary_endpoint_address": primary.get("Address", ""),
        "configuration_endpoint_address": conf.get("Address", ""),
        "port": primary.get("Port", conf.get("Port")),
        "security_group_ids": groups,
        "subnet_group_name": subnet_group,
        "user_group_ids": list(rg.get("UserGroupIds") or []),
    }


def cache_cluster(c: dict[str, Any]) -> dict[str, Any]:
    conf = c.get("ConfigurationEndpoint") or {}
    return {
        "cluster_id": c.get("CacheClusterId"),
        "arn": c.get("ARN"),
        "engine": c.get("Engine"),
        "engine_version": c.get("EngineVersion", ""),
        "node_type": c.get("CacheNodeType"),
        "num_cache_nodes": c.get("NumCacheNodes"),
        "port": conf.get("Port") or (11211 if c.get("Engine") == "memcached" else 6379),
        "transit_encryption_enabled": bool(c.get("TransitEncryptionEnabled")),
        "security_group_ids": sorted({str(g["SecurityGroupId"]) for g in
                                      c.get("SecurityGroups") or [] if g.get("SecurityGroupId")}),
        "subnet_group_name": c.get("CacheSubnetGroupName", ""),
        "cluster_address": conf.get("Address", ""),
    }


def collect(r: Reader) -> None:
    clusters = r.listing("elasticache", "describe_cache_clusters", "CacheClusters") or []
    by_id = {str(c.get("CacheClusterId")): c for c in clusters}
    for c in clusters:
        if c.get("ReplicationGroupId"):
            continue  # a member: its replication group is the resource
        cid = str(c.get("CacheClusterId"))
        r.add("aws_elasticache_cluster", cid, cache_cluster(c), "elasticache", f"cluster/{cid}",
              str(c.get("ARN") or r.arn("elasticache", f"cluster:{cid}")))
    for rg in r.listing("elasticache", "describe_replication_groups", "ReplicationGroups") or []:
        rid = str(rg["ReplicationGroupId"])
        members = [by_id[m] for m in rg.get("MemberClusters") or [] if m in by_id]
        groups = sorted({str(g["SecurityGroupId"]) for c in members
                         for g in c.get("SecurityGroups") or [] if g.get("SecurityGroupId")})
        subnet = next((str(c.get("CacheSubnetGroupName")) for c in members
                       if c.get("CacheSubnetGroupName")), "")
        r.add("aws_elasticache_replication_group", rid, replication_group(rg, groups, subnet),
              "elasticache", f"replicationgroup/{rid}",
              str(rg.get("ARN") or r.arn("elasticache", f"replicationgroup:{rid}")))
