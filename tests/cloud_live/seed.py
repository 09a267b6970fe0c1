"""An account with faulty and correct resources, created through boto3 on the moto server.

Faulty resources are named ``bad-*`` (or say so), correct ones ``good-*``; the ids AWS
assigns are returned so that tests can assert exact translations.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3

from tests.cloud_live.conftest import REGION

TRUST_ECS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
TRUST_ANYONE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
TRUST_LAMBDA = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
ALL_SECRETS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
ONE_SECRET = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
    "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf"}]}
EVERYTHING = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "*", "Resource": "*"}]}
OPEN_PULL = {"Version": "2012-10-17", "Statement": [{
    "Sid": "pull", "Effect": "Allow", "Principal": "*",
    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
# the same made-up key as the Terraform fixture of MWC31
STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
USER_DATA = "#!/bin/sh\nexport APP_ENV=prod\n/usr/local/bin/start-web\n"


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def seed() -> dict[str, str]:
    """Create the account; return the ids AWS assigned, by role in the scenario."""
    ids: dict[str, str] = {}
    iam = client("iam")
    iam.create_role(RoleName="bad-admin-task", AssumeRolePolicyDocument=json.dumps(TRUST_ECS))
    iam.attach_role_policy(RoleName="bad-admin-task",
                           PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.put_role_policy(RoleName="bad-admin-task", PolicyName="read-all-secrets",
                        PolicyDocument=json.dumps(ALL_SECRETS))
    iam.create_role(RoleName="bad-open-trust", AssumeRolePolicyDocument=json.dumps(TRUST_ANYONE))
    iam.create_role(RoleName="good-task", AssumeRolePolicyDocument=json.dumps(TRUST_ECS))
    iam.put_role_policy(RoleName="good-task", PolicyName="read-orders-secret",
                        PolicyDocument=json.dumps(ONE_SECRET))
    iam.create_role(RoleName="good-lambda", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    pol = iam.create_policy(PolicyName="bad-everything", PolicyDocument=json.dumps(EVERYTHING))
    ids["policy_arn"] = pol["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="good-lambda", PolicyArn=ids["policy_arn"])
    iam.create_user(UserName="bad-deployer")
    key = iam.create_access_key(UserName="bad-deployer")["AccessKey"]
    ids["access_key"] = key["AccessKeyId"]
    iam.create_instance_profile(InstanceProfileName="web-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="good-task")

    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ids["vpc"] = vpc
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24",
                                AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]
    ids["public_subnet"], ids["private_subnet"] = public, private
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ids["igw"] = igw
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ids["public_rt_assoc"] = ec2.associate_route_table(RouteTableId=rt, SubnetId=public)[
        "AssociationId"]
    ids["public_rt"] = rt
    db_sg = ec2.create_security_group(GroupName="bad-db-open", Description="db open",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "anyone"}],
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    web_sg = ec2.create_security_group(GroupName="good-web", Description="web", VpcId=vpc)[
        "GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    app_sg = ec2.create_security_group(GroupName="good-app", Description="app", VpcId=vpc)[
        "GroupId"]
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
        "UserIdGroupPairs": [{"GroupId": web_sg}, {"GroupId": app_sg}]}])
    ids.update(db_sg=db_sg, web_sg=web_sg, app_sg=app_sg)
    logs = client("logs")
    logs.create_log_group(logGroupName="bad-no-retention")
    logs.create_log_group(logGroupName="good-flow-logs")
    logs.put_retention_policy(logGroupName="good-flow-logs", retentionInDays=365)
    fl = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                              LogGroupName="good-flow-logs",
                              DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow")
    ids["flow_log"] = fl["FlowLogIds"][0]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    inst = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        UserData=USER_DATA, IamInstanceProfile={"Name": "web-profile"},
        MetadataOptions={"HttpTokens": "required"},
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": public, "Groups": [web_sg],
                            "AssociatePublicIpAddress": True}])
    ids["instance"] = inst["Instances"][0]["InstanceId"]
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=ids["instance"])
    ids["eip"] = eip["AllocationId"]
    ids["image"] = image
    return ids


def seed_services(ids: dict[str, str]) -> None:
    """Load balancers, WAF, ECS, Lambda, datastores, API Gateway, logging, registries, keys."""
    account = "123456789012"
    elb = client("elbv2")
    subnets = [ids["public_subnet"], ids["private_subnet"]]
    bad_lb = elb.create_load_balancer(Name="bad-public-alb", Subnets=subnets,
                                      SecurityGroups=[ids["web_sg"]], Scheme="internet-facing",
                                      Type="application")["LoadBalancers"][0]
    good_lb = elb.create_load_balancer(Name="good-public-alb", Subnets=subnets,
                                       SecurityGroups=[ids["web_sg"]], Scheme="internet-facing",
                                       Type="application")["LoadBalancers"][0]
    ids["bad_lb"], ids["good_lb"] = bad_lb["LoadBalancerArn"], good_lb["LoadBalancerArn"]
    tg = elb.create_target_group(Name="orders", Protocol="HTTP", Port=8080, VpcId=ids["vpc"],
                                 TargetType="ip")["TargetGroups"][0]
    ids["tg"] = tg["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=ids["tg"], Targets=[{"Id": "10.20.2.10", "Port": 8080}])
    ids["bad_listener"] = elb.create_listener(
        LoadBalancerArn=ids["bad_lb"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": ids["tg"]}])["Listeners"][0][
        "ListenerArn"]
    ids["good_listener"] = elb.create_listener(
        LoadBalancerArn=ids["good_lb"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": {
            "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])["Listeners"][0][
        "ListenerArn"]
    elb.create_rule(ListenerArn=ids["bad_listener"], Priority=10, Conditions=[
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/admin/*"]}}],
        Actions=[{"Type": "fixed-response", "FixedResponseConfig": {
            "StatusCode": "403", "ContentType": "text/plain", "MessageBody": "no"}}])
    waf = client("wafv2")
    acl = waf.create_web_acl(Name="edge", Scope="REGIONAL", DefaultAction={"Allow": {}},
                             VisibilityConfig={"SampledRequestsEnabled": True,
                                               "CloudWatchMetricsEnabled": True,
                                               "MetricName": "edge"})["Summary"]
    ids["acl"] = acl["ARN"]
    waf.associate_web_acl(WebACLArn=ids["acl"], ResourceArn=ids["good_lb"])

    ecs = client("ecs")
    ecs.create_cluster(clusterName="shop")
    td = ecs.register_task_definition(
        family="orders", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", taskRoleArn=f"arn:aws:iam::{account}:role/bad-admin-task",
        executionRoleArn=f"arn:aws:iam::{account}:role/good-task",
        containerDefinitions=[{
            "name": "orders", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4",
            "essential": True, "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "environment": [{"name": "PAYMENTS_URL", "value": "http://payments.shop.local:8080"}],
            "secrets": [{"name": "DB_PASSWORD", "valueFrom":
                         f"arn:aws:secretsmanager:{REGION}:{account}:secret:orders-db-AbCdEf"}],
        }])["taskDefinition"]
    ids["task_definition"] = td["taskDefinitionArn"]
    ecs.register_task_definition(
        family="payments", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", taskRoleArn=f"arn:aws:iam::{account}:role/bad-admin-task",
        containerDefinitions=[{"name": "payments", "image": "example/payments:2.0.1",
                               "essential": True}])
    ecs.create_service(cluster="shop", serviceName="payments", taskDefinition="payments",
                       desiredCount=1, launchType="FARGATE")
    ecs.create_service(cluster="shop", serviceName="orders", taskDefinition="orders",
                       desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {
                           "subnets": [ids["private_subnet"]], "securityGroups": [ids["app_sg"]],
                           "assignPublicIp": "DISABLED"}},
                       loadBalancers=[{"targetGroupArn": ids["tg"], "containerName": "orders",
                                       "containerPort": 8080}])

    lam = client("lambda")
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="orders-events")["QueueUrl"]
    ids["queue_arn"] = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    fn = lam.create_function(FunctionName="bad-public-url", Runtime="python3.12",
                             Role=f"arn:aws:iam::{account}:role/good-lambda",
                             Handler="handler.handler", Code={"ZipFile": _zip()},
                             Environment={"Variables": {"ORDERS_URL": "https://orders.shop.local"}})
    ids["function"] = fn["FunctionArn"]
    lam.create_function_url_config(FunctionName="bad-public-url", AuthType="NONE")
    client("iam").create_role(RoleName="keys-lambda",
                              AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    lam.create_function(FunctionName="bad-literal-key", Runtime="python3.12",
                        Role=f"arn:aws:iam::{account}:role/keys-lambda",
                        Handler="handler.handler", Code={"ZipFile": _zip()},
                        Environment={"Variables": {"STRIPE_KEY": STRIPE_KEY}})
    esm = lam.create_event_source_mapping(EventSourceArn=ids["queue_arn"],
                                          FunctionName="bad-public-url", BatchSize=10)
    ids["esm"] = esm["UUID"]

    rds = client("rds")
    rds.create_db_instance(DBInstanceIdentifier="bad-public-db", Engine="postgres",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                           MasterUsername="orders", MasterUserPassword="not-a-real-pass-1",
                           PubliclyAccessible=True, StorageEncrypted=False,
                           VpcSecurityGroupIds=[ids["db_sg"]])
    rds.create_db_parameter_group(DBParameterGroupName="orders-tls",
                                  DBParameterGroupFamily="postgres16", Description="TLS only")
    rds.modify_db_parameter_group(DBParameterGroupName="orders-tls", Parameters=[{
        "ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    rds.create_db_instance(DBInstanceIdentifier="good-private-db", Engine="postgres",
                           EngineVersion="16.3", DBParameterGroupName="orders-tls",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                           MasterUsername="orders", MasterUserPassword="not-a-real-pass-2",
                           PubliclyAccessible=False, StorageEncrypted=True,
                           VpcSecurityGroupIds=[ids["app_sg"]])
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="ledger-tls",
                                          DBParameterGroupFamily="aurora-postgresql16",
                                          Description="TLS only")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="ledger-tls", Parameters=[{
        "ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    rds.create_db_cluster(DBClusterIdentifier="good-ledger", Engine="aurora-postgresql",
                          EngineVersion="16.4", MasterUsername="ledger",
                          MasterUserPassword="not-a-real-pass-3", StorageEncrypted=True,
                          DBClusterParameterGroupName="ledger-tls",
                          VpcSecurityGroupIds=[ids["app_sg"]])
    rds.create_db_instance(DBInstanceIdentifier="good-ledger-1", DBClusterIdentifier="good-ledger",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    cache = client("elasticache")
    cache.create_cache_cluster(CacheClusterId="bad-memcached", Engine="memcached",
                               CacheNodeType="cache.t3.micro", NumCacheNodes=1)
    cache.create_replication_group(ReplicationGroupId="bad-plain-redis",
                                   ReplicationGroupDescription="sessions", Engine="redis",
                                   CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                   TransitEncryptionEnabled=False)
    cache.create_replication_group(ReplicationGroupId="good-tls-redis",
                                   ReplicationGroupDescription="carts", Engine="redis",
                                   CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                   TransitEncryptionEnabled=True, AtRestEncryptionEnabled=True,
                                   AuthToken="a-token-of-32-characters-or-more-0123")

    apigw = client("apigateway")
    api = apigw.create_rest_api(name="shop-rest", endpointConfiguration={"types": ["REGIONAL"]})
    ids["rest_api"] = api["id"]
    root = apigw.get_resources(restApiId=api["id"])["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api["id"], parentId=root, pathPart="orders")["id"]
    ids["rest_resource"] = orders
    apigw.put_method(restApiId=api["id"], resourceId=orders, httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=orders, httpMethod="GET",
                          type="HTTP_PROXY", integrationHttpMethod="GET",
                          uri="http://orders.shop.local/orders")
    dep = apigw.create_deployment(restApiId=api["id"])["id"]
    apigw.create_stage(restApiId=api["id"], stageName="prod", deploymentId=dep)
    ids["rest_deployment"] = dep
    v2 = client("apigatewayv2")
    http = v2.create_api(Name="shop-http", ProtocolType="HTTP")
    ids["http_api"] = http["ApiId"]
    auth = v2.create_authorizer(ApiId=http["ApiId"], AuthorizerType="JWT", Name="jwt",
                                IdentitySource=["$request.header.Authorization"],
                                JwtConfiguration={"Audience": ["shop"],
                                                  "Issuer": "https://idp.shop.example"})
    ids["http_authorizer"] = auth["AuthorizerId"]
    v2.create_route(ApiId=http["ApiId"], RouteKey="GET /items", AuthorizationType="NONE")
    v2.create_route(ApiId=http["ApiId"], RouteKey="POST /orders", AuthorizationType="JWT",
                    AuthorizerId=auth["AuthorizerId"])
    v2.create_stage(ApiId=http["ApiId"], StageName="live", DefaultRouteSettings={
        "ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50.0})

    s3 = client("s3")
    loc = {"LocationConstraint": REGION}
    s3.create_bucket(Bucket="bad-trail-logs", CreateBucketConfiguration=loc)
    s3.create_bucket(Bucket="good-audit-logs", CreateBucketConfiguration=loc,
                     ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket="good-audit-logs",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="good-audit-logs", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}})
    s3.put_public_access_block(Bucket="good-audit-logs", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    trail = client("cloudtrail")
    trail.create_trail(Name="bad-single-region", S3BucketName="bad-trail-logs")
    trail.create_trail(Name="good-org-trail", S3BucketName="good-audit-logs",
                       IsMultiRegionTrail=True, EnableLogFileValidation=True)
    trail.start_logging(Name="good-org-trail")

    ecr = client("ecr")
    ecr.create_repository(repositoryName="bad-mutable")
    ecr.set_repository_policy(repositoryName="bad-mutable", policyText=json.dumps(OPEN_PULL))
    ecr.create_repository(repositoryName="good-immutable", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True})
    kms = client("kms")
    key = kms.create_key(Description="orders data")["KeyMetadata"]
    ids["kms_key"] = key["KeyId"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key["KeyId"])
    sm = client("secretsmanager")
    sec = sm.create_secret(Name="orders-db", SecretString="never-read-by-meshward",
                           KmsKeyId=key["KeyId"])
    ids["secret"] = sec["ARN"]
    eks = client("eks")
    eks.create_cluster(name="bad-public-eks", roleArn=f"arn:aws:iam::{account}:role/good-task",
                       resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": True,
                                           "endpointPrivateAccess": False})


def seed_throttled_stage(ids: dict[str, str]) -> None:
    """A second REST API whose stage has throttling and a usage plan: the correct twin."""
    apigw = client("apigateway")
    api = apigw.create_rest_api(name="good-rest")
    ids["good_rest_api"] = api["id"]
    root = apigw.get_resources(restApiId=api["id"])["items"][0]["id"]
    apigw.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET",
                     authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
    dep = apigw.create_deployment(restApiId=api["id"])["id"]
    apigw.create_stage(restApiId=api["id"], stageName="prod", deploymentId=dep)
    apigw.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "200"}])
    plan = apigw.create_usage_plan(name="partners", apiStages=[
        {"apiId": api["id"], "stage": "prod"}], throttle={"burstLimit": 20, "rateLimit": 10.0})
    ids["usage_plan"] = plan["id"]
