"""Every AWS call the live loader may send, and the IAM action each one needs.

:class:`~meshward.loaders.aws.session.AwsCaller` refuses any call not listed here, so this
table *is* the loader's reach: all of it is ``Describe``/``List``/``Get``, and
:func:`read_only_policy` renders it as the IAM policy docs/cloud.md documents (a test keeps
the two equal).
"""

from __future__ import annotations

import json
from typing import Final

# (boto3 client, method) -> IAM action
CALLS: Final[dict[tuple[str, str], str]] = {
    ("sts", "get_caller_identity"): "sts:GetCallerIdentity",
    # IAM
    ("iam", "list_roles"): "iam:ListRoles",
    ("iam", "list_attached_role_policies"): "iam:ListAttachedRolePolicies",
    ("iam", "list_role_policies"): "iam:ListRolePolicies",
    ("iam", "get_role_policy"): "iam:GetRolePolicy",
    ("iam", "list_users"): "iam:ListUsers",
    ("iam", "list_access_keys"): "iam:ListAccessKeys",
    ("iam", "list_attached_user_policies"): "iam:ListAttachedUserPolicies",
    ("iam", "list_user_policies"): "iam:ListUserPolicies",
    ("iam", "get_user_policy"): "iam:GetUserPolicy",
    ("iam", "list_policies"): "iam:ListPolicies",
    ("iam", "get_policy_version"): "iam:GetPolicyVersion",
    ("iam", "list_instance_profiles"): "iam:ListInstanceProfiles",
    # EC2 / VPC
    ("ec2", "describe_security_groups"): "ec2:DescribeSecurityGroups",
    ("ec2", "describe_vpcs"): "ec2:DescribeVpcs",
    ("ec2", "describe_subnets"): "ec2:DescribeSubnets",
    ("ec2", "describe_route_tables"): "ec2:DescribeRouteTables",
    ("ec2", "describe_internet_gateways"): "ec2:DescribeInternetGateways",
    ("ec2", "describe_flow_logs"): "ec2:DescribeFlowLogs",
    ("ec2", "describe_addresses"): "ec2:DescribeAddresses",
    ("ec2", "describe_instances"): "ec2:DescribeInstances",
    ("ec2", "describe_instance_attribute"): "ec2:DescribeInstanceAttribute",
    # Elastic Load Balancing v2 and WAFv2
    ("elbv2", "describe_load_balancers"): "elasticloadbalancing:DescribeLoadBalancers",
    ("elbv2", "describe_load_balancer_attributes"):
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ("elbv2", "describe_listeners"): "elasticloadbalancing:DescribeListeners",
    ("elbv2", "describe_rules"): "elasticloadbalancing:DescribeRules",
    ("elbv2", "describe_target_groups"): "elasticloadbalancing:DescribeTargetGroups",
    ("elbv2", "describe_target_health"): "elasticloadbalancing:DescribeTargetHealth",
    ("wafv2", "get_web_acl_for_resource"): "wafv2:GetWebACLForResource",
    ("wafv2", "list_web_acls"): "wafv2:ListWebACLs",
    # API Gateway (its read permission is one action, apigateway:GET)
    ("apigateway", "get_rest_apis"): "apigateway:GET",
    ("apigateway", "get_stages"): "apigateway:GET",
    ("apigateway", "get_resources"): "apigateway:GET",
    ("apigateway", "get_method"): "apigateway:GET",
    ("apigateway", "get_authorizers"): "apigateway:GET",
    ("apigateway", "get_usage_plans"): "apigateway:GET",
    ("apigatewayv2", "get_apis"): "apigateway:GET",
    ("apigatewayv2", "get_stages"): "apigateway:GET",
    ("apigatewayv2", "get_routes"): "apigateway:GET",
    ("apigatewayv2", "get_authorizer"): "apigateway:GET",
    ("apigatewayv2", "get_integrations"): "apigateway:GET",
    # ECS
    ("ecs", "list_clusters"): "ecs:ListClusters",
    ("ecs", "describe_clusters"): "ecs:DescribeClusters",
    ("ecs", "list_services"): "ecs:ListServices",
    ("ecs", "describe_services"): "ecs:DescribeServices",
    ("ecs", "list_task_definition_families"): "ecs:ListTaskDefinitionFamilies",
    ("ecs", "describe_task_definition"): "ecs:DescribeTaskDefinition",
    # Lambda
    ("lambda", "list_functions"): "lambda:ListFunctions",
    ("lambda", "get_function_url_config"): "lambda:GetFunctionUrlConfig",
    ("lambda", "list_event_source_mappings"): "lambda:ListEventSourceMappings",
    # datastores
    ("rds", "describe_db_instances"): "rds:DescribeDBInstances",
    ("rds", "describe_db_clusters"): "rds:DescribeDBClusters",
    ("rds", "describe_db_parameters"): "rds:DescribeDBParameters",
    ("rds", "describe_db_cluster_parameters"): "rds:DescribeDBClusterParameters",
    ("elasticache", "describe_cache_clusters"): "elasticache:DescribeCacheClusters",
    ("elasticache", "describe_replication_groups"): "elasticache:DescribeReplicationGroups",
    # EKS, ECR
    ("eks", "list_clusters"): "eks:ListClusters",
    ("eks", "describe_cluster"): "eks:DescribeCluster",
    ("ecr", "describe_repositories"): "ecr:DescribeRepositories",
    ("ecr", "get_repository_policy"): "ecr:GetRepositoryPolicy",
    ("ecr", "get_registry_scanning_configuration"): "ecr:GetRegistryScanningConfiguration",
    # secrets and keys (secret values are never read)
    ("secretsmanager", "list_secrets"): "secretsmanager:ListSecrets",
    ("secretsmanager", "get_resource_policy"): "secretsmanager:GetResourcePolicy",
    ("kms", "list_keys"): "kms:ListKeys",
    ("kms", "describe_key"): "kms:DescribeKey",
    ("kms", "get_key_rotation_status"): "kms:GetKeyRotationStatus",
    ("kms", "get_key_policy"): "kms:GetKeyPolicy",
    ("kms", "list_aliases"): "kms:ListAliases",
    # logging
    ("cloudtrail", "describe_trails"): "cloudtrail:DescribeTrails",
    ("cloudtrail", "get_trail_status"): "cloudtrail:GetTrailStatus",
    ("logs", "describe_log_groups"): "logs:DescribeLogGroups",
    ("s3", "list_buckets"): "s3:ListAllMyBuckets",
    ("s3", "get_bucket_versioning"): "s3:GetBucketVersioning",
    ("s3", "get_object_lock_configuration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "get_public_access_block"): "s3:GetBucketPublicAccessBlock",
    ("s3", "get_bucket_encryption"): "s3:GetEncryptionConfiguration",
    ("s3", "get_bucket_logging"): "s3:GetBucketLogging",
    ("s3", "get_bucket_policy"): "s3:GetBucketPolicy",
}

NO_PERMISSION_NEEDED: Final = frozenset({"sts:GetCallerIdentity"})

# actions AWS checks besides the call's own: GetWebACLForResource reads the web ACL it returns
ALSO_NEEDED: Final = frozenset({"wafv2:GetWebACL"})


def actions() -> list[str]:
    """The IAM actions the loader needs, sorted, without duplicates."""
    return sorted((set(CALLS.values()) | ALSO_NEEDED) - NO_PERMISSION_NEEDED)


def read_only_policy() -> str:
    """The IAM policy granting exactly what ``meshward scan --aws`` reads."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "MeshwardLiveAudit", "Effect": "Allow", "Action": actions(), "Resource": "*",
    }]}, indent=2)


if __name__ == "__main__":  # python -m meshward.loaders.aws.permissions > policy.json
    print(read_only_policy())
