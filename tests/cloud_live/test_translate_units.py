"""Answer shapes a real account gives and moto does not: translated exactly."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json

from meshward.loaders.aws.ec2 import decode_user_data, route_table, rule_block
from meshward.loaders.aws.elbv2 import action_block
from meshward.loaders.aws.translate import policy_json, timestamp


def test_rule_blocks() -> None:
    own = "sg-own"
    # all traffic from another account's group and from a prefix list
    assert rule_block({"IpProtocol": "-1", "UserIdGroupPairs": [
        {"GroupId": "sg-peer", "UserId": "111122223333"}, {"GroupId": own}],
        "PrefixListIds": [{"PrefixListId": "pl-1234"}]}, own) == {
        "from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": [], "ipv6_cidr_blocks": [],
        "prefix_list_ids": ["pl-1234"], "security_groups": ["sg-peer"], "self": True,
        "description": ""}
    # protocol numbers as Terraform names them; ICMP type/code kept in the port fields
    assert rule_block({"IpProtocol": "6", "FromPort": 0, "ToPort": 65535,
                       "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "v6"}]}, own) == {
        "from_port": 0, "to_port": 65535, "protocol": "tcp", "cidr_blocks": [],
        "ipv6_cidr_blocks": ["::/0"], "prefix_list_ids": [], "security_groups": [],
        "self": False, "description": "v6"}
    icmp = rule_block({"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
                       "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, own)
    assert (icmp["protocol"], icmp["from_port"], icmp["to_port"]) == ("icmp", -1, -1)


def test_user_data_plain_gzip_and_absent() -> None:
    text = "#!/bin/sh\necho hi\n"
    assert decode_user_data(base64.b64encode(text.encode()).decode()) == text
    assert decode_user_data(base64.b64encode(gzip.compress(text.encode())).decode()) == text
    assert decode_user_data(None) is None and decode_user_data("") is None


def test_routes_leave_the_local_route_out() -> None:
    rt = route_table({"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"},
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}]})
    assert [(r["cidr_block"], r["ipv6_cidr_block"], r["nat_gateway_id"],
             r["egress_only_gateway_id"], r["gateway_id"]) for r in rt["route"]] == [
        ("0.0.0.0/0", "", "nat-1", "", ""), ("", "::/0", "", "eigw-1", "")]


def test_weighted_forward_and_authenticate_actions() -> None:
    forward = action_block({"Type": "forward", "Order": 2, "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": "arn:tg/a", "Weight": 1}, {"TargetGroupArn": "arn:tg/b"}]}})
    assert (forward["type"], forward["order"], forward["target_group_arn"]) == (
        "forward", 2, "arn:tg/a")
    oidc = action_block({"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {
        "Issuer": "https://idp.example", "ClientId": "c"}})
    assert oidc["authenticate_oidc"] == [{"issuer": "https://idp.example"}]


def test_policy_documents_and_dates() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    assert policy_json(doc) == json.dumps(doc)
    encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
    assert json.loads(policy_json(encoded) or "") == {"Version": "2012-10-17", "Statement": []}
    assert policy_json("not json") == "not json" and policy_json(None) is None
    when = dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert timestamp(when) == "2024-03-01T10:30:00Z"
