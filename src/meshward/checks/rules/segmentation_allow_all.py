"""MW504: a NetworkPolicy that looks restrictive but allows everything in a direction."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.source import Location
from meshward.zerotrust.netpol import DIRECTIONS, evaluate
from meshward.zerotrust.text import names


@rule(
    id="MW504",
    title="NetworkPolicy allows all traffic while looking restrictive",
    severity=Severity.MEDIUM,
    practices=("ENV-PRIVATE",),
    cwe="CWE-923",
    rationale=(
        "Policies add up: a rule such as `ingress: [{}]`, a rule without `from`/`to` and "
        "without `ports`, `namespaceSelector: {}` or `ipBlock: 0.0.0.0/0` admits every peer "
        "on every port, and cancels the namespace's default deny for the pods it selects. "
        "The policy reads like segmentation and provides none."
    ),
    remediation=(
        "Replace the catch-all rule with the callers (ingress) or destinations (egress) the "
        "workload needs, with their ports; drop the direction from `policyTypes` only if you "
        "really mean no isolation."
    ),
    references=("https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic",),
    example_fail="spec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n  ingress:\n  - {}",
    example_pass=("spec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n"
                  "  ingress:\n  - from: [{podSelector: {matchLabels: {app: gateway}}}]"),
)
def allow_all_policy(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    seg = evaluate(inv)
    for pol in seg.policies:
        selected = seg.selected_pods(pol)
        selected_names = ""
        for direction in DIRECTIONS:
            for r in pol.rules(direction) or []:
                if r.ports is not None or not (r.allows_everyone or r.allows_all_pods):
                    continue
                peer = "source" if direction == "ingress" else "destination"
                selected_names = selected_names or names(sorted({p.workload.name for p in selected}))
                scope = (f"every {peer}" if r.peers is None else
                         f"{r.peers_text()} ({'every outside address' if r.allows_everyone else 'every pod of the cluster'})")
                cancels = [d.label for d in seg.default_deny(pol.namespace, direction)
                           if d is not pol] if pol.namespace else []
                msg = (f"{pol.label} {direction} rule {r.index + 1} admits {scope} on every "
                       f"port: the {len(selected)} workload(s) it selects"
                       f"{' (' + selected_names + ')' if selected else ''}"
                       f" get no {direction} restriction")
                if cancels:
                    msg += f", cancelling the default deny of {names(cancels)}"
                yield Hit(msg, Location(pol.obj.location.path, r.line), pol.obj.ref, None,
                          f"{direction} rule {r.index + 1}", key=f"{direction}/{r.index}",
                          severity=Severity.LOW if direction == "egress" else None)
