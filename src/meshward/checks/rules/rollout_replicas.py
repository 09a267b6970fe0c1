"""MW320, MW323: rollouts without downtime need more than one replica, and a
PodDisruptionBudget so that node drains do not take every replica down at once."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import as_map
from meshward.zerotrust.selectors import parse_selector

REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet", "DeploymentConfig"})
_PDB_REF = "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/"


def autoscaler_of(inv: Inventory, w: Workload) -> K8sObject | None:
    """The HorizontalPodAutoscaler whose scaleTargetRef names this workload."""
    for hpa in inv.by_kind("HorizontalPodAutoscaler"):
        target = as_map(hpa.spec.get("scaleTargetRef"))
        if (hpa.namespace == w.namespace and target.get("name") == w.name
                and target.get("kind", w.kind) == w.kind):
            return hpa
    return None


def effective_replicas(inv: Inventory, w: Workload) -> tuple[int, K8sObject | None]:
    """Declared replicas (unset means 1), raised to an autoscaler's minReplicas."""
    declared = w.replicas if w.replicas is not None else 1
    hpa = autoscaler_of(inv, w)
    if hpa is not None:
        low = hpa.spec.get("minReplicas")
        low = low if isinstance(low, int) and not isinstance(low, bool) else 1
        return max(declared, low), hpa
    return declared, None


@rule(
    id="MW320",
    title="Workload runs a single replica",
    severity=Severity.LOW,
    practices=("SUP-PATCH",),
    targets=("kubernetes",),
    rationale=(
        "With one replica every patch, image update or node drain is an outage: the only pod "
        "is stopped before (Recreate, StatefulSet) or while its replacement starts. Teams "
        "then delay patches to avoid downtime. `replicas` unset means 1."
    ),
    remediation=(
        "Run at least two replicas (`spec.replicas: 2`) or attach a HorizontalPodAutoscaler "
        "with `minReplicas: 2`, spread them with topologySpreadConstraints, and add a "
        "PodDisruptionBudget."
    ),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas",
                _PDB_REF),
    example_fail="kind: Deployment\nspec:\n  replicas: 1",
    example_pass="kind: Deployment\nspec:\n  replicas: 3",
)
def single_replica(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for w in inv.workloads:
        if w.kind not in REPLICATED_KINDS or w.replicas == 0:
            continue
        if autoscaler_of(inv, w) is not None:
            continue  # the autoscaler decides; MW323 still checks the disruption budget
        if w.replicas not in (None, 1):
            continue
        how = "sets replicas: 1" if w.replicas == 1 else "does not set replicas (so 1)"
        yield Hit(f"{w.kind} {w.namespace}/{w.name} {how}: every rollout or node drain stops "
                  "the service", w.obj.at("spec", "replicas"), w.ref, inv.service_name_of(w),
                  f"replicas: {w.replicas if w.replicas is not None else 'unset'}", key="replicas")


def covering_budget(inv: Inventory, w: Workload) -> K8sObject | None:
    """A PodDisruptionBudget in the workload's namespace whose selector picks its pods."""
    for pdb in inv.by_kind("PodDisruptionBudget"):
        if pdb.namespace != w.namespace or "selector" not in pdb.spec:
            continue  # a null selector selects no pod
        if parse_selector(pdb.spec.get("selector")).matches(w.pod_labels):
            return pdb
    return None


@rule(
    id="MW323",
    title="Multi-replica workload has no PodDisruptionBudget",
    severity=Severity.LOW,
    practices=("SUP-PATCH",),
    targets=("kubernetes",),
    rationale=(
        "Node upgrades and drains evict pods without regard for the service: without a "
        "PodDisruptionBudget, all replicas of a workload may be evicted at the same time, "
        "turning routine patching into an outage."
    ),
    remediation=(
        "Add a `PodDisruptionBudget` in the same namespace whose selector matches the pod "
        "labels, with `maxUnavailable: 1` (or a `minAvailable` below the replica count)."
    ),
    references=(_PDB_REF, "https://kubernetes.io/docs/tasks/run-application/configure-pdb/"),
    example_fail="kind: Deployment\nspec:\n  replicas: 3   # and no PodDisruptionBudget selects its pods",
    example_pass=("kind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector:\n"
                  "    matchLabels: {app: web}"),
)
def no_disruption_budget(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for w in inv.workloads:
        if w.kind not in REPLICATED_KINDS | {"ReplicaSet"} or w.obj.get("metadata", "ownerReferences"):
            continue
        replicas, hpa = effective_replicas(inv, w)
        if replicas < 2 or covering_budget(inv, w) is not None:
            continue
        how = f"HorizontalPodAutoscaler {hpa.name} keeps at least {replicas}" if hpa else f"{replicas} replicas"
        yield Hit(f"{w.kind} {w.namespace}/{w.name} ({how}) has no PodDisruptionBudget selecting "
                  "its pods: a drain may evict all of them at once", w.obj.at("metadata", "name"),
                  w.ref, inv.service_name_of(w), f"replicas: {replicas}", key="pdb")
