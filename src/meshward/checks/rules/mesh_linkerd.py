"""MW620-MW625: Linkerd: injection, proxy bypass ports, default inbound policy, Servers."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.kubernetes import Workload
from meshward.model.source import Location, as_map, as_seq
from meshward.zerotrust import linkerd
from meshward.zerotrust.text import names

_POLICY_REF = "https://linkerd.io/2/reference/authorization-policy/"
_PROXY_REF = "https://linkerd.io/2/reference/proxy-configuration/"


def _meshed(ctx: ScanContext) -> list[Workload]:
    inv = ctx.inventory
    return sorted((w for w in inv.workloads if linkerd.meshed(inv, w)), key=lambda w: w.obj.location)


@rule(
    id="MW620",
    title="Workload opted out of Linkerd in a meshed namespace",
    severity=Severity.MEDIUM,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "The namespace asks for the Linkerd proxy but the pod template sets "
        "`linkerd.io/inject: disabled`: its traffic is plaintext, it has no identity, and "
        "meshed servers must accept unauthenticated clients for it to work."
    ),
    remediation="Remove the opt-out, or isolate the workload with a NetworkPolicy and say why in a suppression.",
    references=("https://linkerd.io/2/features/proxy-injection/",),
    example_fail="# namespace annotated linkerd.io/inject: enabled\nmetadata:\n  annotations:\n    linkerd.io/inject: disabled",
    example_pass="metadata:\n  annotations:\n    linkerd.io/inject: enabled",
)
def not_injected(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    enabled = {o.name for o in inv.by_kind("Namespace")
               if o.annotations.get(linkerd.INJECT) in ("enabled", "ingress")}
    for w in sorted(inv.workloads, key=lambda w: w.obj.location):
        s = linkerd.setting(inv, w, linkerd.INJECT)
        if w.namespace in enabled and s is not None and s.on == "pod" and s.value == "disabled":
            yield Hit(f"{w.kind} {w.namespace}/{w.name} sets linkerd.io/inject: disabled in meshed "
                      f"namespace {w.namespace}: its pods run without the proxy (no mTLS, no identity)",
                      s.location, w.ref, inv.service_name_of(w), "linkerd.io/inject: disabled", key="inject")


def _port_annotation(ctx: ScanContext, keys: tuple[str, ...]) -> Iterator[tuple[Workload, str, linkerd.Setting]]:
    seen: set[tuple[Location, str]] = set()
    for w in _meshed(ctx):
        for key in keys:
            s = linkerd.setting(ctx.inventory, w, key)
            if s is None or not s.value or (s.location, key) in seen:
                continue
            seen.add((s.location, key))
            yield w, key, s


def _subject(w: Workload, s: linkerd.Setting) -> tuple[str, ResourceRef]:
    if s.on == "namespace":
        return f"namespace {w.namespace}", ResourceRef("Namespace", w.namespace)
    return f"{w.kind} {w.namespace}/{w.name}", w.ref


@rule(
    id="MW621",
    title="Linkerd skip ports bypass the proxy (no mTLS)",
    severity=Severity.HIGH,
    practices=("TLS-MTLS",),
    cwe="CWE-319",
    rationale=(
        "Ports listed in `config.linkerd.io/skip-inbound-ports` or `skip-outbound-ports` are "
        "routed around the proxy: no mTLS, no identity and no authorization policy on them."
    ),
    remediation=(
        "Remove the skip annotation; for server-speaks-first protocols mark the port opaque "
        "(`config.linkerd.io/opaque-ports`) instead, which keeps mTLS."
    ),
    references=(_PROXY_REF, "https://linkerd.io/2/features/protocol-detection/"),
    example_fail="annotations:\n  config.linkerd.io/skip-inbound-ports: \"5432\"",
    example_pass="annotations:\n  config.linkerd.io/opaque-ports: \"5432\"",
)
def skip_ports(ctx: ScanContext) -> Iterator[Hit]:
    for w, key, s in _port_annotation(ctx, (linkerd.SKIP_IN, linkerd.SKIP_OUT)):
        subject, ref = _subject(w, s)
        way = "inbound" if key == linkerd.SKIP_IN else "outbound"
        yield Hit(f"{subject} sets {key}: {s.value}: {way} traffic on these ports bypasses the "
                  f"Linkerd proxy (no mTLS, no identity, no policy)", s.location, ref, None,
                  f"{key}: {s.value}", key=key)


@rule(
    id="MW622",
    title="Linkerd opaque ports: no HTTP-level policy",
    severity=Severity.LOW,
    practices=("TLS-MTLS", "AUTH-ZEROTRUST"),
    rationale=(
        "Opaque ports keep mTLS between meshed pods but skip protocol detection: HTTP routes "
        "and per-route authorization cannot apply there, only per-port (Server) policy."
    ),
    remediation=(
        "Keep opaque ports to non-HTTP protocols (databases, queues) and cover each with a "
        "Server and an AuthorizationPolicy."
    ),
    references=("https://linkerd.io/2/features/protocol-detection/",),
    example_fail="annotations:\n  config.linkerd.io/opaque-ports: \"8080\"",
    example_pass="# no opaque ports on HTTP services",
)
def opaque_ports(ctx: ScanContext) -> Iterator[Hit]:
    for w, key, s in _port_annotation(ctx, (linkerd.OPAQUE,)):
        subject, ref = _subject(w, s)
        yield Hit(f"{subject} marks ports {s.value} opaque: traffic keeps mTLS between meshed "
                  f"pods, but HTTP routes and per-route authorization do not apply to them",
                  s.location, ref, None, f"{key}: {s.value}", key=key)


@rule(
    id="MW623",
    title="Linkerd default inbound policy admits unauthenticated traffic",
    severity=Severity.HIGH,
    practices=("AUTH-ZEROTRUST", "TLS-MTLS"),
    cwe="CWE-306",
    rationale=(
        "Ports no Server selects follow the default inbound policy: the annotation "
        "`config.linkerd.io/default-inbound-policy` on the pod or namespace, else the "
        "install-time default, `all-unauthenticated` unless changed. `all-unauthenticated`, "
        "`cluster-unauthenticated` and `audit` admit clients without a mesh identity."
    ),
    remediation=(
        "Annotate the namespace `config.linkerd.io/default-inbound-policy: deny` (or "
        "`all-authenticated`), then admit callers with Server + AuthorizationPolicy + "
        "MeshTLSAuthentication."
    ),
    references=(_POLICY_REF,),
    example_fail="annotations:\n  config.linkerd.io/default-inbound-policy: all-unauthenticated",
    example_pass="annotations:\n  config.linkerd.io/default-inbound-policy: deny",
)
def default_inbound(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    seen: set[Location] = set()
    implicit: dict[str, list[Workload]] = {}
    for w in _meshed(ctx):
        ports = {p.port for c in w.containers for p in c.ports}
        covered = set().union(*(linkerd.server_ports(s, w) for s in linkerd.servers_for(inv, w)))
        if ports and ports <= covered:
            continue  # every port has a Server: the default does not apply
        s = linkerd.setting(inv, w, linkerd.DEFAULT_POLICY)
        if s is None:
            implicit.setdefault(w.namespace, []).append(w)
            continue
        if s.value not in linkerd.UNAUTHENTICATED or s.location in seen:
            continue
        seen.add(s.location)
        subject, ref = _subject(w, s)
        yield Hit(f"{subject} sets {linkerd.DEFAULT_POLICY}: {s.value}: ports no Server selects "
                  f"admit clients without a mesh identity", s.location, ref, None,
                  f"{linkerd.DEFAULT_POLICY}: {s.value}", key="explicit")
    for ns, ws in sorted(implicit.items()):
        yield Hit(f"namespace {ns}: no {linkerd.DEFAULT_POLICY} on the namespace or its pods, so "
                  f"the cluster default applies ({linkerd.CLUSTER_DEFAULT} unless "
                  f"proxy.defaultInboundPolicy was changed at install): ports without a Server on "
                  f"{names([w.name for w in ws])} admit unauthenticated clients",
                  ws[0].obj.location, ResourceRef("Namespace", ns), None, "cluster default",
                  key=f"implicit/{ns}", confidence=Confidence.MEDIUM)


@rule(
    id="MW624",
    title="Linkerd Server admits unauthenticated clients",
    severity=Severity.HIGH,
    practices=("AUTH-ZEROTRUST",),
    cwe="CWE-306",
    rationale=(
        "A Server whose `accessPolicy` is an unauthenticated one, a ServerAuthorization with "
        "`client.unauthenticated: true`, or an AuthorizationPolicy that only requires a "
        "NetworkAuthentication admits callers without a mesh identity: source addresses are "
        "not identities."
    ),
    remediation="Require a MeshTLSAuthentication (or ServiceAccount) naming the callers.",
    references=(_POLICY_REF,),
    example_fail="kind: ServerAuthorization\nspec:\n  client:\n    unauthenticated: true",
    example_pass="kind: ServerAuthorization\nspec:\n  client:\n    meshTLS:\n      serviceAccounts: [{name: web}]",
)
def server_unauthenticated(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for srv in inv.by_kind("Server"):
        policy = str(srv.spec.get("accessPolicy") or "")
        if linkerd.is_linkerd(srv) and policy in linkerd.UNAUTHENTICATED:
            yield Hit(f"Server {srv.namespace}/{srv.name} has accessPolicy {policy}: traffic no "
                      f"authorization matches is still admitted without identity",
                      srv.at("spec", "accessPolicy"), srv.ref, None, f"accessPolicy: {policy}", key="access")
    for sa in inv.by_kind("ServerAuthorization"):
        if linkerd.is_linkerd(sa) and as_map(sa.spec.get("client")).get("unauthenticated") is True:
            yield Hit(f"ServerAuthorization {sa.namespace}/{sa.name} admits unauthenticated clients",
                      sa.at("spec", "client", "unauthenticated"), sa.ref, None,
                      "client.unauthenticated: true", key="client")
    for ap in inv.by_kind("AuthorizationPolicy"):
        if not linkerd.is_linkerd(ap):
            continue
        refs = [as_map(r) for r in as_seq(ap.spec.get("requiredAuthenticationRefs"))]
        kinds = {str(r.get("kind")) for r in refs}
        if refs and kinds == {"NetworkAuthentication"}:
            yield Hit(f"AuthorizationPolicy {ap.namespace}/{ap.name} only requires a "
                      f"NetworkAuthentication ({', '.join(str(r.get('name')) for r in refs)}): "
                      f"clients are admitted by address, without a mesh identity",
                      ap.at("spec", "requiredAuthenticationRefs"), ap.ref, None,
                      "NetworkAuthentication only", key="network")


@rule(
    id="MW625",
    title="Linkerd Server without any authorization denies all traffic",
    severity=Severity.LOW,
    practices=("AUTH-ZEROTRUST", "DOC-DRIFT"),
    rationale=(
        "A Server with no AuthorizationPolicy, ServerAuthorization or route targeting it (and "
        "no permissive `accessPolicy`) denies every connection to its port: the callers the "
        "configuration declares cannot work, and the usual hurried fix is to open it to all."
    ),
    remediation=(
        "Add an AuthorizationPolicy targeting the Server with a MeshTLSAuthentication naming "
        "the callers' service accounts."
    ),
    references=(_POLICY_REF,),
    example_fail="kind: Server\nmetadata: {name: api-http}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  port: http",
    example_pass=("kind: AuthorizationPolicy\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, "
                  "name: api-http}\n  requiredAuthenticationRefs:\n  - {kind: MeshTLSAuthentication, name: web}"),
)
def server_without_authorization(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    for srv in inv.by_kind("Server"):
        if not linkerd.is_linkerd(srv) or linkerd.authorizations(inv, srv):
            continue
        policy = str(srv.spec.get("accessPolicy") or "deny")
        if policy != "deny":
            continue
        selected = [w for w in inv.workloads if srv in linkerd.servers_for(inv, w)]
        services = {inv.service_name_of(w) for w in selected} - {None}
        callers = sorted({e.source for e in ctx.graph.edges.values() if e.target in services})
        who = f"; declared callers that would fail: {names(callers)}" if callers else ""
        yield Hit(f"Server {srv.namespace}/{srv.name} (port {srv.spec.get('port')}) has no "
                  f"authorization: every connection to it is denied{who}", srv.location, srv.ref,
                  None, "no authorization", key="none")
