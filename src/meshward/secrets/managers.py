"""Where each service's secrets come from: a manager, Kubernetes Secrets, or literals.

Managers recognised: Vault agent injector annotations, the Secrets Store CSI driver
(SecretProviderClass), External Secrets (ExternalSecret targets), and references to
cloud secret managers (AWS Secrets Manager/SSM ARNs, GCP Secret Manager names,
Azure Key Vault references).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from meshward.model.inventory import Inventory
from meshward.model.kubernetes import Workload
from meshward.model.source import Location, as_map, as_seq
from meshward.secrets.generic import judge

VAULT_PREFIX = "vault.hashicorp.com/agent-inject"
CSI_DRIVER = "secrets-store.csi.k8s.io"
_CLOUD_REF = re.compile(r"arn:aws[\w-]*:(?:secretsmanager|ssm):|projects/[^/\s]+/secrets/|^sm://"
                        r"|@Microsoft\.KeyVault\(|vault\.azure\.net/secrets/|^gcp:secretmanager:",
                        re.IGNORECASE)

MANAGER_KINDS = ("vault-agent", "csi", "external-secrets", "cloud")


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # vault-agent | csi | external-secrets | cloud | k8s-secret | sealed-secret | literal | compose-secret
    detail: str
    location: Location

    @property
    def is_manager(self) -> bool:
        return self.kind in MANAGER_KINDS


@dataclass
class ServiceSecrets:
    service: str
    sources: list[Source] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.sources})

    @property
    def managed(self) -> bool:
        return any(s.is_manager for s in self.sources)


def _targets(inv: Inventory) -> dict[tuple[str, str], str]:
    """(namespace, Secret name) -> how that Secret is produced, when not a plain manifest."""
    out: dict[tuple[str, str], str] = {}
    for obj in inv.by_kind("ExternalSecret"):
        target = as_map(obj.spec.get("target")).get("name") or obj.name
        out[(obj.namespace, str(target))] = "external-secrets"
    for obj in inv.by_kind("SealedSecret"):
        tmpl = as_map(as_map(obj.spec.get("template")).get("metadata")).get("name") or obj.name
        out[(obj.namespace, str(tmpl))] = "sealed-secret"
    for obj in inv.by_kind("SecretProviderClass"):
        for so in as_seq(obj.spec.get("secretObjects")):
            name = as_map(so).get("secretName")
            if name:
                out[(obj.namespace, str(name))] = "csi"
    return out


def _workload_sources(w: Workload, targets: dict[tuple[str, str], str]) -> list[Source]:
    out: list[Source] = []
    ann = {**w.obj.annotations, **w.pod_annotations}
    if any(k.startswith(VAULT_PREFIX) for k in ann) and ann.get(VAULT_PREFIX, "true") != "false":
        out.append(Source("vault-agent", "Vault agent injector annotations", w.obj.location))

    def secret(name: str, where: Location, how: str) -> None:
        kind = targets.get((w.namespace, name), "k8s-secret")
        out.append(Source(kind, f"Secret {name} ({how})", where))

    for i, vol in enumerate(as_seq(w.pod_spec.get("volumes"))):
        vol = as_map(vol)
        csi = as_map(vol.get("csi"))
        if csi.get("driver") == CSI_DRIVER:
            spc = as_map(csi.get("volumeAttributes")).get("secretProviderClass", "")
            out.append(Source("csi", f"SecretProviderClass {spc}", w.pod_at("volumes", i)))
        name = as_map(vol.get("secret")).get("secretName")
        if name:
            secret(str(name), w.pod_at("volumes", i), "volume")
        for src in as_seq(as_map(vol.get("projected")).get("sources")):
            pname = as_map(as_map(src).get("secret")).get("name")
            if pname:
                secret(str(pname), w.pod_at("volumes", i), "projected volume")
    for c in w.containers:
        for env in c.env:
            if env.source == "secretKeyRef" and env.ref_name:
                secret(env.ref_name, env.location, f"env {env.name}")
            elif env.source == "literal" and env.value is not None:
                if _CLOUD_REF.search(env.value):
                    out.append(Source("cloud", f"env {env.name} references a cloud secret manager",
                                      env.location))
                elif judge(env.name, env.value, "deploy"):
                    out.append(Source("literal", f"env {env.name}", env.location))
        for j, ef in enumerate(as_seq(c.body.get("envFrom"))):
            ref = as_map(as_map(ef).get("secretRef")).get("name")
            if ref:
                secret(str(ref), c.at("envFrom", j), "envFrom")
    return out


def secret_sources(inv: Inventory) -> dict[str, ServiceSecrets]:
    """For every service that uses secrets, where they come from."""
    targets = _targets(inv)
    cloud = _cloud_sources(inv) if inv.cloud_resources else {}
    result: dict[str, ServiceSecrets] = {}
    for name, svc in sorted(inv.services.items()):
        sources: list[Source] = list(cloud.get(name, ()))
        for w in svc.workloads:
            sources.extend(_workload_sources(w, targets))
        for cs in svc.compose_services:
            for env in cs.environment:
                if env.source != "literal" or env.value is None:
                    continue
                if _CLOUD_REF.search(env.value):
                    sources.append(Source("cloud", f"env {env.name}", env.location))
                elif judge(env.name, env.value, "deploy"):
                    sources.append(Source("literal", f"env {env.name}", env.location))
            for s in cs.secrets:
                sources.append(Source("compose-secret", f"secret {s}", cs.location))
        if sources:
            result[name] = ServiceSecrets(name, sources)
    return result


def _cloud_sources(inv: Inventory) -> dict[str, list[Source]]:
    """ECS task definition ``secrets`` (``valueFrom`` a Secrets Manager/SSM ARN) and literal
    secret values in ECS/Lambda environments, per cloud service."""
    from meshward.model.cloud import is_unknown
    from meshward.model.cloud_facts import cloud_facts, containers

    out: dict[str, list[Source]] = {}
    for w in cloud_facts(inv).workloads:
        found = out.setdefault(w.service, [])
        if w.task_definition is not None:
            where = w.task_definition.at("container_definitions")
            for c in containers(w.task_definition):
                for sec in as_seq(c.get("secrets")):
                    ref = as_map(sec).get("valueFrom")
                    if isinstance(as_map(sec).get("name"), str) and \
                            (is_unknown(ref) or (isinstance(ref, str) and ref)):
                        found.append(Source("cloud", f"secret {sec['name']} (valueFrom)", where))
        for env_name, value, where in w.env_values:
            if isinstance(value, str) and judge(env_name, value, "deploy"):
                found.append(Source("literal", f"env {env_name}", where))
    return out
