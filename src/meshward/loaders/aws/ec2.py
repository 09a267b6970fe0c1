"""EC2 and VPC: security groups, instances (public IP, subnet, user data), VPCs, subnets,
route tables and their associations, internet gateways, flow logs."""

from __future__ import annotations

import base64
import binascii
import gzip
from typing import Any

from meshward.loaders.aws.translate import Reader, arn_name, not_read, tags

PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def rule_block(perm: dict[str, Any], own_group: str) -> dict[str, Any]:
    """One ``IpPermissions`` entry as a Terraform ``ingress``/``egress`` block."""
    protocol = str(perm.get("IpProtocol", "-1")).lower()
    groups = [str(p["GroupId"]) for p in perm.get("UserIdGroupPairs") or [] if p.get("GroupId")]
    ranges = perm.get("IpRanges") or []
    v6 = perm.get("Ipv6Ranges") or []
    descriptions = [x.get("Description") for x in [*ranges, *v6] if x.get("Description")]
    return {
        "from_port": int(perm.get("FromPort", 0)) if protocol != "-1" else 0,
        "to_port": int(perm.get("ToPort", 0)) if protocol != "-1" else 0,
        "protocol": PROTOCOLS.get(protocol, protocol),
        "cidr_blocks": [str(x["CidrIp"]) for x in ranges if x.get("CidrIp")],
        "ipv6_cidr_blocks": [str(x["CidrIpv6"]) for x in v6 if x.get("CidrIpv6")],
        "prefix_list_ids": [str(x["PrefixListId"]) for x in perm.get("PrefixListIds") or []],
        "security_groups": [g for g in groups if g != own_group],
        "self": own_group in groups,
        "description": descriptions[0] if descriptions else "",
    }


def security_group(sg: dict[str, Any]) -> dict[str, Any]:
    gid = str(sg["GroupId"])
    return {
        "id": gid,
        "name": sg.get("GroupName"),
        "description": sg.get("Description"),
        "vpc_id": sg.get("VpcId"),
        "owner_id": sg.get("OwnerId"),
        "ingress": [rule_block(p, gid) for p in sg.get("IpPermissions") or []],
        "egress": [rule_block(p, gid) for p in sg.get("IpPermissionsEgress") or []],
        "tags": tags(sg.get("Tags")),
    }


def decode_user_data(value: str | None) -> str | None:
    if not value:
        return None
    try:
        raw = base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return value
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return None
    return raw.decode("utf-8", errors="replace")


def _groups(inst: dict[str, Any]) -> list[str]:
    """The instance's security groups (its own list, else its network interfaces')."""
    found = [str(g["GroupId"]) for g in inst.get("SecurityGroups") or [] if g.get("GroupId")]
    for eni in inst.get("NetworkInterfaces") or []:
        found.extend(str(g["GroupId"]) for g in eni.get("Groups") or [] if g.get("GroupId"))
    return list(dict.fromkeys(found))


def instance(inst: dict[str, Any], user_data: Any) -> dict[str, Any]:
    meta = inst.get("MetadataOptions") or {}
    profile = (inst.get("IamInstanceProfile") or {}).get("Arn")
    return {
        "id": inst.get("InstanceId"),
        "ami": inst.get("ImageId"),
        "instance_type": inst.get("InstanceType"),
        "subnet_id": inst.get("SubnetId"),
        "vpc_security_group_ids": _groups(inst),
        "associate_public_ip_address": bool(inst.get("PublicIpAddress")),
        "public_ip": inst.get("PublicIpAddress") or "",
        "private_ip": inst.get("PrivateIpAddress") or "",
        "iam_instance_profile": arn_name(str(profile)) if profile else "",
        "instance_state": (inst.get("State") or {}).get("Name"),
        "metadata_options": [{
            "http_endpoint": meta.get("HttpEndpoint"),
            "http_tokens": meta.get("HttpTokens"),
            "http_put_response_hop_limit": meta.get("HttpPutResponseHopLimit"),
        }] if meta else [],
        "user_data": user_data,
        "tags": tags(inst.get("Tags")),
    }


ROUTE_TARGETS = {
    "GatewayId": "gateway_id", "NatGatewayId": "nat_gateway_id",
    "TransitGatewayId": "transit_gateway_id", "VpcPeeringConnectionId": "vpc_peering_connection_id",
    "NetworkInterfaceId": "network_interface_id", "EgressOnlyInternetGatewayId":
    "egress_only_gateway_id", "VpcEndpointId": "vpc_endpoint_id",
}


def route_table(rt: dict[str, Any]) -> dict[str, Any]:
    routes = []
    for route in rt.get("Routes") or []:
        if route.get("GatewayId") == "local":
            continue  # Terraform state leaves the VPC's local route out
        block: dict[str, Any] = {
            "cidr_block": route.get("DestinationCidrBlock", ""),
            "ipv6_cidr_block": route.get("DestinationIpv6CidrBlock", ""),
        }
        for api, tf in ROUTE_TARGETS.items():
            block[tf] = route.get(api, "")
        routes.append(block)
    return {"id": rt.get("RouteTableId"), "vpc_id": rt.get("VpcId"), "route": routes,
            "tags": tags(rt.get("Tags"))}


