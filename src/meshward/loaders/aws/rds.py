"""RDS: database instances and Aurora clusters."""

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
        "iam_database_authentication_enabled": bool(cl.get("IAMDatabaseAuthenticationEnabled")),
        "backup_retention_period": cl.get("BackupRetentionPeriod"),
        "deletion_protection": bool(cl.get("DeletionProtection")),
        "publicly_accessible": bool(cl.get("PubliclyAccessible")),
        "enabled_cloudwatch_logs_exports": list(cl.get("EnabledCloudwatchLogsExports") or []),
    }


def collect(r: Reader) -> None:
    for db in r.listing("rds", "describe_db_instances", "DBInstances") or []:
        ident = str(db["DBInstanceIdentifier"])
        r.add("aws_db_instance", ident, db_instance(db), "rds", f"db/{ident}",
              str(db.get("DBInstanceArn", "")))
    for cl in r.listing("rds", "describe_db_clusters", "DBClusters") or []:
        ident = str(cl["DBClusterIdentifier"])
        r.add("aws_rds_cluster", ident, db_cluster(cl), "rds", f"cluster/{ident}",
              str(cl.get("DBClusterArn", "")))
