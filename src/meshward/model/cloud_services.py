"""Cloud workloads join the inventory's services: one more deployment of a logical service.

An ECS service named ``orders`` and a Kubernetes Deployment ``orders`` are one service with two
deployments, as compose and Kubernetes are. The environment is the cloud resource's own:
``terraform`` (scope: the root module folder) or ``aws`` (scope: the region).
"""

from __future__ import annotations

from meshward.model.cloud_facts import CloudWorkload, cloud_facts
from meshward.model.inventory import Deployment, Exposure, Inventory, Service

SERVICE_TAG = "meshward.io/service"


def environment_parts(environment: str) -> tuple[str, str]:
    kind, _, scope = environment.partition(":")
    return kind or "cloud", scope


def build_cloud_services(inv: Inventory) -> None:
    """Add a deployment per cloud workload to ``inv.services`` (creating services as needed)."""
    if not inv.cloud_resources:
        return
    facts = cloud_facts(inv)
    for w in facts.workloads:
        tags = w.resource.get("tags")
        name = w.service
        if isinstance(tags, dict) and isinstance(tags.get(SERVICE_TAG), str):
            name = str(tags[SERVICE_TAG])
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


def _deployment(w: CloudWorkload) -> Deployment:
    r = w.resource
    env, scope = environment_parts(r.environment)
    dep = Deployment(env, scope, r.type, w.service, r.location, images=sorted(set(w.images)),
                     ports=list(w.ports), exposure=Exposure.CLUSTER,
                     identity=", ".join(w.role_refs))
    if w.public:
        dep.exposure = Exposure.PUBLIC
        dep.exposure_reasons.extend(w.public)
    else:
        dep.exposure_reasons.append(f"{w.kind} inside its VPC")
    return dep
