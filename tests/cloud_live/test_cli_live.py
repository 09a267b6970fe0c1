"""``meshward scan --aws`` as a user runs it: beside paths, without credentials, denied,
throttled or unreachable calls, the call budget, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest

from meshward.cli.main import main
from meshward.loaders.aws import AwsOptions, load_aws
from tests.cloud_live import seed
from tests.cloud_live.conftest import REGION, Moto, free_port

PRIV = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
        "    image: x:1\n    securityContext: {privileged: true}\n")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "deploy"
    root.mkdir()
    (root / "pod.yaml").write_text(PRIV)
    return root


def report(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_scan_aws_beside_a_path(aws_env: Moto, tree: Path, tmp_path: Path) -> None:
    seed.seed()
    out = tmp_path / "r.json"
    code = main(["scan", str(tree), "--aws", "--select", "MW101", "-f", "json", "-o", str(out)])
    data = report(out)
    assert code == 1  # the pod's finding; nothing wrong with the AWS read
    assert data["errors"] == []
    assert [f["rule_id"] for f in data["findings"]] == ["MW101"]
    aws = [n for n in data["notices"] if n.startswith("AWS:")]
    assert len(aws) == 1 and aws[0].startswith("AWS: read ")
    assert f"of account 123456789012 in {REGION} with " in aws[0]


def test_scan_aws_alone_reads_no_folder(aws_env: Moto, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pod.yaml").write_text(PRIV)
    monkeypatch.chdir(tmp_path)  # a folder with findings that `--aws` alone must not read
    out = tmp_path / "r.json"
    assert main(["scan", "--aws", "--select", "MW101", "-f", "json", "-o", str(out)]) == 0
    data = report(out)
    assert data["findings"] == [] and data["errors"] == []
    assert data["run"]["root"] == f"aws://{REGION}" and data["summary"]["files_read"] == 0


def test_no_credentials_is_an_input_error_and_the_rest_is_scanned(
        aws_env: Moto, tree: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["scan", str(tree), "--aws", "--select", "MW101", "--no-color"]) == 2
    text = capsys.readouterr().out
    assert "MW101" in text  # the files were scanned all the same
    assert (f"aws://{REGION}: AWS: no credentials found (set AWS_PROFILE (or --aws-profile) to "
            "a configured profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
            "`aws sso login`)") in text


def test_refused_credentials(aws_env: Moto, tree: Path, tmp_path: Path) -> None:
    """moto in authorization mode refuses a key it does not know."""
    _auth(aws_env, 0)
    try:
        out = tmp_path / "r.json"
        assert main(["scan", str(tree), "--aws", "--select", "MW101", "-f", "json",
                     "-o", str(out)]) == 2
    finally:
        _auth(aws_env, None)
    errors = report(out)["errors"]
    assert [e["message"] for e in errors] == [
        "AWS: the credentials were refused (InvalidClientTokenId) by sts:GetCallerIdentity"]


def test_no_region(aws_env: Moto, tree: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AWS_REGION")
    assert main(["scan", str(tree), "--aws", "--select", "MW101", "--no-color"]) == 2
    assert ("aws: AWS: no region configured (set AWS_REGION (or AWS_DEFAULT_REGION), give "
            "--aws-region, or set region in the profile)") in capsys.readouterr().out


def test_unknown_profile(aws_env: Moto, tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tree), "--aws", "--aws-profile", "nope", "--select", "MW101",
                 "--no-color"]) == 2
    assert "The config profile (nope) could not be found" in capsys.readouterr().out


def _auth(server: Moto, count: int | None) -> None:
    """moto's IAM authorization: enforced after ``count`` more requests (None: never)."""
    body = b"inf" if count is None else str(count).encode()
    req = urllib.request.Request(f"{server.url}/moto-api/reset-auth", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10):
        pass


