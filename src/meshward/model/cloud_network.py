"""Cloud networks: security group ingress rules and subnets' routes to the internet.

Read from :class:`CloudResource` in Terraform's schema only (inline ``ingress`` blocks,
``aws_security_group_rule``, ``aws_vpc_security_group_ingress_rule``, route tables, routes and
their associations), the same for Terraform, plans and a live account.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from meshward.model.cloud import CloudResource
from meshward.model.cloud_index import CloudIndex
from meshward.model.source import Location

WORLD = frozenset({"0.0.0.0/0", "::/0"})
ALL_PORTS = (0, 65535)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


@dataclass
class FirewallRule:
    """One ingress rule of a security group (inline block or separate rule resource)."""

    group: CloudResource  # the security group it belongs to
    owner: CloudResource  # the resource that declares it (the group, or a rule resource)
    location: Location
    from_port: int | None
    to_port: int | None
    protocol: str
    cidrs: list[str] = field(default_factory=list)
    source_groups: list[CloudResource] = field(default_factory=list)

    @property
    def all_ports(self) -> bool:
        return self.protocol in ("-1", "all") or (self.from_port, self.to_port) == ALL_PORTS \
            or (self.from_port == 0 and self.to_port in (0, 65535) and self.protocol == "-1")

    def covers(self, port: int) -> bool:
        if self.all_ports:
            return True
        if self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port

    @property
    def world(self) -> list[str]:
        return [c for c in self.cidrs if c in WORLD]

    def ports_text(self) -> str:
        if self.all_ports:
            return "all ports"
        if self.from_port == self.to_port:
            return f"port {self.from_port}"
        return f"ports {self.from_port}-{self.to_port}"


def _cidrs(block: dict[str, Any]) -> list[str]:
    out = []
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"):
        out.extend(strings(block.get(key)))
    return out


def firewall_rules(idx: CloudIndex) -> dict[int, list[FirewallRule]]:
    """Ingress rules of every security group (inline, rule resources), by ``id(group)``."""
    ingress: dict[int, list[FirewallRule]] = {}
    for sg in idx.of_type("aws_security_group"):
        rules = ingress.setdefault(id(sg), [])
        for i, block in enumerate(sg.blocks("ingress")):
            rules.append(FirewallRule(
                sg, sg, sg.at("ingress", i), as_int(block.get("from_port")),
                as_int(block.get("to_port")), str(block.get("protocol") or "tcp").lower(),
                _cidrs(block), idx.follow(block.get("security_groups"), sg, "aws_security_group")
                + ([sg] if block.get("self") is True else [])))
    # separate rule resources, joined to their group: (type, protocol key, source group key)
    for rtype, proto_key, source_key in (
            ("aws_security_group_rule", "protocol", "source_security_group_id"),
            ("aws_vpc_security_group_ingress_rule", "ip_protocol", "referenced_security_group_id")):
        for rule in idx.of_type(rtype):
            if rtype == "aws_security_group_rule" and rule.get("type") != "ingress":
                continue
            for sg in idx.follow(rule.get("security_group_id"), rule, "aws_security_group"):
                ingress.setdefault(id(sg), []).append(FirewallRule(
                    sg, rule, rule.location, as_int(rule.get("from_port")),
                    as_int(rule.get("to_port")), str(rule.get(proto_key) or "tcp").lower(),
                    _cidrs(rule.attributes),
                    idx.follow(rule.get(source_key), rule, "aws_security_group")))
    return ingress


def _internet_table(idx: CloudIndex, table: CloudResource) -> bool:
    """Does a route table send 0.0.0.0/0 (or ::/0) to an internet gateway?"""
    routes = [(b.get("cidr_block"), b.get("ipv6_cidr_block"), b.get("gateway_id"), table)
              for b in table.blocks("route")]
    for route in idx.of_type("aws_route"):
        if table in idx.follow(route.get("route_table_id"), route, "aws_route_table"):
            routes.append((route.get("destination_cidr_block"),
                           route.get("destination_ipv6_cidr_block"), route.get("gateway_id"),
                           route))
    for v4, v6, gateway, owner in routes:
        if v4 != "0.0.0.0/0" and v6 != "::/0":
            continue
        if isinstance(gateway, str) and gateway.startswith("igw-"):
            return True
        if idx.follow(gateway, owner, "aws_internet_gateway"):
            return True
    return False


def subnet_routes_out(idx: CloudIndex, subnet: CloudResource) -> bool | None:
    """True when the subnet's route table reaches an internet gateway; None when the tree
    does not say which route table it uses."""
    tables = [t for assoc in idx.of_type("aws_route_table_association")
              if subnet in idx.follow(assoc.get("subnet_id"), assoc, "aws_subnet")
              for t in idx.follow(assoc.get("route_table_id"), assoc, "aws_route_table")]
    if not tables:  # the VPC's main route table
        vpcs = idx.follow(subnet.get("vpc_id"), subnet, "aws_vpc")
        tables = [t for assoc in idx.of_type("aws_main_route_table_association")
                  if any(v in idx.follow(assoc.get("vpc_id"), assoc, "aws_vpc") for v in vpcs)
                  for t in idx.follow(assoc.get("route_table_id"), assoc, "aws_route_table")]
    if not tables:
        return None
    return any(_internet_table(idx, t) for t in tables)


def is_world_cidr(cidr: str) -> bool:
    if cidr in WORLD:
        return True
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False
