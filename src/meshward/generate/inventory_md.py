"""A one-page Markdown service inventory, for people who do not run Backstage.

One table per service: environment, image, ports, exposure, callers, callees, where its
secrets come from, mTLS, and how many findings the scan reported for it.
"""

from __future__ import annotations

from collections import Counter

from meshward.checks.context import ScanContext
from meshward.findings.finding import Finding
from meshward.generate.backstage import owner_of
from meshward.generate.serves import Serves
from meshward.model.graph import EXTERNAL
from meshward.model.inventory import Inventory, Service
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import as_map
from meshward.secrets.managers import secret_sources

# What this generator writes and the practices that configuration makes hold (fix).
SERVES = Serves("meshward catalog", "Markdown inventory", ("DOC-CATALOG",))

_SOURCE_TEXT = {"k8s-secret": "k8s Secret", "literal": "literal in the manifest",
                "compose-secret": "compose secret", "sealed-secret": "SealedSecret",
                "vault-agent": "manager: Vault agent", "csi": "manager: Secrets Store CSI",
                "external-secrets": "manager: External Secrets", "cloud": "manager: cloud"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "-"


def _istio_mode(inv: Inventory, w: Workload) -> str:
    """Effective Istio PeerAuthentication mode: workload > namespace > mesh (istio-system)."""
    pas = [o for o in inv.by_kind("PeerAuthentication") if o.api_version.startswith("security.istio")]

    def mode(o: K8sObject) -> str:
        return str(as_map(o.spec.get("mtls")).get("mode") or "UNSET").upper()

    def selects(o: K8sObject) -> bool:
        labels = as_map(as_map(o.spec.get("selector")).get("matchLabels"))
        return bool(labels) and all(w.pod_labels.get(str(k)) == str(v) for k, v in labels.items())

    chain = [o for o in pas if o.namespace == "istio-system" and not o.spec.get("selector")]
    chain += [o for o in pas if o.namespace == w.namespace != "istio-system"
              and not o.spec.get("selector")]
    chain += [o for o in pas if o.namespace == w.namespace and selects(o)]
    found = ""
    for o in chain:
        if mode(o) != "UNSET":
            found = mode(o)
    return found


def mtls_text(inv: Inventory, svc: Service) -> str:
    if svc.compose_services and not svc.workloads:
        return "none (compose)"
    parts = set()
    ns_ann = {o.name: o.annotations for o in inv.by_kind("Namespace")}
    ns_labels = {o.name: o.labels for o in inv.by_kind("Namespace")}
    for w in svc.workloads:
        mode = _istio_mode(inv, w)
        injected = w.pod_annotations.get("sidecar.istio.io/inject") == "true" or (
            ns_labels.get(w.namespace, {}).get("istio-injection") == "enabled"
            and w.pod_annotations.get("sidecar.istio.io/inject") != "false")
        if mode:
            parts.add(f"Istio {mode}")
        elif injected:
            parts.add("Istio PERMISSIVE (no PeerAuthentication: plaintext accepted)")
        inject = w.pod_annotations.get("linkerd.io/inject") or ns_ann.get(
            w.namespace, {}).get("linkerd.io/inject")
        if inject == "enabled":
            parts.add("Linkerd (automatic mTLS)")
    return ", ".join(sorted(parts)) or "none declared"


def render(ctx: ScanContext, findings: list[Finding]) -> str:
    inv = ctx.inventory
    counts = Counter(f.service for f in findings if not f.suppressed_by and f.service)
    secrets = secret_sources(inv)
    lines = ["# Service inventory", "",
             f"{len(inv.services)} services, {len(ctx.graph.edges)} calls, written by "
             "`meshward catalog --format markdown` from the deployment files.", ""]
    for name, svc in inv.services.items():
        callers = [("outside (public entry)" if e.source == EXTERNAL else e.source)
                   for e in ctx.graph.callers(name)]
        callees = [e.target for e in ctx.graph.callees(name)]
        reasons = sorted({r for d in svc.deployments for r in d.exposure_reasons})
        src = secrets.get(name)
        secret_text = ", ".join(sorted({_SOURCE_TEXT.get(s.kind, s.kind) for s in src.sources})) \
            if src else "none found"
        rows = [
            ("environment", ", ".join(svc.environments)),
            ("image", ", ".join(f"`{i}`" for i in svc.images)),
            ("ports", ", ".join(str(p) for p in svc.ports)),
            ("exposure", svc.exposure.value + (f" ({'; '.join(reasons)})" if reasons else "")),
            ("callers", ", ".join(callers)),
            ("callees", ", ".join(callees)),
            ("secrets source", secret_text),
            ("mTLS", mtls_text(inv, svc)),
            ("owner", owner_of(svc) or "unknown"),
            ("findings", str(counts.get(name, 0))),
        ]
        lines += [f"## {name}", "", "| field | value |", "|---|---|"]
        lines += [f"| {k} | {_cell(v)} |" for k, v in rows]
        lines.append("")
    return "\n".join(lines)