def test_denied_calls_are_named_and_the_rest_is_audited(
        aws_env: Moto, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    iam = boto3.client("iam", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    boto3.client("ecr", region_name=REGION).create_repository(repositoryName="hidden")
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:*", "ec2:*", "iam:*", "ecr:*"], "Resource": "*"},
            {"Effect": "Deny", "Action": ["ecr:DescribeRepositories", "iam:ListUsers"],
             "Resource": "*"}]}))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    _auth(aws_env, 0)
    try:
        load = load_aws(AwsOptions())
    finally:
        _auth(aws_env, None)
    assert load.errors == []
    denied = [n for n in load.notices if " denied: " in n]
    assert len(denied) == 1
    assert "ecr:DescribeRepositories (" in denied[0] and "iam:ListUsers (AccessDenied)" in denied[0]
    assert denied[0].endswith("What they read is missing or unknown in this audit; everything "
                              "else was audited (grant the read-only policy in docs/cloud.md)")
    kinds = {(r.type, r.name) for r in load.resources}
    assert ("aws_security_group", sg) in kinds and ("aws_vpc", vpc) in kinds
    assert not [r for r in load.resources if r.type in ("aws_ecr_repository", "aws_iam_user")]


class _Throttle(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append(self.headers.get("X-Amz-Target", ""))
        body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def throttling_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttle)
    _Throttle.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_throttled_and_unreachable_calls(aws_env: Moto, throttling_endpoint: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seed.seed()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", throttling_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS", f"http://127.0.0.1:{free_port()}")  # closed
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    load = load_aws(AwsOptions())
    assert load.errors == []
    assert _Throttle.seen == [
        "AmazonEC2ContainerRegistry_V20150921.GetRegistryScanningConfiguration",
        "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"]
    throttled = [n for n in load.notices if " throttled: " in n]
    assert throttled == [
        "AWS: 2 call(s) throttled: ecr:DescribeRepositories (ThrottlingException), "
        "ecr:GetRegistryScanningConfiguration (ThrottlingException). What they "
        "read is missing or unknown in this audit; everything else was audited (meshward "
        "retried with backoff: retry later, or allow more attempts with AWS_MAX_ATTEMPTS)"]
    failed = [n for n in load.notices if " failed: " in n]
    assert len(failed) == 1 and failed[0].startswith("AWS: 1 call(s) failed: eks:ListClusters (")
    # everything else was read: the seeded roles and security groups are there
    assert {"bad-admin-task", "good-task"} <= {r.name for r in load.resources
                                               if r.type == "aws_iam_role"}


def test_call_budget(aws_env: Moto) -> None:
    seed.seed()
    load = load_aws(AwsOptions(max_calls=6, workers=1))  # one family after another
    assert load.calls == 6
    assert load.notices[0] == (
        "AWS: the call budget (6 calls, --aws-max-calls) was spent; read in part: IAM roles, "
        "users, access keys and policies; not read: EC2 security groups, VPCs, subnets, routes, "
        "flow logs and instances, load balancers, listeners, target groups and web ACLs, API "
        "Gateway REST APIs, API Gateway HTTP APIs, ECS clusters, services and task definitions, "
        "Lambda functions and event sources, RDS databases, ElastiCache replication groups, EKS "
        "clusters, ECR repositories, Secrets Manager secrets, KMS keys, CloudWatch log groups, "
        "S3 buckets. Everything read was audited; raise --aws-max-calls to read it all.")
    assert load.resources and {r.type for r in load.resources} <= {
        "aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_role_policy"}


def test_call_budget_with_families_read_at_once(aws_env: Moto) -> None:
    from meshward.loaders.aws import families

    seed.seed()
    load = load_aws(AwsOptions(max_calls=6))
    assert load.calls == 6  # never more, whatever the threads
    notice = load.notices[0]
    assert notice.startswith("AWS: the call budget (6 calls, --aws-max-calls) was spent; ")
    named = [what for what, _ in families() if what in notice]
    assert len(named) >= len(families()) - 5  # 5 calls after the identity: 5 families at most


