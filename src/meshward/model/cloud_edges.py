"""Service graph edges between cloud workloads, with evidence.

- a security group that admits another group: holders of the source group call the target;
- a load balancer forwarding to a target group: the load balancer calls the workload;
- environment values of task definitions and Lambda functions: a reference to another
  workload's resource (``aws_db_instance.orders.address``), or a URL naming a known service
  (the same address reading as for Kubernetes and compose);
- event sources: API Gateway integrations, Lambda permissions and event source mappings.
"""

from __future__ import annotations

from meshward.findings.finding import Confidence
from meshward.model.cloud import CloudResource, is_unknown
from meshward.model.cloud_facts import CloudFacts, CloudWorkload, cloud_facts, lb_targets
from meshward.model.edges import _value_edges, redact_url_passwords
from meshward.model.graph import Evidence, ServiceGraph
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import EnvVar


def add_cloud_edges(inv: Inventory, graph: ServiceGraph) -> None:
    if not inv.cloud_resources:
        return
    facts = cloud_facts(inv)
    _security_group_edges(facts, graph)
    for target, lb, where in lb_targets(facts):
        if target.service != lb.service:
            graph.add(lb.service, target.service, Evidence(
                "target-group", where, f"{lb.resource.ref} forwards to {target.resource.ref}",
                Confidence.HIGH))
    _env_edges(inv, facts, graph)
    _event_edges(facts, graph)
    _channel_edges(facts, graph)
    _endpoint_edges(inv, facts, graph)


def _security_group_edges(facts: CloudFacts, graph: ServiceGraph) -> None:
    holders: dict[int, list[CloudWorkload]] = {}
    for w in facts.workloads:
        for sg in w.security_groups:
            holders.setdefault(id(sg), []).append(w)
    for target in facts.workloads:
        for sg in target.security_groups:
            for rule in facts.rules_of(sg):
                for src_sg in rule.source_groups:
                    for caller in holders.get(id(src_sg), []):
                        if caller.service == target.service:
                            continue
                        port = rule.from_port if rule.from_port == rule.to_port else None
                        graph.add(caller.service, target.service, Evidence(
                            "security-group", rule.location,
                            f"{sg.ref} admits {src_sg.ref} on {rule.ports_text()}",
                            Confidence.MEDIUM, port=port))


PRIVATE_SUFFIXES = (".internal", ".local", ".lan", ".consul", ".svc", ".cluster.local")


def _private_zones(facts: CloudFacts) -> tuple[str, ...]:
    """Private DNS names of the cloud (Cloud Map namespaces, private Route 53 zones)."""
    zones = []
    for r in facts.index.of_type("aws_service_discovery_private_dns_namespace",
                                 "aws_route53_zone"):
        name = r.get("name")
        if isinstance(name, str) and (r.type.startswith("aws_service") or r.blocks("vpc")):
            zones.append("." + name.lower().strip("."))
    return tuple(zones)


def _env_edges(inv: Inventory, facts: CloudFacts, graph: ServiceGraph) -> None:
    names = {n.lower(): n for n in inv.services}
    private = PRIVATE_SUFFIXES + _private_zones(facts)
    for w in facts.workloads:
        frm = w.task_definition or w.resource
        for name, value, where in w.env_values:
            if is_unknown(value):
                for res in facts.index.references(str(getattr(value, "expression", "")), frm):
                    callee = facts.by_resource.get(id(res))
                    if callee is not None and callee.service != w.service:
                        graph.add(w.service, callee.service, Evidence(
                            "env", where, f"{name} = {res.ref}", Confidence.HIGH,
                            variable=name, value=str(getattr(value, "expression", ""))))
                continue

            def resolve(host: str) -> str | None:
                # the service's own name, or its name in a private zone (never a public host:
                # api.stripe.com is not the fleet's "api" service)
                first, _, rest = host.partition(".")
                if not rest:
                    return names.get(host)
                return names.get(first) if ("." + rest).endswith(private) else None

            if isinstance(value, str):
                _value_edges(graph, w.service, EnvVar(name, value, "literal", where), "env",
                             resolve)


def _callee(facts: CloudFacts, value: object, frm: CloudResource) -> list[CloudWorkload]:
    return [facts.by_resource[id(r)] for r in facts.index.follow(value, frm)
            if id(r) in facts.by_resource]


