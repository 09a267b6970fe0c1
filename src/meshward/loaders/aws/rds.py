"""RDS: database instances and Aurora clusters, and the parameters their own (non-default)
parameter groups set (``rds.force_ssl``, ``require_secure_transport``...)."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader


def db_instance(db: dict[str, Any]) -> dict[str, Any]:
    endpoint = db.get("Endpoint") or {}
    return {
        "identifier": db.get("DBInstanceIdentifier"),
        "arn": db.get("DBInstanceArn"),
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "instance_class": db.get("DBInstanceClass"),
        "publicly_accessible": bool(db.get("PubliclyAccessible")),
        "storage_encrypted": bool(db.get("StorageEncrypted")),
        "kms_key_id": db.get("KmsKeyId") or "",
        "vpc_security_group_ids": [str(g["VpcSecurityGroupId"])
                                   for g in db.get("VpcSecurityGroups") or []],
        "db_subnet_group_name": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName", ""),
        "address": endpoint.get("Address", ""),
        "port": endpoint.get("Port", db.get("DbInstancePort")),
        "username": db.get("MasterUsername", ""),
        "manage_master_user_password": bool(db.get("MasterUserSecret")),
        "iam_database_authentication_enabled": bool(db.get("IAMDatabaseAuthenticationEnabled")),
        "backup_retention_period": db.get("BackupRetentionPeriod"),
        "deletion_protection": bool(db.get("DeletionProtection")),
        "multi_az": bool(db.get("MultiAZ")),
        "auto_minor_version_upgrade": bool(db.get("AutoMinorVersionUpgrade")),
        "ca_cert_identifier": db.get("CACertificateIdentifier", ""),
        "enabled_cloudwatch_logs_exports": list(db.get("EnabledCloudwatchLogsExports") or []),
        "cluster_identifier": db.get("DBClusterIdentifier", ""),
        "parameter_group_name": next((p.get("DBParameterGroupName")
                                      for p in db.get("DBParameterGroups") or []), ""),
    }


def db_cluster(cl: dict[str, Any]) -> dict[str, Any]:
    return {
        "cluster_identifier": cl.get("DBClusterIdentifier"),
        "arn": cl.get("DBClusterArn"),
        "engine": cl.get("Engine"),
        "engine_version": cl.get("EngineVersion"),
        "storage_encrypted": bool(cl.get("StorageEncrypted")),
        "kms_key_id": cl.get("KmsKeyId") or "",
        "vpc_security_group_ids": [str(g["VpcSecurityGroupId"])
                                   for g in cl.get("VpcSecurityGroups") or []],
        "db_subnet_group_name": cl.get("DBSubnetGroup", ""),
        "endpoint": cl.get("Endpoint", ""),
        "port": cl.get("Port"),
        "master_username": cl.get("MasterUsername", ""),
        "manage_master_user_password": bool(cl.get("MasterUserSecret")),
        "iam_database_authentication_enabled": bool(cl.get("IAMDatabaseAuthenticationEnabled")),
        "backup_retention_period": cl.get("BackupRetentionPeriod"),
        "deletion_protection": bool(cl.get("DeletionProtection")),
        "publicly_accessible": bool(cl.get("PubliclyAccessible")),
        "enabled_cloudwatch_logs_exports": list(cl.get("EnabledCloudwatchLogsExports") or []),
        "db_cluster_parameter_group_name": cl.get("DBClusterParameterGroup", ""),
    }


def parameter_group(name: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters a group sets itself (``Source=user``), as Terraform declares them."""
    return {"name": name, "parameter": [{
        "name": p.get("ParameterName"), "value": p.get("ParameterValue"),
        "apply_method": p.get("ApplyMethod", "immediate"),
    } for p in params if p.get("ParameterName")]}


def _groups(r: Reader, names: list[str], cluster: bool) -> None:
    type_ = "aws_rds_cluster_parameter_group" if cluster else "aws_db_parameter_group"
    method = "describe_db_cluster_parameters" if cluster else "describe_db_parameters"
    key = "DBClusterParameterGroupName" if cluster else "DBParameterGroupName"
    for name in dict.fromkeys(names):
        if not name or name.startswith("default."):
            continue  # the engine's defaults: judged by engine and version
        params = r.listing("rds", method, "Parameters", Source="user", **{key: name})
        if params is None:
            continue  # the call failed (a notice says so): the group stays unknown
        kind = "cluster-pg" if cluster else "pg"
        r.add(type_, name, parameter_group(name, params), "rds", f"{kind}/{name}",
              r.arn("rds", f"{kind}:{name}"))


def collect(r: Reader) -> None:
    groups: list[str] = []
    for db in r.listing("rds", "describe_db_instances", "DBInstances") or []:
        ident = str(db["DBInstanceIdentifier"])
        attrs = db_instance(db)
        groups.append(str(attrs["parameter_group_name"] or ""))
        if attrs["cluster_identifier"]:  # an Aurora member: Terraform's aws_rds_cluster_instance
            attrs["db_parameter_group_name"] = attrs.pop("parameter_group_name")
            r.add("aws_rds_cluster_instance", ident, attrs, "rds", f"db/{ident}",
                  str(db.get("DBInstanceArn", "")))
            continue
        r.add("aws_db_instance", ident, attrs, "rds", f"db/{ident}",
              str(db.get("DBInstanceArn", "")))
    cluster_groups: list[str] = []
    for cl in r.listing("rds", "describe_db_clusters", "DBClusters") or []:
        ident = str(cl["DBClusterIdentifier"])
        attrs = db_cluster(cl)
        cluster_groups.append(str(attrs["db_cluster_parameter_group_name"] or ""))
        r.add("aws_rds_cluster", ident, attrs, "rds", f"cluster/{ident}",
              str(cl.get("DBClusterArn", "")))
    _groups(r, groups, cluster=False)
    _groups(r, cluster_groups, cluster=True)
