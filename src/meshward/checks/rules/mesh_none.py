"""MW601: the fleet has no service mesh and no sign of application-level mTLS."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity
from meshward.model.graph import EXTERNAL
from meshward.zerotrust import istio, linkerd

_MTLS_NAME = re.compile(r"MTLS|CLIENT_?CERT|CLIENT_?KEY|SPIFFE|SVID|TLS_?CLIENT", re.IGNORECASE)
_MTLS_VALUE = re.compile(r"sslmode=verify-full|spiffe://|--tls-client-ca|client-ca-file|sslcert=",
                         re.IGNORECASE)
_MESH_GROUPS = ("consul.hashicorp.com", "kuma.io", "spire.spiffe.io", "openservicemesh.io")


def _mesh_evidence(ctx: ScanContext) -> str | None:
    inv = ctx.inventory
    if istio.in_use(inv):
        return "Istio"
    if linkerd.in_use(inv):
        return "Linkerd"
    for o in inv.objects:
        if any(o.group.endswith(g) for g in _MESH_GROUPS):
            return o.group
        if o.kind in ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy") and "authentication" in str(o.spec):
            return "Cilium mutual authentication"
    for w in inv.workloads:
        ann = w.pod_annotations
        if ann.get("consul.hashicorp.com/connect-inject") == "true" or "kuma.io/sidecar-injection" in ann:
            return "sidecar injection annotations"
    for svc in inv.services.values():
        for ev in svc.env:
            if _MTLS_NAME.search(ev.name) or _MTLS_VALUE.search(ev.value or ""):
                return f"application mTLS settings ({ev.name})"
    return None


@rule(
    id="MW601",
    title="No service mesh and no application mTLS",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    practices=("TLS-MTLS",),
    targets=("kubernetes", "compose"),
    cwe="CWE-306",
    rationale=(
        "Services call each other, but nothing in the fleet authenticates the caller: no "
        "service mesh (Istio, Linkerd, Consul, Kuma, Cilium mutual auth) and no client "
        "certificate settings in any service. Any workload that can reach a port can "
        "impersonate any caller."
    ),
    remediation=(
        "Adopt a mesh with mutual TLS enforced (Istio STRICT PeerAuthentication, Linkerd with "
        "default-inbound-policy all-authenticated or deny), or configure client certificates "
        "in every service. The plaintext connections themselves are reported one by one by "
        "the TLS-PLAINTEXT rules."
    ),
    references=("https://istio.io/latest/docs/concepts/security/#mutual-tls-authentication",
                "https://linkerd.io/2/features/automatic-mtls/"),
    example_fail="# two services calling each other, no mesh, no client certificates",
    example_pass="kind: PeerAuthentication\nmetadata: {namespace: istio-system}\nspec:\n  mtls: {mode: STRICT}",
)
def no_mesh(ctx: ScanContext) -> Iterator[Hit]:
    internal = [e for e in ctx.graph.sorted_edges() if e.source != EXTERNAL]
    if not internal or _mesh_evidence(ctx) is not None:
        return
    services = sorted({s for e in internal for s in (e.source, e.target)})
    first = internal[0]
    # about the whole fleet, not one service: no resource or service of its own; located at the
    # first unauthenticated connection found, every service on such a connection listed as data
    yield Hit(f"no service mesh and no application mTLS found: {len(internal)} service-to-service "
              f"connection(s) between {len(services)} services authenticate no caller (e.g. "
              f"{first.source} -> {first.target})", first.location, None, None,
              "no mesh, no client certificates", key="fleet",
              extra=(("services", ",".join(services)), ("connections", str(len(internal)))))