def _event_edges(facts: CloudFacts, graph: ServiceGraph) -> None:
    idx = facts.index
    for integ in idx.of_type("aws_apigatewayv2_integration", "aws_api_gateway_integration"):
        apis = _callee(facts, integ.first("api_id", "rest_api_id"), integ)
        targets = _callee(facts, integ.first("integration_uri", "uri"), integ)
        for api in apis:
            for t in targets:
                if api.service != t.service:
                    graph.add(api.service, t.service, Evidence(
                        "integration", integ.location, f"{integ.ref}: {api.resource.ref} -> "
                        f"{t.resource.ref}", Confidence.HIGH))
    for perm in idx.of_type("aws_lambda_permission"):
        functions = _callee(facts, perm.get("function_name"), perm)
        sources = _callee(facts, perm.get("source_arn"), perm)
        for src in sources:
            for fn in functions:
                if src.service != fn.service:
                    graph.add(src.service, fn.service, Evidence(
                        "lambda-permission", perm.location,
                        f"{perm.ref} lets {src.resource.ref} invoke {fn.resource.ref}",
                        Confidence.MEDIUM))
    for mapping in idx.of_type("aws_lambda_event_source_mapping"):
        functions = _callee(facts, mapping.get("function_name"), mapping)
        for src in _callee(facts, mapping.get("event_source_arn"), mapping):
            for fn in functions:
                if src.service != fn.service:
                    graph.add(src.service, fn.service, Evidence(
                        "event-source", mapping.location,
                        f"{mapping.ref}: {src.resource.ref} triggers {fn.resource.ref}",
                        Confidence.HIGH))


def _consumers(facts: CloudFacts) -> dict[int, list[tuple[CloudWorkload, CloudResource]]]:
    """Queues, topics, streams, tables and buckets -> the workloads they trigger, and how."""
    idx = facts.index
    out: dict[int, list[tuple[CloudWorkload, CloudResource]]] = {}

    def add(channel: CloudResource, fn: CloudWorkload, link: CloudResource) -> None:
        if id(channel) not in facts.by_resource:
            out.setdefault(id(channel), []).append((fn, link))

    for m in idx.of_type("aws_lambda_event_source_mapping"):
        for fn in _callee(facts, m.get("function_name"), m):
            for channel in idx.follow(m.get("event_source_arn"), m):
                add(channel, fn, m)
    for sub in idx.of_type("aws_sns_topic_subscription"):
        for topic in idx.follow(sub.get("topic_arn"), sub, "aws_sns_topic"):
            for fn in _callee(facts, sub.get("endpoint"), sub):
                add(topic, fn, sub)
    for perm in idx.of_type("aws_lambda_permission"):
        for fn in _callee(facts, perm.get("function_name"), perm):
            for channel in idx.follow(perm.get("source_arn"), perm):
                add(channel, fn, perm)
    return out


def _channel_edges(facts: CloudFacts, graph: ServiceGraph) -> None:
    """A workload that names a queue or topic in its environment calls, through it, the
    functions that queue or topic triggers."""
    consumers = _consumers(facts)
    if not consumers:
        return
    idx = facts.index
    for w in facts.workloads:
        frm = w.task_definition or w.resource
        for name, value, where in w.env_values:
            if is_unknown(value):
                channels = list(idx.references(str(getattr(value, "expression", "")), frm))
            else:
                channels = idx.follow(value, frm) if isinstance(value, str) else []
            for channel in channels:
                for fn, link in consumers.get(id(channel), []):
                    if fn.service != w.service:
                        graph.add(w.service, fn.service, Evidence(
                            "event-source", where,
                            f"{name} names {channel.ref}, which triggers {fn.resource.ref} "
                            f"({link.ref})", Confidence.MEDIUM, variable=name))


# Managed datastore endpoints name their resource in the first label:
# orders-db.c9akciq32.eu-west-1.rds.amazonaws.com, master.sessions.abc123.euw1.cache.amazonaws.com
_ENDPOINT_SUFFIXES = (".rds.amazonaws.com", ".cache.amazonaws.com")
_ENDPOINT_PREFIXES = ("master", "replica", "primary", "reader", "configuration", "clustercfg")


def _endpoint_edges(inv: Inventory, facts: CloudFacts, graph: ServiceGraph) -> None:
    """Any service (Kubernetes, compose or cloud) whose environment holds the endpoint of an
    RDS or ElastiCache resource of the scan calls that datastore's service."""
    from meshward.model.edges import addresses_in

    stores: dict[str, str] = {}
    for w in facts.workloads:
        if w.resource.type.startswith(("aws_db_", "aws_rds_", "aws_elasticache_")):
            for key in ("identifier", "cluster_identifier", "cluster_id", "replication_group_id"):
                value = w.resource.get(key)
                if isinstance(value, str) and value:
                    stores[value.lower()] = w.service
    if not stores:
        return
    for svc in inv.services.values():
        values = list(svc.env)
        for w in facts.workloads:
            if w.service == svc.name:
                values.extend(w.env)
        for ev in values:
            if not ev.value or ".amazonaws.com" not in ev.value:
                continue
            for addr in addresses_in(ev.value):
                if not addr.host.endswith(_ENDPOINT_SUFFIXES):
                    continue
                labels = addr.host.split(".")
                name = labels[1] if labels[0] in _ENDPOINT_PREFIXES and len(labels) > 1 \
                    else labels[0]
                target = stores.get(name)
                if target and target != svc.name:
                    graph.add(svc.name, target, Evidence(
                        "env", ev.location, f"{ev.name}={redact_url_passwords(ev.value)}",
                        Confidence.HIGH, addr.scheme, addr.port, ev.name, ev.value))
