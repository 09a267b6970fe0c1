"""MW505: the pre-1.7 DefaultDeny namespace annotation, which denies nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.zerotrust.netpol import evaluate
from meshward.zerotrust.text import names

ANNOTATION = "net.beta.kubernetes.io/network-policy"


def _says_default_deny(value: str) -> bool:
    try:
        data = json.loads(value)
    except ValueError:
        return "DefaultDeny" in value
    return isinstance(data, dict) and isinstance(data.get("ingress"), dict) and \
        data["ingress"].get("isolation") == "DefaultDeny"


@rule(
    id="MW505",
    title="Deprecated DefaultDeny namespace annotation denies nothing",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE",),
    cwe="CWE-1188",
    rationale=(
        "Before NetworkPolicy v1 a namespace opted in to isolation with the annotation "
        "`net.beta.kubernetes.io/network-policy: {\"ingress\": {\"isolation\": \"DefaultDeny\"}}`. "
        "Kubernetes 1.7 removed it: isolation is per pod, decided by the NetworkPolicies that "
        "select it. The annotation looks like a default deny and enforces nothing."
    ),
    remediation=(
        "Delete the annotation and add a NetworkPolicy with `podSelector: {}` and "
        "`policyTypes: [Ingress]` to the namespace."
    ),
    references=("https://github.com/kubernetes/kubernetes/pull/39164",
                "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies"),
    example_fail=("kind: Namespace\nmetadata:\n  annotations:\n    net.beta.kubernetes.io/network-policy: "
                  "'{\"ingress\": {\"isolation\": \"DefaultDeny\"}}'"),
    example_pass="kind: NetworkPolicy\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]",
)
def deprecated_default_deny(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    seg = evaluate(inv)
    for ns in inv.by_kind("Namespace"):
        value = ns.annotations.get(ANNOTATION)
        if value is None:
            continue
        deny = _says_default_deny(value)
        msg = (f"Namespace {ns.name} sets the {ANNOTATION} annotation"
               f"{' (DefaultDeny)' if deny else ''}, ignored since Kubernetes 1.7: it denies nothing")
        pods = [p for p in seg.pods if p.namespace == ns.name]
        real = seg.default_deny(ns.name, "ingress")
        if real:
            msg += (f"; ingress isolation here comes from {real[0].label}, which selects every "
                    f"pod of the namespace")
        elif pods:
            open_ = [p.workload.name for p in pods if not seg.isolated(p, "ingress")]
            if open_:
                msg += (f"; {len(open_)} workload(s) selected by no ingress NetworkPolicy accept "
                        f"connections from anywhere: {names(open_)}")
        yield Hit(msg, ns.at("metadata", "annotations", ANNOTATION), ns.ref, None,
                  f"{ANNOTATION}: {value.strip()}", key=ANNOTATION,
                  severity=Severity.LOW if not deny else (Severity.MEDIUM if real else None))
