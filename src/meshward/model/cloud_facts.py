"""Cloud facts computed once per inventory: firewall rules, workloads, IAM roles and policies.

Everything here reads :class:`CloudResource` in Terraform's attribute schema only, so the same
facts come out of Terraform source, a plan, or a live account. Rules, services and graph edges
share them through :func:`cloud_facts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from meshward.cache import once
from meshward.model.cloud import CloudResource, blocks_of, is_unknown
from meshward.model.cloud_index import CloudIndex
from meshward.model.cloud_network import (
    FirewallRule,
    as_int,
    firewall_rules,
    strings,
    subnet_routes_out,
)
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import EnvVar
from meshward.model.source import Location

# Terraform resource type -> (kind shown to users, attribute naming the service, default port)
WORKLOAD_TYPES: dict[str, tuple[str, tuple[str, ...], int | None]] = {
    "aws_ecs_service": ("ECS service", ("name",), None),
    "aws_lambda_function": ("Lambda function", ("function_name",), None),
    "aws_instance": ("EC2 instance", (), None),
    "aws_db_instance": ("RDS instance", ("identifier",), None),
    "aws_rds_cluster": ("RDS cluster", ("cluster_identifier",), None),
    "aws_elasticache_cluster": ("ElastiCache cluster", ("cluster_id",), None),
    "aws_elasticache_replication_group": ("ElastiCache replication group",
                                          ("replication_group_id",), 6379),
    "aws_lb": ("load balancer", ("name",), None),
    "aws_alb": ("load balancer", ("name",), None),
    "aws_elb": ("classic load balancer", ("name",), None),
    "aws_api_gateway_rest_api": ("API Gateway REST API", ("name",), 443),
    "aws_apigatewayv2_api": ("API Gateway HTTP/WebSocket API", ("name",), 443),
}
ENGINE_PORTS = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "aurora-mysql": 3306,
                "aurora": 3306, "mariadb": 3306, "oracle": 1521, "sqlserver": 1433,
                "redis": 6379, "valkey": 6379, "memcached": 11211}
DATASTORE_TYPES = frozenset({"aws_db_instance", "aws_rds_cluster", "aws_elasticache_cluster",
                             "aws_elasticache_replication_group"})


@dataclass
class CloudWorkload:
    """A cloud resource that runs or serves something: it becomes a service deployment."""

    resource: CloudResource
    kind: str
    service: str
    security_groups: list[CloudResource] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    env_values: list[tuple[str, Any, Location]] = field(default_factory=list)  # incl. unknown
    roles: list[CloudResource] = field(default_factory=list)
    role_refs: list[str] = field(default_factory=list)
    public_address: list[str] = field(default_factory=list)  # why it has a public address
    public: list[str] = field(default_factory=list)  # why it is reachable from the internet
    task_definition: CloudResource | None = None


@dataclass
class CloudFacts:
    index: CloudIndex
    ingress: dict[int, list[FirewallRule]] = field(default_factory=dict)  # id(group) -> rules
    workloads: list[CloudWorkload] = field(default_factory=list)
    by_resource: dict[int, CloudWorkload] = field(default_factory=dict)
    # Kubernetes services assuming an IAM role through their ServiceAccount (IRSA): id(role) ->
    # service names, beside the cloud workloads' own roles.
    irsa: dict[int, set[str]] = field(default_factory=dict)

    def role_users(self, role: CloudResource) -> list[str]:
        """Every service that runs with ``role``: cloud workloads and Kubernetes (IRSA)."""
        users = {w.service for w in self.workloads if any(r is role for r in w.roles)}
        return sorted(users | self.irsa.get(id(role), set()))

    def rules_of(self, group: CloudResource) -> list[FirewallRule]:
        return self.ingress.get(id(group), [])

    def all_rules(self) -> list[FirewallRule]:
        return [r for rules in self.ingress.values() for r in rules]


IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def cloud_facts(inv: Inventory) -> CloudFacts:
    def build() -> CloudFacts:
        facts = build_facts(inv.cloud_resources)
        _irsa(facts, inv)
        return facts

    return once(inv, "cloud.facts", build)


def _irsa(facts: CloudFacts, inv: Inventory) -> None:
    """Link Kubernetes workloads to the IAM roles their ServiceAccounts assume (IRSA)."""
    roles = facts.index.of_type("aws_iam_role")
    if not roles:
        return
    for sa in inv.by_kind("ServiceAccount"):
        arn = sa.annotations.get(IRSA_ANNOTATION)
        if not arn:
            continue
        role_name = arn.rsplit("/", 1)[-1]
        matched = [r for r in roles if r.get("arn") == arn or r.get("name") == role_name]
        users = {inv.service_name_of(w) or w.name for w in inv.workloads
                 if w.namespace == sa.namespace and w.service_account == sa.name}
        for role in matched:
            facts.irsa.setdefault(id(role), set()).update(users)


def build_facts(resources: list[CloudResource]) -> CloudFacts:
    index = CloudIndex(resources)
    facts = CloudFacts(index)
    facts.ingress = firewall_rules(index)
    for r in resources:
        spec = WORKLOAD_TYPES.get(r.type)
        if spec is not None:
            w = _workload(facts, r, spec)
            facts.workloads.append(w)
            facts.by_resource[id(r)] = w
    _exposure(facts)
    return facts


def service_name(r: CloudResource, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = r.get(key)
        if isinstance(value, str) and value:
            return value
    tags = r.get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("Name"), str) and tags["Name"]:
        return str(tags["Name"])
    return r.name


def _workload(facts: CloudFacts, r: CloudResource, spec: tuple[str, tuple[str, ...], int | None]
              ) -> CloudWorkload:
    kind, keys, default_port = spec
    idx = facts.index
    w = CloudWorkload(r, kind, service_name(r, keys))
    if default_port:
        w.ports.append(default_port)
    sg_keys = ("vpc_security_group_ids", "security_groups", "security_group_ids")
    for key in sg_keys:
        w.security_groups.extend(idx.follow(r.get(key), r, "aws_security_group"))
    if r.type == "aws_ecs_service":
        _ecs(facts, r, w)
    elif r.type == "aws_lambda_function":
        _env_map(w, r, (r.blocks("environment") or [{}])[0].get("variables"), "environment")
        for vpc in r.blocks("vpc_config"):
            w.security_groups.extend(idx.follow(vpc.get("security_group_ids"), r,
                                                "aws_security_group"))
        for key in ("image_uri",):
            if isinstance(r.get(key), str):
                w.images.append(str(r.get(key)))
        _roles(facts, w, r, r.get("role"))
    elif r.type == "aws_instance":
        if r.get("associate_public_ip_address") is True:
            w.public_address.append("associate_public_ip_address = true")
        for subnet in idx.follow(r.get("subnet_id"), r, "aws_subnet"):
            if subnet.get("map_public_ip_on_launch") is True \
                    and r.get("associate_public_ip_address") is not False:
                w.public_address.append(f"subnet {subnet.ref} maps public IPs on launch")
        for profile in idx.follow(r.get("iam_instance_profile"), r, "aws_iam_instance_profile"):
            _roles(facts, w, r, profile.get("role"), frm=profile)
        for eip in idx.of_type("aws_eip"):
            if r in idx.follow(eip.get("instance"), eip, r.type):
                w.public_address.append(f"Elastic IP {eip.ref}")
    elif r.type in DATASTORE_TYPES:
        port = as_int(r.get("port"))
        engine = str(r.get("engine") or ("redis" if "replication" in r.type else ""))
        w.ports.append(port or ENGINE_PORTS.get(engine.lower(), 0) or 0)
        w.ports = [p for p in w.ports if p]
        if r.get("publicly_accessible") is True:
            w.public_address.append("publicly_accessible = true")
    elif r.type in ("aws_lb", "aws_alb", "aws_elb"):
        for listener in idx.of_type("aws_lb_listener", "aws_alb_listener"):
            if r in idx.follow(listener.get("load_balancer_arn"), listener, r.type):
                port = as_int(listener.get("port"))
                if port:
                    w.ports.append(port)
        for lis in r.blocks("listener"):  # classic ELB
            port = as_int(lis.get("lb_port"))
            if port:
                w.ports.append(port)
    if not w.ports and r.type == "aws_instance":
        # an instance declares no ports: the ones its security groups open are its ports
        for sg in w.security_groups:
            for rule in facts.rules_of(sg):
                if rule.from_port is not None and rule.to_port is not None \
                        and not rule.all_ports and rule.to_port - rule.from_port < 10:
                    w.ports.extend(range(rule.from_port, rule.to_port + 1))
    w.ports = sorted(set(w.ports))
    return w


def _ecs(facts: CloudFacts, r: CloudResource, w: CloudWorkload) -> None:
    idx = facts.index
    for net in r.blocks("network_configuration"):
        w.security_groups.extend(idx.follow(net.get("security_groups"), r, "aws_security_group"))
        if net.get("assign_public_ip") is True:
            w.public_address.append("network_configuration.assign_public_ip = true")
    tasks = idx.follow(r.get("task_definition"), r, "aws_ecs_task_definition")
    if not tasks:
        return
    task = tasks[0]
    w.task_definition = task
    for c in containers(task):
        image = c.get("image")
        if isinstance(image, str):
            w.images.append(image)
        for pm in c.get("portMappings") or []:
            if isinstance(pm, dict) and as_int(pm.get("containerPort")):
                w.ports.append(int(pm["containerPort"]))
        for ev in c.get("environment") or []:
            if isinstance(ev, dict) and isinstance(ev.get("name"), str):
                value = ev.get("value")
                where = task.at("container_definitions")
                w.env_values.append((str(ev["name"]), value, where))
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    w.env.append(EnvVar(str(ev["name"]), str(value), "literal", where))
    _roles(facts, w, task, task.get("task_role_arn"))


def containers(task: CloudResource) -> list[dict[str, Any]]:
    """A task definition's containers: ``container_definitions`` is a JSON string."""
    raw = task.get("container_definitions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            return []
    if isinstance(raw, list):
        return [c for c in raw if isinstance(c, dict)]
    return []


def _env_map(w: CloudWorkload, r: CloudResource, variables: Any, attribute: str) -> None:
    if not isinstance(variables, dict):
        return
    where = r.at(attribute)
    for name, value in variables.items():
        w.env_values.append((str(name), value, where))
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            w.env.append(EnvVar(str(name), str(value), "literal", where))


def _roles(facts: CloudFacts, w: CloudWorkload, r: CloudResource, value: Any,
           frm: CloudResource | None = None) -> None:
    if value is None or value == "":
        return
    found = facts.index.follow(value, frm or r, "aws_iam_role")
    w.roles.extend(x for x in found if all(x is not y for y in w.roles))
    if found:
        w.role_refs.extend(x.ref for x in found)
    elif isinstance(value, str):
        w.role_refs.append(value)
    elif is_unknown(value):
        w.role_refs.append(str(getattr(value, "expression", "")))


def subnet_is_public(facts: CloudFacts, subnet: CloudResource) -> bool | None:
    """True when the subnet's route table reaches an internet gateway; None when unknown."""
    return subnet_routes_out(facts.index, subnet)


def workload_subnets(facts: CloudFacts, w: CloudWorkload) -> list[CloudResource]:
    r = w.resource
    found = facts.index.follow(r.get("subnet_id"), r, "aws_subnet")
    for net in r.blocks("network_configuration"):
        found += facts.index.follow(net.get("subnets"), r, "aws_subnet")
    return found


def world_open(facts: CloudFacts, w: CloudWorkload) -> list[FirewallRule]:
    return [rule for sg in w.security_groups for rule in facts.rules_of(sg) if rule.world]


def _exposure(facts: CloudFacts) -> None:
    idx = facts.index
    for w in facts.workloads:
        r = w.resource
        if r.type in ("aws_lb", "aws_alb", "aws_elb"):
            if r.get("internal") is not True and not is_unknown(r.get("internal")):
                w.public.append(f"internet-facing load balancer {r.ref}")
        elif r.type == "aws_api_gateway_rest_api":
            types = [t for cfg in r.blocks("endpoint_configuration") for t in strings(cfg.get("types"))]
            if "PRIVATE" not in types:
                w.public.append(f"{', '.join(types) or 'EDGE'} API endpoint {r.ref}")
        elif r.type == "aws_apigatewayv2_api":
            w.public.append(f"API endpoint {r.ref}")
        elif w.public_address:
            subnets = workload_subnets(facts, w)
            routed = [subnet_is_public(facts, sn) for sn in subnets]
            if subnets and all(x is False for x in routed):
                continue  # a public address in a subnet with no route to the internet
            opened = world_open(facts, w)
            if opened:
                rule = opened[0]
                w.public.append(f"{'; '.join(w.public_address)}; security group "
                                f"{rule.group.ref} allows {', '.join(rule.world)} on "
                                f"{rule.ports_text()}")
            elif not w.security_groups:
                w.public.append(f"{'; '.join(w.public_address)} (security groups not known)")
    # Targets of internet-facing load balancers are reachable through them.
    lbs = {id(w.resource): w for w in facts.workloads
           if w.resource.type in ("aws_lb", "aws_alb") and w.public}
    for target, lb, _ in lb_targets(facts):
        if id(lb.resource) in lbs and target is not lb:
            reason = f"behind internet-facing load balancer {lb.resource.ref}"
            if reason not in target.public:
                target.public.append(reason)
    # Functions and services behind a public API, and Lambda function URLs without auth.
    for integ in idx.of_type("aws_apigatewayv2_integration", "aws_api_gateway_integration"):
        apis = [facts.by_resource[id(x)] for x in idx.follow(integ.first("api_id", "rest_api_id"),
                                                              integ) if id(x) in facts.by_resource]
        for x in idx.follow(integ.first("integration_uri", "uri"), integ):
            behind = facts.by_resource.get(id(x))
            for api in apis:
                if behind is not None and api.public and behind is not api:
                    reason = f"behind public API {api.resource.ref}"
                    if reason not in behind.public:
                        behind.public.append(reason)
    for url in idx.of_type("aws_lambda_function_url"):
        if url.get("authorization_type") != "NONE":
            continue
        for fn in idx.follow(url.get("function_name"), url, "aws_lambda_function"):
            function = facts.by_resource.get(id(fn))
            if function is not None:
                function.public.append(f"function URL {url.ref} with authorization NONE")


def lb_targets(facts: CloudFacts) -> list[tuple[CloudWorkload, CloudWorkload, Location]]:
    """``(target workload, load balancer workload, where)`` through listeners and target groups."""
    idx = facts.index
    out: list[tuple[CloudWorkload, CloudWorkload, Location]] = []
    tg_lbs: dict[int, list[CloudWorkload]] = {}
    for listener in idx.of_type("aws_lb_listener", "aws_alb_listener"):
        lbs = [facts.by_resource[id(x)] for x in idx.follow(listener.get("load_balancer_arn"),
                                                               listener, "aws_lb", "aws_alb")
               if id(x) in facts.by_resource]
        refs = [a.get("target_group_arn") for a in listener.blocks("default_action")]
        refs += [f.get("target_group") for a in listener.blocks("default_action")
                 for f in blocks_of(a, "forward")]
        for tg in idx.follow(refs, listener, "aws_lb_target_group", "aws_alb_target_group"):
            tg_lbs.setdefault(id(tg), []).extend(lbs)
    for rule in idx.of_type("aws_lb_listener_rule"):
        listeners = idx.follow(rule.get("listener_arn"), rule, "aws_lb_listener")
        lbs = [facts.by_resource[id(x)] for lis in listeners
               for x in idx.follow(lis.get("load_balancer_arn"), lis, "aws_lb", "aws_alb")
               if id(x) in facts.by_resource]
        refs = [a.get("target_group_arn") for a in rule.blocks("action")]
        for tg in idx.follow(refs, rule, "aws_lb_target_group"):
            tg_lbs.setdefault(id(tg), []).extend(lbs)
    for w in facts.workloads:
        r = w.resource
        if r.type == "aws_ecs_service":
            for i, lb in enumerate(r.blocks("load_balancer")):
                for tg in idx.follow(lb.get("target_group_arn"), r, "aws_lb_target_group"):
                    out.extend((w, x, r.at("load_balancer", i)) for x in tg_lbs.get(id(tg), []))
    for att in idx.of_type("aws_lb_target_group_attachment"):
        targets = [facts.by_resource[id(x)] for x in idx.follow(att.get("target_id"), att)
                   if id(x) in facts.by_resource]
        for tg in idx.follow(att.get("target_group_arn"), att, "aws_lb_target_group"):
            out.extend((t, x, att.location) for t in targets for x in tg_lbs.get(id(tg), []))
    return out

