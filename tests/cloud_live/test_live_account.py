"""A seeded moto account read by meshward: every family translated into Terraform's schema,
and the cloud rules' exact findings on it, as on the equivalent Terraform fixtures."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshward.cli.main import main
from meshward.loaders.aws import AwsLoad, AwsOptions, load_aws
from meshward.loaders.aws.permissions import CALLS
from meshward.model.cloud import CloudResource, is_unknown
from tests.cloud_live import seed
from tests.cloud_live.conftest import REGION, Moto, use_moto

ACCOUNT = "123456789012"
ENV = f"aws:{REGION}"


@pytest.fixture(scope="module")
def seeded(moto_server: Moto, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[dict[str, str], AwsLoad, dict[str, Any], int]]:
    """The account, what load_aws read of it, and `meshward scan --aws` JSON report and exit."""
    with pytest.MonkeyPatch.context() as mp:
        use_moto(mp, moto_server, tmp_path_factory.mktemp("home"))
        ids = seed.seed()
        seed.seed_services(ids)
        seed.seed_throttled_stage(ids)
        ids["default_vpc"] = next(v["VpcId"] for v in seed.client("ec2").describe_vpcs()["Vpcs"]
                                  if v["IsDefault"])
        load = load_aws(AwsOptions())
        out = tmp_path_factory.mktemp("report") / "scan.json"
        code = main(["scan", "--aws", "--select", "MWC*", "-f", "json", "-o", str(out)])
        yield ids, load, json.loads(out.read_text()), code


@pytest.fixture(scope="module")
def account(seeded: tuple[dict[str, str], AwsLoad, dict[str, Any], int]
            ) -> tuple[dict[str, str], AwsLoad]:
    return seeded[0], seeded[1]


def one(load: AwsLoad, type_: str, name: str) -> CloudResource:
    found = [r for r in load.resources if r.type == type_ and r.name == name]
    assert len(found) == 1, f"{type_}.{name}: {len(found)} found"
    return found[0]


def names(load: AwsLoad, type_: str) -> set[str]:
    return {r.name for r in load.resources if r.type == type_}


def test_read_without_errors_or_denials(account: tuple[dict[str, str], AwsLoad]) -> None:
    _, load = account
    assert load.errors == []
    assert load.account_id == ACCOUNT and load.region == REGION
    assert load.notices == [f"AWS: read {len(load.resources)} resources of account {ACCOUNT} "
                            f"in {REGION} with {load.calls} calls"]
    for res in load.resources:
        assert res.environment == ENV and res.provider == "aws"
        assert res.location.path.startswith(f"aws://{REGION}/") and res.location.line == 0


def test_iam(account: tuple[dict[str, str], AwsLoad]) -> None:
    ids, load = account
    role = one(load, "aws_iam_role", "bad-admin-task")
    assert role.address == f"arn:aws:iam::{ACCOUNT}:role/bad-admin-task"
    assert str(role.location) == f"aws://{REGION}/iam/role/bad-admin-task"
    assert role.attributes == {
        "name": "bad-admin-task", "arn": f"arn:aws:iam::{ACCOUNT}:role/bad-admin-task",
        "path": "/", "description": None, "assume_role_policy": json.dumps(seed.TRUST_ECS),
        "max_session_duration": 3600, "permissions_boundary": None, "tags": {},
    }
    assert one(load, "aws_iam_role_policy_attachment",
               "bad-admin-task-AdministratorAccess").attributes == {
        "role": "bad-admin-task", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert one(load, "aws_iam_role_policy", "bad-admin-task:read-all-secrets").attributes == {
        "name": "read-all-secrets", "role": "bad-admin-task",
        "policy": json.dumps(seed.ALL_SECRETS)}
    assert json.loads(one(load, "aws_iam_role", "bad-open-trust").attributes[
        "assume_role_policy"]) == seed.TRUST_ANYONE
    assert one(load, "aws_iam_policy", "bad-everything").attributes["policy"] == json.dumps(
        seed.EVERYTHING)
    assert one(load, "aws_iam_role_policy_attachment", "good-lambda-bad-everything"
               ).attributes == {"role": "good-lambda", "policy_arn": ids["policy_arn"]}
    # AWS-managed policies are named by their attachments, not read as the account's own
    assert names(load, "aws_iam_policy") == {"bad-everything"}
    key = one(load, "aws_iam_access_key", ids["access_key"])
    created = dt.datetime.strptime(key.attributes.pop("create_date"), "%Y-%m-%dT%H:%M:%SZ")
    assert abs(created.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
    assert key.attributes == {"id": ids["access_key"], "user": "bad-deployer", "status": "Active"}
    assert one(load, "aws_iam_instance_profile", "web-profile").attributes["role"] == "good-task"


def test_network(account: tuple[dict[str, str], AwsLoad]) -> None:
    ids, load = account
    sg = one(load, "aws_security_group", ids["db_sg"])
    assert sg.address == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{ids['db_sg']}"
    everywhere_out = {"from_port": 0, "to_port": 0, "protocol": "-1",
                      "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [],
                      "prefix_list_ids": [], "security_groups": [], "self": False,
                      "description": ""}
    assert sg.attributes == {
        "id": ids["db_sg"], "name": "bad-db-open", "description": "db open",
        "vpc_id": ids["vpc"], "owner_id": ACCOUNT,
        "ingress": [{"from_port": 5432, "to_port": 5432, "protocol": "tcp",
                     "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"],
                     "prefix_list_ids": [], "security_groups": [], "self": False,
                     "description": "anyone"}],
        "egress": [everywhere_out], "tags": {},
    }
    app = one(load, "aws_security_group", ids["app_sg"]).attributes
    assert app["ingress"] == [{"from_port": 8080, "to_port": 8080, "protocol": "tcp",
                               "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
                               "security_groups": [ids["web_sg"]], "self": True,
                               "description": ""}]
    route = one(load, "aws_route_table", ids["public_rt"]).attributes
    assert route["vpc_id"] == ids["vpc"]
    assert [(r["cidr_block"], r["gateway_id"]) for r in route["route"]] == [
        ("0.0.0.0/0", ids["igw"])]
    assert one(load, "aws_route_table_association", ids["public_rt_assoc"]).attributes == {
        "id": ids["public_rt_assoc"], "route_table_id": ids["public_rt"],
        "subnet_id": ids["public_subnet"], "gateway_id": ""}
    assert one(load, "aws_internet_gateway", ids["igw"]).attributes["vpc_id"] == ids["vpc"]
    assert one(load, "aws_subnet", ids["private_subnet"]).attributes == {
        "id": ids["private_subnet"], "vpc_id": ids["vpc"], "cidr_block": "10.20.2.0/24",
        "availability_zone": f"{REGION}b", "map_public_ip_on_launch": False, "tags": {}}
    assert one(load, "aws_flow_log", ids["flow_log"]).attributes == {
        "id": ids["flow_log"], "vpc_id": ids["vpc"], "traffic_type": "ALL",
        "log_destination": "", "log_destination_type": "cloud-watch-logs",
        "log_group_name": "good-flow-logs", "iam_role_arn": f"arn:aws:iam::{ACCOUNT}:role/flow"}
    inst = one(load, "aws_instance", ids["instance"]).attributes
    public_ip = inst.pop("public_ip")
    assert public_ip.count(".") == 3
    assert inst == {
        "id": ids["instance"], "ami": ids["image"], "instance_type": "t3.micro",
        "subnet_id": ids["public_subnet"], "vpc_security_group_ids": [ids["web_sg"]],
        "associate_public_ip_address": True, "private_ip": inst["private_ip"],
        "iam_instance_profile": "web-profile", "instance_state": "running",
        "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required",
                              "http_put_response_hop_limit": 1}],
        "user_data": seed.USER_DATA, "tags": {},
    }
    assert inst["private_ip"].startswith("10.20.1.")
    eip = one(load, "aws_eip", ids["eip"]).attributes
    assert (eip["instance"], eip["domain"], eip["public_ip"].count(".")) == (
        ids["instance"], "vpc", 3)


def test_edge(account: tuple[dict[str, str], AwsLoad]) -> None:
    ids, load = account
    lb = one(load, "aws_lb", "bad-public-alb")
    assert lb.address == ids["bad_lb"]
    attrs = dict(lb.attributes)
    assert attrs.pop("dns_name").startswith("bad-public-alb")
    assert attrs == {
        "name": "bad-public-alb", "arn": ids["bad_lb"], "internal": False,
        "load_balancer_type": "application", "vpc_id": ids["vpc"],
        "security_groups": [ids["web_sg"]],
        "subnets": [ids["public_subnet"], ids["private_subnet"]], "ip_address_type": "ipv4",
        "drop_invalid_header_fields": False, "enable_deletion_protection": False,
        "access_logs": [{"enabled": False, "bucket": "", "prefix": ""}],
    }
    bad = one(load, "aws_lb_listener", "bad-public-alb:80").attributes
    assert (bad["protocol"], bad["port"], bad["load_balancer_arn"]) == ("HTTP", 80, ids["bad_lb"])
    assert [(a["type"], a["target_group_arn"], a["redirect"]) for a in bad["default_action"]] == [
        ("forward", ids["tg"], [])]
    good = one(load, "aws_lb_listener", "good-public-alb:80").attributes
    assert [(a["type"], a["redirect"]) for a in good["default_action"]] == [
        ("redirect", [{"protocol": "HTTPS", "port": "443", "host": None, "path": None,
                       "query": None, "status_code": "HTTP_301"}])]
    # only the good load balancer has a web ACL
    assert [r.attributes for r in load.resources if r.type == "aws_wafv2_web_acl_association"
            ] == [{"resource_arn": ids["good_lb"], "web_acl_arn": ids["acl"]}]
    assert one(load, "aws_lb_listener_rule", "bad-public-alb:80:10").attributes == {
        "arn": one(load, "aws_lb_listener_rule", "bad-public-alb:80:10").address,
        "listener_arn": ids["bad_listener"], "priority": "10",
        "action": [{"type": "fixed-response", "order": None, "target_group_arn": "",
                    "redirect": [], "fixed_response": [{
                        "status_code": "403", "content_type": "text/plain",
                        "message_body": "no"}],
                    "authenticate_oidc": [], "authenticate_cognito": []}],
        "condition": [{"path_pattern": [{"values": ["/admin/*"]}]}]}
    assert one(load, "aws_api_gateway_integration", "shop-rest GET /orders").attributes == {
        "rest_api_id": ids["rest_api"], "resource_id": ids["rest_resource"],
        "http_method": "GET", "type": "HTTP_PROXY", "uri": "http://orders.shop.local/orders",
        "integration_http_method": "GET", "connection_type": "INTERNET", "connection_id": ""}
    assert one(load, "aws_lb_target_group_attachment", "orders:10.20.2.10").attributes == {
        "target_group_arn": ids["tg"], "target_id": "10.20.2.10", "port": 8080}
    rest = ids["rest_api"]
    stage = one(load, "aws_api_gateway_stage", "shop-rest/prod")
    assert stage.address == f"arn:aws:apigateway:{REGION}::/restapis/{rest}/stages/prod"
    assert stage.attributes["web_acl_arn"] == "" and stage.attributes["access_log_settings"] == []
    assert not [r for r in load.resources if r.type == "aws_api_gateway_method_settings"
                and r.attributes["rest_api_id"] == rest]
    assert one(load, "aws_api_gateway_method", "shop-rest GET /orders").attributes == {
        "rest_api_id": rest, "resource_id": ids["rest_resource"], "http_method": "GET",
        "authorization": "NONE", "authorizer_id": "", "api_key_required": False,
        "authorization_scopes": [], "path": "/orders"}
    settings = one(load, "aws_api_gateway_method_settings", "good-rest/prod/*/*").attributes
    assert settings["method_path"] == "*/*"
    assert (settings["settings"][0]["throttling_rate_limit"],
            settings["settings"][0]["throttling_burst_limit"]) == (100.0, 200)
    assert one(load, "aws_api_gateway_usage_plan", "partners").attributes == {
        "id": ids["usage_plan"], "name": "partners",
        "api_stages": [{"api_id": ids["good_rest_api"], "stage": "prod"}],
        "throttle_settings": [{"burst_limit": 20, "rate_limit": 10.0}], "quota_settings": []}
    http = ids["http_api"]
    route = one(load, "aws_apigatewayv2_route", "shop-http GET /items").attributes
    assert (route["api_id"], route["authorization_type"], route["authorizer_id"]) == (
        http, "NONE", "")
    jwt_route = one(load, "aws_apigatewayv2_route", "shop-http POST /orders").attributes
    assert (jwt_route["authorization_type"], jwt_route["authorizer_id"]) == (
        "JWT", ids["http_authorizer"])
    assert one(load, "aws_apigatewayv2_authorizer", "shop-http/jwt").attributes == {
        "id": ids["http_authorizer"], "api_id": http, "name": "jwt", "authorizer_type": "JWT",
        "identity_sources": ["$request.header.Authorization"], "authorizer_uri": "",
        "jwt_configuration": [{"audience": ["shop"], "issuer": "https://idp.shop.example"}]}
    v2stage = one(load, "aws_apigatewayv2_stage", "shop-http/live").attributes
    assert v2stage["default_route_settings"] == [{
        "throttling_burst_limit": 100, "throttling_rate_limit": 50.0,
        "detailed_metrics_enabled": False, "logging_level": "", "data_trace_enabled": False}]


def test_workloads(account: tuple[dict[str, str], AwsLoad]) -> None:
    ids, load = account
    svc = one(load, "aws_ecs_service", "orders")
    assert svc.address == f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/shop/orders"
    assert svc.attributes == {
        "name": "orders", "id": svc.address,
        "cluster": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/shop",
        "task_definition": ids["task_definition"], "desired_count": 2, "launch_type": "FARGATE",
        "network_configuration": [{"subnets": [ids["private_subnet"]],
                                   "security_groups": [ids["app_sg"]],
                                   "assign_public_ip": False}],
        "load_balancer": [{"target_group_arn": ids["tg"], "elb_name": "",
                           "container_name": "orders", "container_port": 8080}],
        "tags": {},
    }
    td = one(load, "aws_ecs_task_definition", "orders:1").attributes
    containers: list[dict[str, Any]] = json.loads(td.pop("container_definitions"))
    assert td == {
        "family": "orders", "arn": ids["task_definition"], "revision": 1,
        "task_role_arn": f"arn:aws:iam::{ACCOUNT}:role/bad-admin-task",
        "execution_role_arn": f"arn:aws:iam::{ACCOUNT}:role/good-task",
        "network_mode": "awsvpc", "requires_compatibilities": ["FARGATE"], "cpu": "256",
        "memory": "512", "pid_mode": "", "ipc_mode": ""}
    assert [(c["name"], c["environment"], c["secrets"], c["portMappings"]) for c in containers
            ] == [("orders", [{"name": "PAYMENTS_URL", "value": "http://payments.shop.local:8080"}],
                   [{"name": "DB_PASSWORD", "valueFrom":
                     f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders-db-AbCdEf"}],
                   [{"containerPort": 8080, "protocol": "tcp"}])]
    fn = one(load, "aws_lambda_function", "bad-public-url")
    assert fn.address == ids["function"]
    assert fn.attributes == {
        "function_name": "bad-public-url", "arn": ids["function"],
        "role": f"arn:aws:iam::{ACCOUNT}:role/good-lambda", "runtime": "python3.12",
        "handler": "handler.handler", "package_type": "Zip", "timeout": 3, "memory_size": 128,
        "kms_key_arn": "", "layers": [],
        "environment": [{"variables": {"ORDERS_URL": "https://orders.shop.local"}}],
        "vpc_config": [], "tracing_config": [{"mode": "PassThrough"}]}
    url = one(load, "aws_lambda_function_url", "bad-public-url").attributes
    assert (url["authorization_type"], url["function_arn"]) == ("NONE", ids["function"])
    assert one(load, "aws_lambda_event_source_mapping", ids["esm"]).attributes == {
        "uuid": ids["esm"], "event_source_arn": ids["queue_arn"],
        "function_name": ids["function"], "function_arn": ids["function"], "enabled": True,
        "batch_size": 10, "state": "Enabled"}
    eks = one(load, "aws_eks_cluster", "bad-public-eks").attributes
    assert eks["vpc_config"][0]["endpoint_public_access"] is True
    assert eks["vpc_config"][0]["public_access_cidrs"] == []
    assert eks["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/good-task"


def test_datastores(account: tuple[dict[str, str], AwsLoad]) -> None:
    ids, load = account
    db = one(load, "aws_db_instance", "bad-public-db")
    assert db.address == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:bad-public-db"
    a = db.attributes
    assert (a["engine"], a["publicly_accessible"], a["storage_encrypted"],
            a["vpc_security_group_ids"], a["port"], a["username"]) == (
        "postgres", True, False, [ids["db_sg"]], 5432, "orders")
    good = one(load, "aws_db_instance", "good-private-db").attributes
    assert (good["publicly_accessible"], good["storage_encrypted"], good["engine_version"],
            good["parameter_group_name"]) == (False, True, "16.3", "orders-tls")
    assert one(load, "aws_db_parameter_group", "orders-tls").attributes == {
        "name": "orders-tls", "parameter": [
            {"name": "rds.force_ssl", "value": "1", "apply_method": "immediate"}]}
    ledger = one(load, "aws_rds_cluster", "good-ledger").attributes
    assert (ledger["engine"], ledger["db_cluster_parameter_group_name"],
            ledger["storage_encrypted"]) == ("aurora-postgresql", "ledger-tls", True)
    assert one(load, "aws_rds_cluster_parameter_group", "ledger-tls").attributes["parameter"] == [
        {"name": "rds.force_ssl", "value": "1", "apply_method": "immediate"}]
    member = one(load, "aws_rds_cluster_instance", "good-ledger-1").attributes
    assert (member["cluster_identifier"], member["engine"]) == ("good-ledger",
                                                                "aurora-postgresql")
    assert "good-ledger-1" not in names(load, "aws_db_instance")
    # the engine's default groups are judged by engine and version, not read
    assert names(load, "aws_db_parameter_group") == {"orders-tls"}
    plain = one(load, "aws_elasticache_replication_group", "bad-plain-redis").attributes
    assert (plain["transit_encryption_enabled"], plain["at_rest_encryption_enabled"],
            plain["auth_token"], plain["port"]) == (False, False, None, 6379)
    tls = one(load, "aws_elasticache_replication_group", "good-tls-redis").attributes
    assert tls["transit_encryption_enabled"] is True and is_unknown(tls["auth_token"])
    repo = one(load, "aws_ecr_repository", "bad-mutable").attributes
    assert (repo["image_tag_mutability"], repo["image_scanning_configuration"]) == (
        "MUTABLE", [{"scan_on_push": False}])
    assert one(load, "aws_ecr_repository", "good-immutable").attributes[
        "image_scanning_configuration"] == [{"scan_on_push": True}]
    secret = one(load, "aws_secretsmanager_secret", "orders-db")
    assert secret.address == ids["secret"]
    assert secret.attributes == {"name": "orders-db", "arn": ids["secret"], "description": "",
                                 "kms_key_id": ids["kms_key"], "tags": {}}
    key = one(load, "aws_kms_key", ids["kms_key"]).attributes
    assert (key["enable_key_rotation"], key["is_enabled"], key["description"]) == (
        True, True, "orders data")
    assert json.loads(key["policy"])["Statement"][0]["Action"] == "kms:*"
    assert one(load, "aws_kms_alias", "alias/orders").attributes["target_key_id"] == ids["kms_key"]
    # secret values are never read: none appears anywhere in what was loaded
    dump = json.dumps([r.attributes for r in load.resources], default=str)
    assert "never-read-by-meshward" not in dump and "not-a-real-pass" not in dump


def test_logging(account: tuple[dict[str, str], AwsLoad]) -> None:
    _, load = account
    bad = one(load, "aws_cloudtrail", "bad-single-region")
    assert bad.address == f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/bad-single-region"
    assert bad.attributes == {
        "name": "bad-single-region", "arn": bad.address, "home_region": REGION,
        "s3_bucket_name": "bad-trail-logs", "s3_key_prefix": "", "is_multi_region_trail": False,
        "include_global_service_events": True, "enable_log_file_validation": False,
        "is_organization_trail": False, "kms_key_id": "", "cloud_watch_logs_group_arn": "",
        "sns_topic_name": "", "enable_logging": False}
    good = one(load, "aws_cloudtrail", "good-org-trail").attributes
    assert (good["is_multi_region_trail"], good["enable_log_file_validation"],
            good["enable_logging"]) == (True, True, True)
    assert one(load, "aws_s3_bucket", "bad-trail-logs").attributes == {
        "bucket": "bad-trail-logs", "arn": "arn:aws:s3:::bad-trail-logs",
        "object_lock_enabled": False}
    # the faulty bucket has none of the separate configuration resources
    assert {r.type for r in load.resources if r.name == "bad-trail-logs"} == {"aws_s3_bucket"}
    assert {r.type: r.attributes for r in load.resources if r.name == "good-audit-logs"} == {
        "aws_s3_bucket": {"bucket": "good-audit-logs", "arn": "arn:aws:s3:::good-audit-logs",
                          "object_lock_enabled": True},
        "aws_s3_bucket_versioning": {"bucket": "good-audit-logs", "versioning_configuration": [
            {"status": "Enabled", "mfa_delete": "Disabled"}]},
        "aws_s3_bucket_object_lock_configuration": {
            "bucket": "good-audit-logs", "object_lock_enabled": "Enabled",
            "rule": [{"default_retention": [{"mode": "COMPLIANCE", "days": 365, "years": 0}]}]},
        "aws_s3_bucket_public_access_block": {
            "bucket": "good-audit-logs", "block_public_acls": True, "block_public_policy": True,
            "ignore_public_acls": True, "restrict_public_buckets": True},
    }
    assert one(load, "aws_cloudwatch_log_group", "bad-no-retention").attributes == {
        "name": "bad-no-retention",
        "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:bad-no-retention",
        "retention_in_days": 0, "kms_key_id": "", "log_group_class": "STANDARD"}
    assert one(load, "aws_cloudwatch_log_group", "good-flow-logs").attributes[
        "retention_in_days"] == 365


def test_only_documented_read_only_calls(account: tuple[dict[str, str], AwsLoad],
                                         moto_server: Moto, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call sent is in the documented table; the table holds only Describe/List/Get."""
    from meshward.loaders.aws import session

    sent: list[tuple[str, str]] = []
    real = session._check

    def spy(service: str, method: str) -> None:
        real(service, method)
        sent.append((service, method))

    monkeypatch.setattr(session, "_check", spy)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"AWS_ENDPOINT_URL": moto_server.url, "AWS_REGION": REGION,
                           "AWS_ACCESS_KEY_ID": "AKIAMESHWARDTEST0001",
                           "AWS_SECRET_ACCESS_KEY": "x", "AWS_EC2_METADATA_DISABLED": "true",
                           "AWS_CONFIG_FILE": str(tmp_path / "none")}.items():
            mp.setenv(key, value)
        again = load_aws(AwsOptions())
    # the same resources in the same order, though families and items are read at once
    assert [(r.type, r.name) for r in again.resources] == [
        (r.type, r.name) for r in account[1].resources]
    assert set(sent) <= set(CALLS)
    # every documented call but the fallbacks for answers moto gives in full was exercised
    assert set(CALLS) - set(sent) == {("apigateway", "get_method"),
                                      ("iam", "get_user_policy")}
    assert all(m.startswith(("describe_", "list_", "get_")) for _, m in CALLS)
    with pytest.raises(ValueError, match="not one of the documented read-only calls"):
        session._check("ec2", "terminate_instances")


