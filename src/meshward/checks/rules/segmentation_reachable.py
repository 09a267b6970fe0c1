"""MW503: a workload reachable from everywhere according to the NetworkPolicies."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.inventory import Exposure
from meshward.model.source import Location
from meshward.zerotrust.netpol import evaluate


@rule(
    id="MW503",
    title="Workload reachable from everywhere despite NetworkPolicies",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-PORTS"),
    cwe="CWE-923",
    rationale=(
        "In a namespace that uses NetworkPolicies, a workload that no policy selects for "
        "ingress (or that a rule opens to every source) is the gap: any pod of the cluster, "
        "and any address that can route to it, can connect. Segmentation is only as strong "
        "as its least isolated workload."
    ),
    remediation=(
        "Select the workload with an ingress policy (or add a namespace default deny) and "
        "list its real callers in `from`. For a public entry point, restrict the open rule "
        "to the serving port and put the gateway in front."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/",),
    example_fail=("kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: db}}\n"
                  "  ingress:\n  - ports: [{port: 5432}]   # no `from`: every source"),
    example_pass=("kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: db}}\n"
                  "  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n"
                  "    ports: [{port: 5432}]"),
)
def reachable_from_everywhere(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    if not inv.workloads:
        return
    seg = evaluate(inv)
    published = {name for name, svc in inv.services.items()
                 if svc.exposure in (Exposure.PUBLIC, Exposure.NODE)}
    for pod in seg.pods:
        w = pod.workload
        svc_name = inv.service_name_of(w)
        public = svc_name in published
        if not seg.isolated(pod, "ingress"):
            users = [p for p in seg.policies_in(pod.namespace) if p.isolates("ingress")]
            if not users:
                continue  # a namespace without any policy is MW501's finding
            yield Hit(f"{pod.name} is selected by no ingress NetworkPolicy although its "
                      f"namespace uses them ({users[0].label}): any pod and any address that "
                      f"can route to it may connect on every port", w.obj.location, w.ref,
                      svc_name, "not isolated for ingress", key="not-isolated")
            continue
        for pol, r in seg.open_rules(pod, "ingress"):
            if r.ports is None and r.peers is None:
                continue  # a rule opening everything on every port is MW504's finding
            note = (" (it is published outside the cluster, so an open serving port may be "
                    "intended)" if public else "")
            yield Hit(f"{pod.name} is reachable from {r.peers_text()} on {r.ports_text()}: "
                      f"{pol.label} ingress rule {r.index + 1} admits them{note}",
                      Location(pol.obj.location.path, r.line), w.ref, svc_name,
                      f"{pol.label} rule {r.index + 1}", key=f"{pol.label}/{r.index}",
                      severity=Severity.LOW if public else None)