def test_usage_errors(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan"]) == 2
    assert "nothing to scan (give a PATH, or --aws to read the live account)" in \
        capsys.readouterr().err
    assert main(["scan", str(tree), "--aws-region", "eu-west-1"]) == 2
    assert "--aws-region, --aws-profile and --aws-max-calls need --aws" in capsys.readouterr().err
    assert main(["scan", str(tree), "--aws", "--aws-max-calls", "0"]) == 2
    assert "--aws-max-calls 0: give a positive number of calls" in capsys.readouterr().err


def test_plain_scan_does_not_import_boto3(tree: Path) -> None:
    code = ("import sys\nfrom meshward.cli.main import main\n"
            f"main(['scan', {str(tree)!r}, '--select', 'MW101', '-o', '/dev/null'])\n"
            "print('boto3' in sys.modules, 'botocore' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False False"


def test_lists_are_read_to_the_last_page(aws_env: Moto) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for i in range(120):  # three pages of 50
        logs.create_log_group(logGroupName=f"/svc/{i:03d}")
    load = load_aws(AwsOptions())
    groups = sorted(r.name for r in load.resources if r.type == "aws_cloudwatch_log_group")
    assert groups == [f"/svc/{i:03d}" for i in range(120)]
    assert load.requests[("logs", "describe_log_groups")] == 3
    assert load.calls == sum(load.requests.values())
    # a budget that ends inside the pages stops there and says so
    short = load_aws(AwsOptions(max_calls=load.calls - 2, workers=1))  # the last: S3's list
    assert short.requests[("logs", "describe_log_groups")] == 2
    # the two pages read are kept, not lost with the third
    assert len([r for r in short.resources if r.type == "aws_cloudwatch_log_group"]) == 100
    assert "; read in part: CloudWatch log groups; not read: S3 buckets. " in short.notices[0]


def test_sarif_of_live_findings_is_valid(aws_env: Moto, tmp_path: Path) -> None:
    import jsonschema

    from tests.conftest import REPO

    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    out = tmp_path / "r.sarif"
    assert main(["scan", "--aws", "--select", "MWC01", "-f", "sarif", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    schemas = [d / "shared" / "schemas" / "sarif-schema-2.1.0.json"
               for d in (REPO.parent, REPO.parent.parent)]
    for schema in (s for s in schemas if s.is_file()):
        jsonschema.Draft4Validator(json.loads(schema.read_text())).validate(doc)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": f"aws://{REGION}/"}}
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]
            ] == [{"uri": f"aws://{REGION}/ec2/security-group/{sg}"}]


def test_unreachable_endpoint_is_an_input_error(aws_env: Moto, tree: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing there
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    assert main(["scan", str(tree), "--aws", "--select", "MW101", "--no-color"]) == 2
    text = capsys.readouterr().out
    assert "MW101" in text
    assert f"aws://{REGION}: AWS: cannot read the caller identity: Could not connect to the " \
           "endpoint URL" in text
    assert "(check the endpoint (AWS_ENDPOINT_URL), network and credentials)" in text


def test_profile_from_the_standard_files(aws_env: Moto, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """--aws-profile reads ~/.aws/config and credentials; --aws-region overrides its region."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        monkeypatch.delenv(key)
    config, creds = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[profile audit]\nregion = eu-central-1\n")
    creds.write_text("[audit]\naws_access_key_id = AKIAMESHWARDTEST0002\n"
                     "aws_secret_access_key = from-the-file\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    boto3.session.Session(profile_name="audit").client("logs").create_log_group(
        logGroupName="in-frankfurt")
    load = load_aws(AwsOptions(profile="audit"))
    assert load.errors == [] and load.region == "eu-central-1"
    assert [r.name for r in load.resources if r.type == "aws_cloudwatch_log_group"] == [
        "in-frankfurt"]
    assert {r.environment for r in load.resources} == {"aws:eu-central-1"}
    other = load_aws(AwsOptions(profile="audit", region=REGION))
    assert other.region == REGION
    assert not [r for r in other.resources if r.type == "aws_cloudwatch_log_group"]


def test_registry_scanning_counts_for_every_repository(aws_env: Moto, tmp_path: Path) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName="orders")  # no scan on push of its own
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
        "scanFrequency": "CONTINUOUS_SCAN",
        "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    load = load_aws(AwsOptions())
    assert [r.attributes for r in load.resources
            if r.type == "aws_ecr_registry_scanning_configuration"] == [{
        "registry_id": "123456789012", "scan_type": "ENHANCED", "rule": [{
            "scan_frequency": "CONTINUOUS_SCAN",
            "repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}]}]}]
    out = tmp_path / "r.json"
    assert main(["scan", "--aws", "--select", "MWC51", "-f", "json", "-o", str(out)]) == 0
    assert report(out)["findings"] == []