def live_findings(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((f["rule_id"], f["resource"]["kind"], f["resource"]["name"],
                   f["location"]["path"]) for f in report["findings"])


def test_cloud_rules_on_the_live_account(
        seeded: tuple[dict[str, str], AwsLoad, dict[str, Any], int]) -> None:
    ids, _, report, code = seeded
    assert code == 1 and report["errors"] == []
    at = f"aws://{REGION}"
    rest, good_rest = ids["rest_api"], ids["good_rest_api"]
    method = next(r for r in seeded[1].resources if r.type == "aws_api_gateway_method"
                  and r.attributes["rest_api_id"] == rest)
    route = next(r for r in seeded[1].resources if r.type == "aws_apigatewayv2_route"
                 and r.attributes["route_key"] == "GET /items")
    assert live_findings(report) == sorted([
        ("MWC01", "aws_security_group", ids["db_sg"], f"{at}/ec2/security-group/{ids['db_sg']}"),
        ("MWC02", "aws_db_instance", "bad-public-db", f"{at}/rds/db/bad-public-db"),
        ("MWC03", "aws_instance", ids["instance"], f"{at}/ec2/instance/{ids['instance']}"),
        ("MWC04", "aws_eks_cluster", "bad-public-eks", f"{at}/eks/cluster/bad-public-eks"),
        ("MWC10", "aws_api_gateway_stage", "good-rest/prod",
         f"{at}/apigateway/restapis/{good_rest}/stages/prod"),
        ("MWC10", "aws_api_gateway_stage", "shop-rest/prod",
         f"{at}/apigateway/restapis/{rest}/stages/prod"),
        ("MWC10", "aws_lb", "bad-public-alb", f"{at}/elasticloadbalancing/loadbalancer/"
                                              "bad-public-alb"),
        # the unthrottled stage, beside another API's throttled stage of the same name
        ("MWC11", "aws_api_gateway_stage", "shop-rest/prod",
         f"{at}/apigateway/restapis/{rest}/stages/prod"),
        ("MWC12", "aws_api_gateway_method", "shop-rest GET /orders", str(method.location)),
        ("MWC12", "aws_apigatewayv2_route", "shop-http GET /items", str(route.location)),
        ("MWC12", "aws_lambda_function_url", "bad-public-url",
         f"{at}/lambda/function/bad-public-url/url"),
        ("MWC13", "aws_lb_listener", "bad-public-alb:80",
         f"{at}/elasticloadbalancing/listener/bad-public-alb/80"),
        ("MWC14", "aws_db_instance", "bad-public-db", f"{at}/rds/db/bad-public-db"),
        ("MWC14", "aws_elasticache_cluster", "bad-memcached",
         f"{at}/elasticache/cluster/bad-memcached"),
        ("MWC14", "aws_elasticache_replication_group", "bad-plain-redis",
         f"{at}/elasticache/replicationgroup/bad-plain-redis"),
        ("MWC20", "aws_iam_policy", "bad-everything", f"{at}/iam/policy/bad-everything"),
        ("MWC22", "aws_iam_role", "bad-admin-task",
         f"{at}/iam/role/bad-admin-task/attached/AdministratorAccess"),
        ("MWC23", "aws_iam_role", "bad-admin-task", f"{at}/iam/role/bad-admin-task"),
        ("MWC24", "aws_iam_access_key", ids["access_key"],
         f"{at}/iam/user/bad-deployer/access-key/{ids['access_key']}"),
        ("MWC25", "aws_iam_role", "bad-open-trust", f"{at}/iam/role/bad-open-trust"),
        ("MWC30", "aws_iam_policy", "bad-everything", f"{at}/iam/policy/bad-everything"),
        ("MWC30", "aws_iam_role_policy", "bad-admin-task:read-all-secrets",
         f"{at}/iam/role/bad-admin-task/policy/read-all-secrets"),
        ("MWC31", "aws_lambda_function", "bad-literal-key", f"{at}/lambda/function/"
                                                            "bad-literal-key"),
        ("MWC41", "aws_cloudtrail", "bad-single-region", f"{at}/cloudtrail/trail/"
                                                         "bad-single-region"),
        ("MWC42", "aws_s3_bucket", "bad-trail-logs", f"{at}/s3/bad-trail-logs"),
        ("MWC43", "aws_vpc", ids["default_vpc"], f"{at}/ec2/vpc/{ids['default_vpc']}"),
        ("MWC44", "aws_cloudwatch_log_group", "bad-no-retention",
         f"{at}/logs/log-group/bad-no-retention"),
        # neither task definition names a log driver
        ("MWC45", "aws_ecs_task_definition", "orders:1", f"{at}/ecs/task-definition/orders:1"),
        ("MWC45", "aws_ecs_task_definition", "payments:1",
         f"{at}/ecs/task-definition/payments:1"),
        ("MWC50", "aws_ecr_repository", "bad-mutable", f"{at}/ecr/repository/bad-mutable"),
        ("MWC51", "aws_ecr_repository", "bad-mutable", f"{at}/ecr/repository/bad-mutable"),
        ("MWC52", "aws_ecr_repository_policy", "bad-mutable",
         f"{at}/ecr/repository/bad-mutable/policy"),
    ])
    by_id = {(f["rule_id"], f["resource"]["name"]): f for f in report["findings"]}
    # findings name the workload service they concern, as data
    assert by_id[("MWC02", "bad-public-db")]["service"] == "bad-public-db"
    assert by_id[("MWC31", "bad-literal-key")]["service"] == "bad-literal-key"
    # the literal key is named, never shown
    assert seed.STRIPE_KEY not in json.dumps(report)


def test_live_findings_are_the_terraform_twins_findings(
        seeded: tuple[dict[str, str], AwsLoad, dict[str, Any], int]) -> None:
    """twin/main.tf writes the seeded account as Terraform code: every cloud rule finds the
    same things, on the same resource types, live and in Terraform."""
    from collections import Counter

    from meshward.pipeline import scan

    result = scan([Path(__file__).parent / "twin"], select=["MWC*"])
    assert result.errors == []
    twin = Counter((f.rule_id, f.resource.kind if f.resource else "") for f in result.findings)
    live = Counter((f["rule_id"], f["resource"]["kind"]) for f in seeded[2]["findings"])
    assert live == twin
    assert sum(live.values()) == 32


def test_docs_list_exactly_the_calls() -> None:
    from meshward.loaders.aws.permissions import actions, read_only_policy
    from tests.conftest import REPO

    doc = (REPO / "docs" / "cloud.md").read_text()
    assert f"```json\n{read_only_policy()}\n```" in doc
    assert {"apigateway:GET", "s3:ListAllMyBuckets", "wafv2:GetWebACL"} <= set(actions())
    assert "sts:GetCallerIdentity" not in actions()
    assert not [a for a in actions() if not a.split(":")[1].startswith(("Describe", "List",
                                                                          "Get", "GET"))]


def test_literal_secret_reported_once_live_and_in_terraform(
        seeded: tuple[dict[str, str], AwsLoad, dict[str, Any], int],
        tmp_path: Path) -> None:
    """The same Stripe key, live (Lambda configuration) and in the Terraform twin: the live
    value only MWC31 can see; the Terraform one the secrets engine sees too (MW901 at line
    539), and it is reported once, by MWC31 at that line, with resource and service."""
    twin = Path(__file__).parent / "twin"
    out = tmp_path / "scan.json"
    code = main(["scan", str(twin), "--aws", "--select", "MWC31", "--select", "MW90*",
                 "-f", "json", "-o", str(out)])
    report = json.loads(out.read_text())
    assert code == 1 and report["errors"] == []
    got = sorted((f["rule_id"], f["location"]["path"], f["location"]["line"],
                  f["resource"]["kind"], f["resource"]["name"], f["service"])
                 for f in report["findings"])
    assert got == [
        ("MWC31", f"aws://{REGION}/lambda/function/bad-literal-key", 0,
         "aws_lambda_function", "bad-literal-key", "bad-literal-key"),
        ("MWC31", "main.tf", 539, "aws_lambda_function", "bad-literal-key", "bad-literal-key"),
    ]
    assert seed.STRIPE_KEY not in json.dumps(report)
