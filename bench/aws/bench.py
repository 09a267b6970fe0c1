"""Read a seeded AWS account (a local moto server) with `meshward scan --aws` and print how
long it took and how many calls it sent.

    python bench/aws/bench.py [--units 50]

Each unit is a small service: an IAM role with an inline and an attached policy, a security
group, an S3 bucket with versioning, a log group, a Lambda function, an ECR repository and a
secret. ``--latency-ms`` (default 40) adds a round trip to every request, as a real region's
API takes; the read is also timed one call at a time (workers=1) to show what reading families
and items at once saves. Never gates CI.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

REGION = "eu-west-1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def handler(e, c):\n    return 1\n")
    return buf.getvalue()


def seed(units: int) -> None:
    import boto3

    iam, ec2, s3 = (boto3.client(s, region_name=REGION) for s in ("iam", "ec2", "s3"))
    logs, lam, ecr, sm = (boto3.client(s, region_name=REGION)
                          for s in ("logs", "lambda", "ecr", "secretsmanager"))
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    policy = iam.create_policy(PolicyName="shared", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                "Resource": "*"}]}))["Policy"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    code = _zip()
    for i in range(units):
        name = f"svc{i:03d}"
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*",
                                                    "Resource": "*"}]}))
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        sg = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        s3.create_bucket(Bucket=f"bench-{name}",
                         CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=f"bench-{name}",
                                 VersioningConfiguration={"Status": "Enabled"})
        logs.create_log_group(logGroupName=f"/bench/{name}")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=arn, Handler="h.handler",
                            Code={"ZipFile": code}, Environment={"Variables": {"MODE": "x"}})
        ecr.create_repository(repositoryName=name)
        sm.create_secret(Name=name, SecretString="x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=40.0,
                        help="round trip added to every request meshward sends, as a real "
                             "region's API would take (a local server answers at once)")
    args = parser.parse_args()
    port = _port()
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_REGION": REGION,
                           "AWS_ACCESS_KEY_ID": "AKIABENCH0000000000", "AWS_SECRET_ACCESS_KEY": "x",
                           "AWS_EC2_METADATA_DISABLED": "true"})
        started = time.perf_counter()
        seed(args.units)
        seeded = time.perf_counter() - started
        from meshward.loaders.aws import AwsOptions, load_aws
        from meshward.loaders.aws.session import AwsCaller
        from meshward.pipeline import scan

        delay = args.latency_ms / 1000
        plain_client = AwsCaller.client

        def slow_client(self: AwsCaller, service: str) -> object:
            client = plain_client(self, service)
            if delay and not getattr(client, "_bench_slow", False):
                client.meta.events.register("before-send", lambda **_: time.sleep(delay))
                client._bench_slow = True
            return client

        AwsCaller.client = slow_client  # type: ignore[method-assign]

        started, cpu = time.perf_counter(), time.process_time()
        load = load_aws(AwsOptions())
        read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        load_aws(AwsOptions(workers=1))
        one_by_one = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        result = scan([], aws=AwsOptions(), select=["MWC*"])
        whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"units: {args.units} (seeded in {seeded:.1f} s); {args.latency_ms:g} ms added "
              "to every request meshward sends")
        print(f"read: {len(load.resources)} resources, {load.calls} calls "
              f"({load.calls / max(1, len(load.resources)):.2f} calls/resource) in {read:.2f} s "
              f"(meshward's own CPU {read_cpu:.2f} s; the rest is waiting for answers)")
        print(f"the same read one call at a time (workers=1): {one_by_one:.2f} s")
        print(f"scan --aws (read again + cloud rules): {len(result.findings)} findings in "
              f"{whole:.2f} s (meshward's own CPU {whole_cpu:.2f} s)")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
