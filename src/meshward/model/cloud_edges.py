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
from meshward.model.edges import _value_edges
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
