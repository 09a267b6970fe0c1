"""MW321, MW322: rolling updates need readiness probes, and `Recreate` stops every pod
before the new ones start."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import container_label
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity

LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                          "ReplicationController", "DeploymentConfig"})


@rule(
    id="MW321",
    title="Container has no readiness probe",
    severity=Severity.LOW,
    practices=("SUP-PATCH",),
    targets=("kubernetes",),
    rationale=(
        "A rolling update replaces pods as soon as the new ones are Ready; without a readiness "
        "probe a pod is Ready the moment its process starts, so traffic reaches it before it "
        "can serve, and a broken release replaces the working one. Jobs and init containers "
        "are not rolled out and are not checked, nor are clients that serve nothing (no "
        "declared port and no Service selecting them, like a load generator)."
    ),
    remediation=(
        "Add `readinessProbe` (httpGet, grpc, tcpSocket or exec) to every serving container, "
        "checking that the service can answer, with a short period."
    ),
    references=("https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",),
    example_fail="containers:\n- name: web\n  image: web:1.4.2",
    example_pass="containers:\n- name: web\n  image: web:1.4.2\n  readinessProbe:\n    httpGet: {path: /healthz, port: 8080}",
)
def no_readiness_probe(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for w in inv.workloads:
        if w.kind not in LONG_RUNNING:
            continue
        svc = inv.service_of(w)
        served = bool(svc and any(inv.service_name_of(ks) == svc.name for ks in svc.k8s_services))
        for c in w.containers:
            if c.role != "container" or "readinessProbe" in c.body:
                continue
            if not c.ports and not served:
                continue  # receives no traffic: readiness gates nothing it does
            where = c.at("name") if "name" in c.body else c.at()
            yield Hit(f"{container_label(w, c)} has no readiness probe: rollouts send it traffic "
                      "before it is ready", where, w.ref, inv.service_name_of(w),
                      f"container {c.name}: no readinessProbe", key=f"{c.role}/{c.name}")


@rule(
    id="MW322",
    title="Deployment uses the Recreate strategy",
    severity=Severity.MEDIUM,
    practices=("SUP-PATCH",),
    targets=("kubernetes",),
    rationale=(
        "`strategy.type: Recreate` kills every old pod before any new one starts: each "
        "deploy, including every security patch, is a full outage."
    ),
    remediation=(
        "Use `RollingUpdate` (the default) with `maxUnavailable: 0` and `maxSurge: 1`; if two "
        "versions truly cannot run together, make the schema change backward compatible first."
    ),
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",),
    example_fail="kind: Deployment\nspec:\n  strategy:\n    type: Recreate",
    example_pass="kind: Deployment\nspec:\n  strategy:\n    type: RollingUpdate",
)
def recreate_strategy(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for w in inv.workloads:
        if w.kind not in ("Deployment", "DeploymentConfig"):
            continue
        if str(w.obj.get("spec", "strategy", "type") or "") == "Recreate":
            yield Hit(f"{w.kind} {w.namespace}/{w.name} uses strategy Recreate: every rollout "
                      "stops all pods first", w.obj.at("spec", "strategy", "type"), w.ref,
                      inv.service_name_of(w), "strategy.type: Recreate", key="strategy")
