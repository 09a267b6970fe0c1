"""Cloud workloads join the inventory's services: one more deployment of a logical service.

An ECS service named ``orders`` and a Kubernetes Deployment ``orders`` are one service with two
deployments, as compose and Kubernetes are. The environment is the cloud resource's own:
``terraform`` (scope: the root module folder) or ``aws`` (scope: the region).
"""

from __future__ import annotations

from meshward.model.cloud import is_unknown
from meshward.model.cloud_facts import CloudWorkload, cloud_facts
from meshward.model.inventory import Deployment, Exposure, Inventory, Service

SERVICE_TAG = "meshward.io/service"

# What a cloud resource type is in a fleet, and the suffix that keeps it apart from a service of
# another role with the same name (an RDS instance "orders" is not the orders application).
ROLES: dict[str, tuple[str, str]] = {
    "aws_ecs_service": ("compute", "app"), "aws_lambda_function": ("compute", "app"),
    "aws_instance": ("compute", "app"),
    "aws_db_instance": ("datastore", "db"), "aws_rds_cluster": ("datastore", "db"),
    "aws_elasticache_cluster": ("datastore", "cache"),
    "aws_elasticache_replication_group": ("datastore", "cache"),
    "aws_lb": ("edge", "lb"), "aws_alb": ("edge", "lb"), "aws_elb": ("edge", "lb"),
    "aws_api_gateway_rest_api": ("edge", "api"), "aws_apigatewayv2_api": ("edge", "api"),
}


def _role(dep: Deployment) -> str:
    if dep.kind in ROLES:
        return ROLES[dep.kind][0]
    from meshward.checks.ports import datastore_of_image, datastore_of_name

    if any(datastore_of_image(i) for i in dep.images) or (
            not dep.images and datastore_of_name(dep.name)):
        return "datastore"
    return "compute"


def environment_parts(environment: str) -> tuple[str, str]:
    kind, _, scope = environment.partition(":")
    return kind or "cloud", scope


def build_cloud_services(inv: Inventory) -> None:
    """Add a deployment per cloud workload to ``inv.services`` (creating services as needed)."""
    if not inv.cloud_resources:
        return
    facts = cloud_facts(inv)
    rank = {"compute": 0, "edge": 1, "datastore": 2}  # applications keep the plain names
    for w in sorted(facts.workloads, key=lambda w: rank[ROLES.get(w.resource.type,
                                                                   ("compute", ""))[0]]):
        tags = w.resource.get("tags")
        name = w.service
        if isinstance(tags, dict) and isinstance(tags.get(SERVICE_TAG), str):
            name = str(tags[SERVICE_TAG])
            w.service = name
        role, suffix = ROLES.get(w.resource.type, ("compute", "app"))
        existing = inv.services.get(name)
        if existing is not None and existing.deployments and not any(
                _role(d) == role for d in existing.deployments):
            name = f"{name}-{suffix}"  # same name, another role: not the same service
            w.service = name
        svc = inv.services.get(name)
        if svc is None:
            svc = inv.services[name] = Service(name=name)
        svc.cloud_resources.append(w.resource)
        svc.deployments.append(_deployment(w))
        if isinstance(tags, dict):
            for key in ("owner", "team", "Owner", "Team"):
                if isinstance(tags.get(key), str):
                    svc.owners[key.lower()] = str(tags[key])
    inv.services = dict(sorted(inv.services.items()))


# the attribute that makes a workload public, where one attribute does
_EXPOSED_BY = {"aws_lb": "internal", "aws_alb": "internal", "aws_elb": "internal",
               "aws_db_instance": "publicly_accessible", "aws_rds_cluster_instance":
               "publicly_accessible", "aws_instance": "associate_public_ip_address"}


def _deployment(w: CloudWorkload) -> Deployment:
    r = w.resource
    env, scope = environment_parts(r.environment)
    dep = Deployment(env, scope, r.type, w.service, r.location, images=sorted(set(w.images)),
                     ports=list(w.ports), exposure=Exposure.CLUSTER,
                     identity=", ".join(w.role_refs))
    if w.public:
        dep.exposure = Exposure.PUBLIC
        dep.exposure_reasons.extend(w.public)
    elif is_unknown(r.get(_EXPOSED_BY.get(r.type, ""))):
        # never guessed: an unresolved `internal`/`publicly_accessible` may well be public
        attr = _EXPOSED_BY[r.type]
        dep.exposure_reasons.append(
            f"{attr} = {getattr(r.get(attr), 'expression', '') or '?'} is not known: "
            "public or not is not judged")
    else:
        dep.exposure_reasons.append(f"{w.kind} inside its VPC")
    return dep
