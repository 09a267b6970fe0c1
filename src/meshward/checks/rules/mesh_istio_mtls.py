"""MW602-MW605: Istio mutual TLS: mesh default, PeerAuthentication overrides, DestinationRule
TLS towards mesh hosts, sidecar injection turned off."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import ResourceRef, Severity
from meshward.model.kubernetes import Workload
from meshward.model.source import as_map, as_seq
from meshward.zerotrust import istio
from meshward.zerotrust.text import names

_PA_REF = "https://istio.io/latest/docs/reference/config/security/peer_authentication/"


def _meshed(ctx: ScanContext) -> list[Workload]:
    return [w for w in ctx.inventory.workloads if istio.injection(ctx.inventory, w).injected is not False]


@rule(
    id="MW602",
    title="Istio mesh-wide mTLS is not STRICT",
    severity=Severity.HIGH,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "Without a PeerAuthentication in the root namespace (istio-system) with no selector "
        "and `mtls.mode: STRICT`, Istio runs PERMISSIVE: sidecars accept plaintext from any "
        "client, so identity-based authorization can be bypassed by a pod without a sidecar."
    ),
    remediation=(
        "Add `PeerAuthentication` `default` in istio-system with `spec.mtls.mode: STRICT` "
        "(after every client has a sidecar); keep PERMISSIVE only per port, with a reason."
    ),
    references=(_PA_REF, "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"),
    example_fail="# Istio resources in the fleet but no PeerAuthentication at all (PERMISSIVE)",
    example_pass=("kind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\n"
                  "spec:\n  mtls: {mode: STRICT}"),
)
def mesh_not_strict(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    if not istio.in_use(inv):
        return
    mesh = istio.mesh_policy(inv)
    mode = istio.pa_mode(mesh) if mesh is not None else "UNSET"
    if mode == "STRICT":
        return
    weak = [w for w in _meshed(ctx) if istio.effective_mtls(inv, w).mode != "STRICT"]
    ref: ResourceRef | None
    if mesh is not None:
        where, what = mesh.at("spec", "mtls", "mode"), (
            f"the mesh-wide PeerAuthentication {mesh.namespace}/{mesh.name} sets {mode}"
            + (" (UNSET means PERMISSIVE at mesh level)" if mode == "UNSET" else ""))
        ref = mesh.ref
    else:
        first = min((o for o in inv.objects if istio.is_istio(o)), key=lambda o: o.location, default=None)
        where = first.location if first else min(w.obj.location for w in inv.workloads)
        ref = first.ref if first else None
        what = (f"Istio is used but no PeerAuthentication in {istio.ROOT_NAMESPACE} sets a "
                f"mesh-wide mode, so the default PERMISSIVE applies")
    if weak:
        msg = (f"{what}: sidecars accept plaintext; {len(weak)} workload(s) are not STRICT: "
               f"{names([f'{w.namespace}/{w.name}' for w in weak])}")
    else:
        msg = f"{what}; current workloads are STRICT through namespace or workload policies, new namespaces will not be"
    yield Hit(msg, where, ref, None, f"mesh mode {mode}", key="mesh",
              severity=None if weak else Severity.MEDIUM)


@rule(
    id="MW603",
    title="PeerAuthentication allows plaintext (PERMISSIVE or DISABLE)",
    severity=Severity.HIGH,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "A namespace or workload PeerAuthentication overrides the mesh setting: PERMISSIVE "
        "accepts plaintext next to mTLS, DISABLE turns mTLS off. A port in `portLevelMtls` "
        "does the same for one port. Precedence is workload > namespace > mesh, so one such "
        "policy silently undoes a STRICT mesh."
    ),
    remediation=(
        "Set `mtls.mode: STRICT` (or remove the override so STRICT is inherited). If a port "
        "must accept plaintext (e.g. probes from outside the mesh), limit it to that port with "
        "`portLevelMtls` and a selector, and document why."
    ),
    references=(_PA_REF,),
    example_fail="kind: PeerAuthentication\nmetadata: {namespace: shop}\nspec:\n  mtls: {mode: PERMISSIVE}",
    example_pass="kind: PeerAuthentication\nmetadata: {namespace: shop}\nspec:\n  mtls: {mode: STRICT}",
)
def peer_auth_plaintext(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    mesh = istio.mesh_policy(inv)
    mesh_mode = istio.pa_mode(mesh) if mesh is not None else "PERMISSIVE (default)"
    meshed = _meshed(ctx)
    decided_by: dict[int, list[Workload]] = {}
    for w in meshed:
        decided_by.setdefault(id(istio.effective_mtls(inv, w).source), []).append(w)
    for pa in inv.by_kind("PeerAuthentication"):
        if not istio.is_istio(pa) or pa is mesh:
            continue
        if pa.namespace == istio.ROOT_NAMESPACE and as_map(pa.spec.get("selector")):
            continue  # ignored by Istio: selector policies in the root namespace
        mode = istio.pa_mode(pa)
        decided = decided_by.get(id(pa), [])
        scope = (f"workloads {names([w.name for w in decided])}" if decided
                 else "no workload in the scanned files")
        if mode in ("PERMISSIVE", "DISABLE"):
            what = "accepts plaintext next to mTLS" if mode == "PERMISSIVE" else "turns mTLS off"
            yield Hit(f"PeerAuthentication {pa.namespace}/{pa.name} sets {mode} (overriding mesh "
                      f"{mesh_mode}): {what} for {scope}", pa.at("spec", "mtls", "mode"), pa.ref,
                      None, f"mtls.mode: {mode}", key="mode",
                      severity=Severity.MEDIUM if mode == "PERMISSIVE" or not decided else None)
        ports = as_map(pa.spec.get("portLevelMtls"))
        if not ports or not as_map(pa.spec.get("selector")):
            continue  # without a selector Istio ignores portLevelMtls
        for port, value in ports.items():
            pmode = str(as_map(value).get("mode") or "UNSET").upper()
            if pmode in ("PERMISSIVE", "DISABLE"):
                yield Hit(f"PeerAuthentication {pa.namespace}/{pa.name} sets {pmode} on port {port} "
                          f"for {scope}: that port accepts plaintext",
                          pa.at("spec", "portLevelMtls", str(port)), pa.ref, None,
                          f"portLevelMtls {port}: {pmode}", key=f"port/{port}",
                          severity=Severity.MEDIUM)


def _mesh_hosts(ctx: ScanContext) -> dict[str, str]:
    out: dict[str, str] = {}
    for svc in ctx.inventory.services.values():
        for ks in svc.k8s_services:
            for host in (f"{ks.name}.{ks.namespace}", f"{ks.name}.{ks.namespace}.svc",
                         f"{ks.name}.{ks.namespace}.svc.cluster.local"):
                out[host] = svc.name
    return out


def _in_mesh(host: str, namespace: str, hosts: dict[str, str]) -> str | None:
    host = host.lower()
    if host in ("*.local", "*.cluster.local", "*.svc.cluster.local") or (
            host.startswith("*.") and host.endswith(".svc.cluster.local")):
        return host
    if "." not in host:
        host = f"{host}.{namespace}"
    return hosts.get(host)


@rule(
    id="MW604",
    title="DestinationRule disables mutual TLS towards a mesh service",
    severity=Severity.HIGH,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "`trafficPolicy.tls.mode: DISABLE` makes client sidecars send plaintext to the host; "
        "`SIMPLE` replaces Istio mutual TLS by one-way TLS, so the server learns no client "
        "identity. Towards a service inside the mesh both defeat mTLS and identity-based "
        "authorization (and DISABLE breaks calls to STRICT servers)."
    ),
    remediation="Use `tls.mode: ISTIO_MUTUAL` (or omit `tls`: auto mTLS) for in-mesh hosts.",
    references=("https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode",),
    example_fail="kind: DestinationRule\nspec:\n  host: cart\n  trafficPolicy:\n    tls: {mode: DISABLE}",
    example_pass="kind: DestinationRule\nspec:\n  host: cart\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}",
)
def destination_rule_tls(ctx: ScanContext) -> Iterator[Hit]:
    hosts = _mesh_hosts(ctx)
    for dr in ctx.inventory.by_kind("DestinationRule"):
        if not istio.is_istio(dr):
            continue
        host = str(dr.spec.get("host") or "")
        target = _in_mesh(host, dr.namespace, hosts)
        if target is None:
            continue
        policies: list[tuple[str, tuple[str | int, ...]]] = [("trafficPolicy", ("spec", "trafficPolicy"))]
        tp = as_map(dr.spec.get("trafficPolicy"))
        for i, pls in enumerate(as_seq(tp.get("portLevelSettings"))):
            port = as_map(as_map(pls).get("port")).get("number")
            policies.append((f"port {port}", ("spec", "trafficPolicy", "portLevelSettings", i)))
        for i, sub in enumerate(as_seq(dr.spec.get("subsets"))):
            policies.append((f"subset {as_map(sub).get('name')}", ("spec", "subsets", i, "trafficPolicy")))
        for label, path in policies:
            mode = str(as_map(dr.get(*path, "tls")).get("mode") or "").upper()
            if mode not in ("DISABLE", "SIMPLE"):
                continue
            effect = ("client sidecars send plaintext" if mode == "DISABLE"
                      else "one-way TLS replaces mutual TLS: the server gets no client identity")
            yield Hit(f"DestinationRule {dr.namespace}/{dr.name} sets tls.mode {mode} ({label}) for "
                      f"mesh host {host} ({target}): {effect}", dr.at(*path, "tls", "mode"), dr.ref,
                      None, f"{label} tls.mode: {mode}", key=f"{label}",
                      severity=Severity.MEDIUM if mode == "SIMPLE" else None)


@rule(
    id="MW605",
    title="Istio sidecar injection disabled",
    severity=Severity.MEDIUM,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "A pod without the sidecar neither presents nor requires a mesh identity: its calls "
        "are plaintext, it cannot be authorized by principal, and it only works at all "
        "because servers stay PERMISSIVE."
    ),
    remediation=(
        "Remove `istio-injection=disabled` / `sidecar.istio.io/inject: \"false\"`. For jobs "
        "or host-network pods that cannot run a sidecar, suppress with a reason and isolate "
        "them with a NetworkPolicy."
    ),
    references=("https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy",),
    example_fail="metadata:\n  labels:\n    sidecar.istio.io/inject: \"false\"",
    example_pass="metadata:\n  labels:\n    sidecar.istio.io/inject: \"true\"",
)
def injection_disabled(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    if not istio.in_use(inv):
        return
    reported_ns: set[str] = set()
    for w in sorted(inv.workloads, key=lambda w: w.obj.location):
        inj = istio.injection(inv, w)
        if inj.injected is not False or inj.location is None:
            continue
        if inj.reason.startswith("namespace"):
            if w.namespace in reported_ns:
                continue
            reported_ns.add(w.namespace)
            count = sum(1 for x in inv.workloads if x.namespace == w.namespace)
            yield Hit(f"namespace {w.namespace} is labelled istio-injection=disabled: its "
                      f"{count} workload(s) run without sidecar (no mTLS, no mesh identity)",
                      inj.location, None, None, "istio-injection=disabled", key=f"ns/{w.namespace}")
            continue
        yield Hit(f"{w.kind} {w.namespace}/{w.name}: {inj.reason}: its pods run without sidecar "
                  f"(no mTLS, no mesh identity)", inj.location, w.ref, inv.service_name_of(w),
                  "sidecar.istio.io/inject: false", key="pod")