def collect(r: Reader) -> None:
    for sg in r.listing("ec2", "describe_security_groups", "SecurityGroups") or []:
        gid = str(sg["GroupId"])
        r.add("aws_security_group", gid, security_group(sg), "ec2", f"security-group/{gid}",
              r.arn("ec2", f"security-group/{gid}"))
    for vpc in r.listing("ec2", "describe_vpcs", "Vpcs") or []:
        vid = str(vpc["VpcId"])
        r.add("aws_vpc", vid, {"id": vid, "cidr_block": vpc.get("CidrBlock"),
                               "default": bool(vpc.get("IsDefault")), "tags": tags(vpc.get("Tags"))},
              "ec2", f"vpc/{vid}", r.arn("ec2", f"vpc/{vid}"))
    for sub in r.listing("ec2", "describe_subnets", "Subnets") or []:
        sid = str(sub["SubnetId"])
        r.add("aws_subnet", sid, {
            "id": sid, "vpc_id": sub.get("VpcId"), "cidr_block": sub.get("CidrBlock"),
            "availability_zone": sub.get("AvailabilityZone"),
            "map_public_ip_on_launch": bool(sub.get("MapPublicIpOnLaunch")),
            "tags": tags(sub.get("Tags")),
        }, "ec2", f"subnet/{sid}", str(sub.get("SubnetArn") or r.arn("ec2", f"subnet/{sid}")))
    for rt in r.listing("ec2", "describe_route_tables", "RouteTables") or []:
        rid = str(rt["RouteTableId"])
        r.add("aws_route_table", rid, route_table(rt), "ec2", f"route-table/{rid}",
              r.arn("ec2", f"route-table/{rid}"))
        for assoc in rt.get("Associations") or []:
            aid = str(assoc.get("RouteTableAssociationId", rid))
            if assoc.get("Main"):
                r.add("aws_main_route_table_association", aid,
                      {"id": aid, "vpc_id": rt.get("VpcId"), "route_table_id": rid},
                      "ec2", f"route-table/{rid}/{aid}", "")
            else:
                r.add("aws_route_table_association", aid, {
                    "id": aid, "route_table_id": rid, "subnet_id": assoc.get("SubnetId", ""),
                    "gateway_id": assoc.get("GatewayId", ""),
                }, "ec2", f"route-table/{rid}/{aid}", "")
    for igw in r.listing("ec2", "describe_internet_gateways", "InternetGateways") or []:
        iid = str(igw["InternetGatewayId"])
        vpcs = [str(a["VpcId"]) for a in igw.get("Attachments") or [] if a.get("VpcId")]
        r.add("aws_internet_gateway", iid, {"id": iid, "vpc_id": vpcs[0] if vpcs else "",
                                             "tags": tags(igw.get("Tags"))},
              "ec2", f"internet-gateway/{iid}", r.arn("ec2", f"internet-gateway/{iid}"))
    for fl in r.listing("ec2", "describe_flow_logs", "FlowLogs") or []:
        fid = str(fl["FlowLogId"])
        target = str(fl.get("ResourceId", ""))
        kind = ("vpc_id" if target.startswith("vpc-") else "subnet_id"
                if target.startswith("subnet-") else "eni_id")
        r.add("aws_flow_log", fid, {
            "id": fid, kind: target, "traffic_type": fl.get("TrafficType"),
            "log_destination": fl.get("LogDestination", ""),
            "log_destination_type": fl.get("LogDestinationType", "cloud-watch-logs"),
            "log_group_name": fl.get("LogGroupName", ""),
            "iam_role_arn": fl.get("DeliverLogsPermissionArn", ""),
        }, "ec2", f"vpc-flow-log/{fid}", r.arn("ec2", f"vpc-flow-log/{fid}"))
    for eip in r.listing("ec2", "describe_addresses", "Addresses") or []:
        aid = str(eip.get("AllocationId") or eip.get("PublicIp"))
        r.add("aws_eip", aid, {
            "id": aid, "public_ip": eip.get("PublicIp", ""), "domain": eip.get("Domain", "vpc"),
            "instance": eip.get("InstanceId", ""),
            "network_interface": eip.get("NetworkInterfaceId", ""),
            "private_ip": eip.get("PrivateIpAddress", ""),
        }, "ec2", f"elastic-ip/{aid}", r.arn("ec2", f"elastic-ip/{aid}"))
    reservations = r.listing("ec2", "describe_instances", "Reservations") or []
    for res in reservations:
        for inst in res.get("Instances") or []:
            if (inst.get("State") or {}).get("Name") in ("terminated", "shutting-down"):
                continue
            iid = str(inst["InstanceId"])
            got = r.get("ec2", "describe_instance_attribute", Attribute="userData", InstanceId=iid)
            data: Any = (decode_user_data((got.get("UserData") or {}).get("Value"))
                         if got is not None else not_read("ec2:DescribeInstanceAttribute"))
            r.add("aws_instance", iid, instance(inst, data), "ec2", f"instance/{iid}",
                  r.arn("ec2", f"instance/{iid}"))
