"""Group workloads and compose services into logical services, and say how exposed they are."""

from __future__ import annotations

from meshward.model.compose import ComposeService
from meshward.model.inventory import Deployment, Exposure, Inventory, Service
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location, as_map, as_seq

SERVICE_ANNOTATION = "meshward.io/service"
OWNER_KEYS = ("owner", "team", "app.kubernetes.io/part-of", "backstage.io/owner", "meshward.io/owner")


def selector_matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """Equality selector semantics: every key/value must be present. Empty matches nothing here."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def service_name_for_workload(w: Workload) -> str:
    return w.obj.annotations.get(SERVICE_ANNOTATION) or w.name


def dns_names(svc: K8sObject) -> set[str]:
    name, ns = svc.name, svc.namespace
    return {name, f"{name}.{ns}", f"{name}.{ns}.svc", f"{name}.{ns}.svc.cluster.local"}


def k8s_service_selects(svc: K8sObject, w: Workload) -> bool:
    if svc.namespace != w.namespace:
        return False
    raw = as_map(svc.spec.get("selector"))
    selector = {str(k): str(v) for k, v in raw.items()}
    return selector_matches(selector, w.pod_labels)


def _owners(labels: dict[str, str], annotations: dict[str, str]) -> dict[str, str]:
    merged = {**labels, **annotations}
    return {k: v for k, v in merged.items() if k in OWNER_KEYS or k.endswith("/owner")}


def build_services(inv: Inventory) -> None:
    """Fill ``inv.services``: one logical service per name across every environment."""
    services: dict[str, Service] = {}

    def get(name: str) -> Service:
        if name not in services:
            services[name] = Service(name=name)
        return services[name]

    k8s_services = inv.by_kind("Service")
    ingresses = inv.by_kind("Ingress")
    ingress_backends = _ingress_backends(ingresses)
    # Index Services by one (namespace, key, value) of their selector, so matching a workload
    # looks only at Services that share one of its labels (linear, not workloads x Services).
    # The same Service defined in several files is one group (one name in one namespace).
    groups: dict[tuple[str, str], list[K8sObject]] = {}
    for ks in k8s_services:
        groups.setdefault((ks.namespace, ks.name), []).append(ks)
    selectors: dict[tuple[str, str], dict[str, str]] = {}
    by_label: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    own_selector = {id(ks): {str(k): str(v) for k, v in as_map(ks.spec.get("selector")).items()}
                    for ks in k8s_services}
    # Within a group, copies with the same selector select the same workloads: match once.
    same_selector: dict[tuple[str, str], list[tuple[dict[str, str], list[K8sObject]]]] = {}
    for gkey, objs in groups.items():
        sel = own_selector[id(objs[0])]
        if sel:
            selectors[gkey] = sel
            k, v = min(sel.items())
            by_label.setdefault((gkey[0], k, v), []).append(gkey)
        by_own: dict[tuple[tuple[str, str], ...], tuple[dict[str, str], list[K8sObject]]] = {}
        for ks in objs:
            own = own_selector[id(ks)]
            by_own.setdefault(tuple(sorted(own.items())), (own, []))[1].append(ks)
        same_selector[gkey] = list(by_own.values())
    selected: dict[int, list[Workload]] = {}  # id(list of alike Services) -> workloads selected
    assigned: set[tuple[str, str]] = set()
    exposures: dict[tuple[str, str], tuple[Exposure, str]] = {}
    for gkey, objs in groups.items():
        best = max((_service_exposure(o) for o in objs), key=lambda e: e[0].rank)
        if gkey in ingress_backends:
            best = (Exposure.PUBLIC, f"Ingress {ingress_backends[gkey]} routes to Service {gkey[1]}")
        exposures[gkey] = best
    for w in inv.workloads:
        name = service_name_for_workload(w)
        svc = get(name)
        svc.workloads.append(w)
        inv.assign(w, name)
        svc.owners.update(_owners(w.obj.labels, w.obj.annotations))
        dep = Deployment("kubernetes", w.namespace, w.kind, w.name, w.obj.location,
                         images=[c.image for c in w.containers if c.image],
                         ports=sorted({p.port for c in w.containers for p in c.ports}),
                         identity=w.service_account)
        if w.pod_spec.get("hostNetwork") is True:
            dep.exposure = Exposure.NODE
            dep.exposure_reasons.append("hostNetwork: every port is on the node")
        for c in w.containers:
            for p in c.ports:
                if p.host_port:
                    dep.exposure = dep.exposure.widest(Exposure.NODE)
                    dep.exposure_reasons.append(f"hostPort {p.host_port}")
        labels = w.pod_labels
        candidates = {g for k, v in labels.items() for g in by_label.get((w.namespace, k, v), ())}
        for gkey in sorted(candidates):
            if not selector_matches(selectors[gkey], labels):
                continue
            for own, alike in same_selector[gkey]:
                if selector_matches(own, labels):
                    selected.setdefault(id(alike), []).append(w)
            if gkey not in assigned:
                assigned.add(gkey)
                for ks in groups[gkey]:
                    if inv.service_name_of(ks) is None:
                        svc.k8s_services.append(ks)
                        inv.assign(ks, name)
            svc.dns_names.update(dns_names(groups[gkey][0]))
            exposure, reason = exposures[gkey]
            dep.exposure = dep.exposure.widest(exposure)
            if reason not in dep.exposure_reasons:
                dep.exposure_reasons.append(reason)
        svc.deployments.append(dep)
    for alikes in same_selector.values():
        for _, alike in alikes:
            for copy in alike:
                inv.record_selections(copy, selected.get(id(alike), []))
    # A Service without selector, or selecting nothing, names a service by its own name.
    for ks in k8s_services:
        if inv.service_name_of(ks) is not None:
            continue
        if ks.name in services:
            services[ks.name].k8s_services.append(ks)
            inv.assign(ks, ks.name)
            services[ks.name].dns_names.update(dns_names(ks))
    for cf in inv.compose_files:
        for cs in cf.services:
            svc = get(cs.labels.get(SERVICE_ANNOTATION) or cs.name)
            svc.compose_services.append(cs)
            inv.assign(cs, svc.name)
            svc.dns_names.update({cs.name, cs.hostname} - {""})
            svc.owners.update(_owners(cs.labels, {}))
            svc.deployments.append(_compose_deployment(cf.path, cs))
    inv.services = dict(sorted(services.items()))


def _service_exposure(ks: K8sObject) -> tuple[Exposure, str]:
    kind = str(ks.spec.get("type") or "ClusterIP")
    if as_seq(ks.spec.get("externalIPs")):
        return Exposure.PUBLIC, f"Service {ks.name} has externalIPs"
    if kind == "LoadBalancer":
        return Exposure.PUBLIC, f"Service {ks.name} is a LoadBalancer"
    if kind == "NodePort":
        return Exposure.NODE, f"Service {ks.name} is a NodePort"
    if kind == "ExternalName":
        return Exposure.INTERNAL, f"Service {ks.name} is an ExternalName alias"
    return Exposure.CLUSTER, f"Service {ks.name} (ClusterIP) inside the cluster"


def _ingress_backends(ingresses: list[K8sObject]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for ing in ingresses:
        backends = []
        default = as_map(ing.spec.get("defaultBackend") or ing.spec.get("backend"))
        backends.append(default)
        for rule in as_seq(ing.spec.get("rules")):
            for path in as_seq(as_map(as_map(rule).get("http")).get("paths")):
                backends.append(as_map(as_map(path).get("backend")))
        for b in backends:
            name = as_map(b.get("service")).get("name") or b.get("serviceName")
            if isinstance(name, str):
                out[(ing.namespace, name)] = ing.name
    return out


def _compose_deployment(path: str, cs: ComposeService) -> Deployment:
    dep = Deployment("compose", path, "ComposeService", cs.name, Location(path, cs.body.line),
                     images=[cs.image] if cs.image else [],
                     ports=sorted({p.target for p in cs.ports if p.target} | set(cs.expose)),
                     exposure=Exposure.CLUSTER)
    if cs.network_mode == "host":
        dep.exposure = Exposure.NODE
        dep.exposure_reasons.append("network_mode: host puts every port on the host")
    for p in cs.ports:
        if p.on_all_interfaces:
            dep.exposure = dep.exposure.widest(Exposure.NODE)
            dep.exposure_reasons.append(f"port {p.published}->{p.target} published on all host interfaces")
        elif p.is_published:
            dep.exposure_reasons.append(f"port {p.published}->{p.target} published on {p.host_ip} only")
    if cs.network_mode == "none":
        dep.exposure = Exposure.INTERNAL
    return dep
