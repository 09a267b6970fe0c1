"""Shared helpers of the cloud rules (MWC01-MWC99): facts, references, IAM policy statements.

Cloud rules read only :class:`CloudResource` in Terraform's attribute schema, through the facts
of :mod:`meshward.model.cloud_facts`, so each runs the same on Terraform source, plans and a
live account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.cloud import CloudResource, is_unknown
from meshward.model.cloud_facts import CloudFacts, cloud_facts
from meshward.model.source import Location

ADMIN_PORTS: dict[int, str] = {
    22: "SSH", 23: "Telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 2375: "Docker API",
    2376: "Docker API", 10250: "kubelet", 6443: "Kubernetes API", 2379: "etcd", 5900: "VNC",
}
DATASTORE_PORTS: dict[int, str] = {
    5432: "PostgreSQL", 3306: "MySQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB",
    6379: "Redis", 11211: "Memcached", 9200: "Elasticsearch", 9300: "Elasticsearch",
    5601: "Kibana", 9042: "Cassandra", 5672: "RabbitMQ", 15672: "RabbitMQ management",
    9092: "Kafka", 2181: "ZooKeeper", 8086: "InfluxDB", 7000: "Cassandra", 26257: "CockroachDB",
}
SENSITIVE_PORTS: dict[int, str] = {**ADMIN_PORTS, **DATASTORE_PORTS}
WORLD_SOURCES = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"})


def facts(ctx: ScanContext) -> CloudFacts:
    return cloud_facts(ctx.inventory)


def cloud_ref(r: CloudResource) -> ResourceRef:
    """``aws_security_group/web`` (``module.net.web`` inside a module; the id when live)."""
    name = r.address.replace(f"{r.type}.", "", 1) if r.address and not r.address.startswith(
        "arn:") else r.name
    return ResourceRef(r.type, name or r.name)


def hit(ctx: ScanContext, r: CloudResource, message: str, where: Location | None = None,
        evidence: str = "", key: str = "", severity: Severity | None = None,
        confidence: Confidence | None = None) -> Hit:
    """A finding about cloud resource ``r``, naming the service it belongs to when it has one."""
    f = facts(ctx)
    w = f.by_resource.get(id(r))
    services = affected_services(ctx).get(id(r), [])
    service = w.service if w is not None else services[0] if len(services) == 1 else None
    extra: tuple[tuple[str, str], ...] = (("environment", r.environment), ("address", r.ref))
    if services and w is None:  # a workload's own finding names it as its service
        extra += (("services", ", ".join(services)),)
    return Hit(message, where or r.location, cloud_ref(r), service, evidence,
               key=key or r.ref, severity=severity, confidence=confidence, extra=extra)


_PART_OF = (("aws_lb_listener", "load_balancer_arn"), ("aws_alb_listener", "load_balancer_arn"),
            ("aws_apigatewayv2_stage", "api_id"), ("aws_apigatewayv2_route", "api_id"),
            ("aws_api_gateway_stage", "rest_api_id"), ("aws_api_gateway_method", "rest_api_id"),
            ("aws_lambda_function_url", "function_name"))


def affected_services(ctx: ScanContext) -> dict[int, list[str]]:
    """``id(resource) -> services`` it serves: a workload's own resources, its task definition,
    security groups (and their separate rule resources), roles (with IRSA users) and the
    policies those roles hold. Findings carry them as data, not only in the message."""
    from meshward.cache import once

    def build() -> dict[int, list[str]]:
        f = facts(ctx)
        out: dict[int, set[str]] = {}
        for w in f.workloads:
            for res in (w.resource, w.task_definition, *w.security_groups):
                if res is not None:
                    out.setdefault(id(res), set()).add(w.service)
        for role in f.index.of_type("aws_iam_role"):
            users = f.role_users(role)
            if users:
                out.setdefault(id(role), set()).update(users)
        for rule in f.all_rules():
            if rule.owner is not rule.group and id(rule.group) in out:
                out.setdefault(id(rule.owner), set()).update(out[id(rule.group)])
        for rtype, attr in _PART_OF:  # listeners, stages, routes, function URLs
            for part in f.index.of_type(rtype):
                for whole in f.index.follow(part.get(attr), part):
                    if id(whole) in out:
                        out.setdefault(id(part), set()).update(out[id(whole)])
        for pol in policies(ctx):
            for holder in pol.holders:
                if id(holder) in out:
                    out.setdefault(id(pol.resource), set()).update(out[id(holder)])
        return {k: sorted(v) for k, v in out.items()}

    return once(ctx.inventory, "cloud.affected_services", build)


def named(ctx: ScanContext, value: Any, frm: CloudResource, *types: str) -> str:
    """What an attribute names, for a message: a literal as written, else the resources of
    ``types`` it refers to (their ``name`` attribute, or address), else its expression."""
    if isinstance(value, str):
        return value
    found = facts(ctx).index.follow(value, frm, *types) if types else []
    return ", ".join(str(r.get("name")) if isinstance(r.get("name"), str) else r.ref
                     for r in found) or str(getattr(value, "expression", "") or "?")


def resources(ctx: ScanContext, *types: str) -> list[CloudResource]:
    return facts(ctx).index.of_type(*types)


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def falsy(value: Any) -> bool:
    """Explicitly false, or absent (None): a default of false. Unknown is never falsy here."""
    if is_unknown(value):
        return False
    return value is None or value is False or (isinstance(value, str) and value.lower() == "false")


def as_list(value: Any) -> list[Any]:
    if value is None or is_unknown(value):
        return []
    return value if isinstance(value, list) else [value]


def port_label(port: int) -> str:
    name = SENSITIVE_PORTS.get(port)
    return f"{port} ({name})" if name else str(port)


# --- IAM policy documents -------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    principals: tuple[str, ...]
    has_condition: bool
    sid: str = ""

    @property
    def allow(self) -> bool:
        return self.effect.lower() == "allow"


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _principals(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        return tuple(v for item in value.values() for v in _strs(item))
    return ()


def statements(document: Any) -> list[Statement] | None:
    """The statements of a policy document (a JSON string or a mapping); None when unknown."""
    if document is None:
        return None
    if is_unknown(document):
        # A JSON heredoc with interpolations inside its strings ("Resource": "${aws_s3_bucket
        # .b.arn}/*") is still JSON: the interpolations stay as text, never equal to "*".
        text = str(getattr(document, "expression", "")).strip()
        if not text.startswith("{"):
            return None
        document = text
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except (json.JSONDecodeError, RecursionError):
            return None
    if not isinstance(document, dict):
        return None
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    out = []
    for st in items:
        if not isinstance(st, dict):
            continue
        out.append(Statement(str(st.get("Effect", "Allow")), _strs(st.get("Action")),
                             _strs(st.get("NotAction")), _strs(st.get("Resource")),
                             _principals(st.get("Principal")), bool(st.get("Condition")),
                             str(st.get("Sid") or "")))
    return out


def action_matches(pattern: str, action: str) -> bool:
    """IAM action wildcard match (case-insensitive ``*`` and ``?``)."""
    import fnmatch

    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def grants(st: Statement, action: str) -> bool:
    if not st.allow:
        return False
    if st.not_actions:
        return not any(action_matches(p, action) for p in st.not_actions)
    return any(action_matches(p, action) for p in st.actions)


@dataclass(frozen=True)
class Policy:
    """A policy document attached somewhere: who holds it and where it is written."""

    resource: CloudResource
    attribute: str
    document: Any
    holders: tuple[CloudResource, ...]  # roles, users or groups it applies to
    index: int | None = None  # the inline_policy block it comes from

    @property
    def location(self) -> Location:
        return self.resource.at(self.attribute, self.index)


def policies(ctx: ScanContext) -> list[Policy]:
    """Every identity policy: managed, inline and role-embedded, with the identities holding it."""
    from meshward.cache import once

    return once(ctx.inventory, "cloud.policies", lambda: _policies(facts(ctx)))


def _policies(f: CloudFacts) -> list[Policy]:
    idx = f.index
    out: list[Policy] = []
    holders: dict[int, list[CloudResource]] = {}
    for att in idx.of_type("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
                           "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"):
        for pol in idx.follow(att.get("policy_arn"), att, "aws_iam_policy"):
            for key in ("role", "user", "group", "roles", "users", "groups"):
                holders.setdefault(id(pol), []).extend(
                    idx.follow(att.get(key), att, "aws_iam_role", "aws_iam_user", "aws_iam_group"))
    for role in idx.of_type("aws_iam_role"):
        for pol in idx.follow(role.get("managed_policy_arns"), role, "aws_iam_policy"):
            holders.setdefault(id(pol), []).append(role)
    for pol in idx.of_type("aws_iam_policy"):
        out.append(Policy(pol, "policy", pol.get("policy"), tuple(holders.get(id(pol), []))))
    for pol in idx.of_type("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"):
        owners = idx.follow([pol.get("role"), pol.get("user"), pol.get("group")], pol,
                            "aws_iam_role", "aws_iam_user", "aws_iam_group")
        out.append(Policy(pol, "policy", pol.get("policy"), tuple(owners)))
    for role in idx.of_type("aws_iam_role"):
        for i, block in enumerate(role.blocks("inline_policy")):
            if block.get("policy") is not None:
                out.append(Policy(role, "inline_policy", block.get("policy"), (role,), i))
    return out


def managed_arns(ctx: ScanContext, role: CloudResource) -> list[tuple[str, Location]]:
    """AWS-managed policy ARNs attached to a role (attachments or ``managed_policy_arns``)."""
    idx = facts(ctx).index
    out: list[tuple[str, Location]] = []
    for arn in as_list(role.get("managed_policy_arns")):
        if isinstance(arn, str):
            out.append((arn, role.at("managed_policy_arns")))
    for att in idx.of_type("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        arn = att.get("policy_arn")
        if isinstance(arn, str) and role in idx.follow([att.get("role"), att.get("roles")], att,
                                                        "aws_iam_role"):
            out.append((arn, att.at("policy_arn")))
    return out


def holders_text(ctx: ScanContext, holders: tuple[CloudResource, ...]) -> str:
    """``role orders-task (used by orders)`` for a message."""
    f = facts(ctx)
    parts = []
    for h in holders:
        kind = h.type.removeprefix("aws_iam_")
        label = h.get("name") if isinstance(h.get("name"), str) else h.name
        used = f.role_users(h) if h.type == "aws_iam_role" else []
        parts.append(f"{kind} {label}" + (f" (used by {', '.join(used)})" if used else ""))
    return "; ".join(parts) if parts else "no identity in the scanned tree"


def findings_once(items: Iterator[Hit]) -> Iterator[Hit]:
    seen: set[tuple[str, int, str]] = set()
    for h in items:
        k = (h.location.path, h.location.line, h.key)
        if k not in seen:
            seen.add(k)
            yield h
