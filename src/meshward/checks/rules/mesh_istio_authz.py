"""MW606-MW610: Istio authorization and request authentication."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import as_map, as_seq
from meshward.zerotrust import istio
from meshward.zerotrust.text import names

_AP_REF = "https://istio.io/latest/docs/reference/config/security/authorization-policy/"
_RA_REF = "https://istio.io/latest/docs/reference/config/security/request_authentication/"


def _policies(ctx: ScanContext, kind: str) -> list[K8sObject]:
    return [o for o in ctx.inventory.by_kind(kind) if istio.is_istio(o)]


def _meshed(ctx: ScanContext) -> list[Workload]:
    return [w for w in ctx.inventory.workloads if istio.injection(ctx.inventory, w).injected is not False]


@rule(
    id="MW606",
    title="Mesh namespace without deny-by-default AuthorizationPolicy",
    severity=Severity.HIGH,
    practices=("AUTH-ZEROTRUST",),
    cwe="CWE-862",
    rationale=(
        "Istio allows every request to a workload that no ALLOW AuthorizationPolicy applies to. "
        "Deny by default needs an ALLOW policy covering each workload, typically `allow-nothing` "
        "(`spec: {}`) per namespace or in istio-system, plus explicit allows per caller."
    ),
    remediation=(
        "Add `kind: AuthorizationPolicy` `allow-nothing` with `spec: {}` to the namespace (or "
        "the root namespace), then one ALLOW policy per workload naming its callers' principals."
    ),
    references=(_AP_REF, "https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns"),
    example_fail="# Istio workloads in namespace shop, no AuthorizationPolicy",
    example_pass="kind: AuthorizationPolicy\nmetadata: {name: allow-nothing, namespace: shop}\nspec: {}",
)
def no_default_deny_authz(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    if not istio.in_use(inv):
        return
    allows = [p for p in _policies(ctx, "AuthorizationPolicy") if istio.action(p) == "ALLOW"]
    by_ns: dict[str, list[Workload]] = {}
    allows_in: dict[str, list[K8sObject]] = {}
    for p in allows:
        allows_in.setdefault(p.namespace, []).append(p)
    for w in sorted(_meshed(ctx), key=lambda w: w.obj.location):
        # only policies of the workload's namespace or the root namespace can apply to it
        near = allows_in.get(w.namespace, []) + (
            allows_in.get(istio.ROOT_NAMESPACE, []) if w.namespace != istio.ROOT_NAMESPACE else [])
        if not any(istio.policy_applies(p, w) for p in near):
            by_ns.setdefault(w.namespace, []).append(w)
    declared = {o.name: o for o in inv.by_kind("Namespace")}
    for ns, ws in sorted(by_ns.items()):
        where = declared[ns].location if ns in declared else ws[0].obj.location
        known = all(istio.injection(inv, w).injected for w in ws)
        what = "mesh workload(s)" if known else "workload(s) not opted out of sidecar injection"
        yield Hit(f"namespace {ns}: no ALLOW AuthorizationPolicy applies to {len(ws)} {what}, "
                  f"so Istio allows every request to them: {names([w.name for w in ws])}",
                  where, ResourceRef("Namespace", ns), None, "no deny-by-default", key=ns)


def _empty(value: Any) -> bool:
    return not as_seq(value)


def _open_source(source: dict[str, Any]) -> str | None:
    """'any mesh identity' when a source only requires principals/namespaces '*'."""
    keys = {k for k, v in source.items() if v}
    for key in ("principals", "namespaces"):
        if keys == {key} and [str(x) for x in as_seq(source[key])] == ["*"]:
            return f"{key}: [\"*\"]"
    return None


@rule(
    id="MW607",
    title="ALLOW AuthorizationPolicy rule matches every request",
    severity=Severity.HIGH,
    practices=("AUTH-ZEROTRUST",),
    cwe="CWE-862",
    rationale=(
        "An ALLOW rule with no `from`, `to` or `when` (`rules: [{}]`) matches every request, "
        "including plaintext ones from outside the mesh when mTLS is not STRICT: the workloads "
        "it selects have no authorization at all, while the policy suggests otherwise."
    ),
    remediation="Name the callers in `from.source.principals` and the operations in `to`.",
    references=(_AP_REF,),
    example_fail="kind: AuthorizationPolicy\nspec:\n  rules:\n  - {}",
    example_pass=("kind: AuthorizationPolicy\nspec:\n  rules:\n  - from:\n    - source:\n"
                  "        principals: [cluster.local/ns/shop/sa/frontend]"),
)
def allow_everything(ctx: ScanContext) -> Iterator[Hit]:
    for ap in _policies(ctx, "AuthorizationPolicy"):
        if istio.action(ap) != "ALLOW":
            continue
        for i, r in enumerate(as_seq(ap.spec.get("rules"))):
            rm = as_map(r)
            if _empty(rm.get("from")) and _empty(rm.get("to")) and _empty(rm.get("when")):
                yield Hit(f"AuthorizationPolicy {ap.namespace}/{ap.name} rule {i + 1} has no from, "
                          f"to or when: it allows every request to the workloads it selects",
                          ap.at("spec", "rules", i), ap.ref, None, f"rule {i + 1}: {{}}", key=f"rule/{i}")


@rule(
    id="MW608",
    title="AuthorizationPolicy admits any mesh identity",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    practices=("AUTH-ZEROTRUST",),
    cwe="CWE-285",
    rationale=(
        "`principals: [\"*\"]` (or `namespaces: [\"*\"]`) only requires an mTLS peer: every "
        "workload of the mesh, including a compromised one, is authorized. It authenticates "
        "without authorizing."
    ),
    remediation="List the service accounts that call this workload: `principals: [cluster.local/ns/<ns>/sa/<sa>]`.",
    references=(_AP_REF,),
    example_fail="rules:\n- from:\n  - source:\n      principals: [\"*\"]",
    example_pass="rules:\n- from:\n  - source:\n      principals: [cluster.local/ns/shop/sa/frontend]",
)
def any_identity(ctx: ScanContext) -> Iterator[Hit]:
    for ap in _policies(ctx, "AuthorizationPolicy"):
        if istio.action(ap) != "ALLOW":
            continue
        for i, r in enumerate(as_seq(ap.spec.get("rules"))):
            for j, f in enumerate(as_seq(as_map(r).get("from"))):
                source = as_map(as_map(f).get("source"))
                what = _open_source(source)
                if what is None:
                    continue
                key = what.split(":")[0]
                yield Hit(f"AuthorizationPolicy {ap.namespace}/{ap.name} rule {i + 1} allows {what}: "
                          f"any workload with a mesh identity is authorized, not named callers",
                          ap.at("spec", "rules", i, "from", j, "source", key), ap.ref, None, what,
                          key=f"rule/{i}/from/{j}")


def _requires_token(ap: K8sObject) -> bool:
    """Does the policy make a request principal (a valid JWT) necessary?"""
    act = istio.action(ap)
    for r in as_seq(ap.spec.get("rules")):
        rm = as_map(r)
        for f in as_seq(rm.get("from")):
            source = as_map(as_map(f).get("source"))
            if act == "ALLOW" and as_seq(source.get("requestPrincipals")):
                return True
            if act == "DENY" and "*" in [str(x) for x in as_seq(source.get("notRequestPrincipals"))]:
                return True
        for cond in as_seq(rm.get("when")):
            if act == "ALLOW" and str(as_map(cond).get("key") or "").startswith("request.auth."):
                return True
    return False


@rule(
    id="MW609",
    title="RequestAuthentication without a policy requiring a token",
    severity=Severity.HIGH,
    practices=("AUTH-ZEROTRUST", "AUTH-JWT"),
    cwe="CWE-306",
    rationale=(
        "RequestAuthentication only rejects requests carrying an invalid JWT; a request with no "
        "token at all passes. Tokens are required only by an AuthorizationPolicy that demands "
        "`requestPrincipals` (ALLOW) or denies `notRequestPrincipals: [\"*\"]` (DENY)."
    ),
    remediation=(
        "Add an AuthorizationPolicy for the same workloads: DENY with "
        "`from: [{source: {notRequestPrincipals: [\"*\"]}}]`, or ALLOW with `requestPrincipals`."
    ),
    references=(_RA_REF, "https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#require-a-valid-token"),
    example_fail="kind: RequestAuthentication\nspec:\n  jwtRules:\n  - issuer: https://id.example.com",
    example_pass=("kind: AuthorizationPolicy\nspec:\n  action: DENY\n  rules:\n  - from:\n"
                  "    - source: {notRequestPrincipals: [\"*\"]}"),
)
def token_not_required(ctx: ScanContext) -> Iterator[Hit]:
    inv = ctx.inventory
    aps = [p for p in _policies(ctx, "AuthorizationPolicy") if _requires_token(p)]
    for ra in _policies(ctx, "RequestAuthentication"):
        if ra.spec.get("targetRef") or ra.spec.get("targetRefs"):
            gw = [p for p in aps if p.namespace == ra.namespace and (p.spec.get("targetRef") or p.spec.get("targetRefs"))]
            if not gw:
                yield Hit(f"RequestAuthentication {ra.namespace}/{ra.name} targets a gateway but no "
                          f"AuthorizationPolicy there requires a request principal: requests "
                          f"without a token pass", ra.location, ra.ref, None, "no token requirement",
                          key="gateway")
            continue
        targets = [w for w in inv.workloads if istio.policy_applies(ra, w)]
        open_ = [w for w in targets if not any(istio.policy_applies(p, w) for p in aps)]
        if targets and not open_:
            continue
        who = (f"workloads {names([w.name for w in open_])}" if open_
               else "the workloads it selects (none in the scanned files)")
        yield Hit(f"RequestAuthentication {ra.namespace}/{ra.name} validates JWTs but no "
                  f"AuthorizationPolicy requires a request principal for {who}: requests "
                  f"without a token pass", ra.location, ra.ref, None, "no token requirement",
                  key="workloads")


@rule(
    id="MW610",
    title="JWKS fetched over plain HTTP",
    severity=Severity.HIGH,
    practices=("AUTH-JWT", "TLS-PLAINTEXT"),
    cwe="CWE-319",
    rationale=(
        "The JWKS holds the keys that decide which tokens are genuine. Fetched over http://, "
        "anyone on the path can substitute their own key and mint accepted tokens."
    ),
    remediation="Use an https:// `jwksUri` (or an inline `jwks`).",
    references=(_RA_REF,),
    example_fail="jwtRules:\n- issuer: https://id.example.com\n  jwksUri: http://id.example.com/jwks",
    example_pass="jwtRules:\n- issuer: https://id.example.com\n  jwksUri: https://id.example.com/jwks",
)
def jwks_over_http(ctx: ScanContext) -> Iterator[Hit]:
    for ra in _policies(ctx, "RequestAuthentication"):
        for i, jr in enumerate(as_seq(ra.spec.get("jwtRules"))):
            uri = str(as_map(jr).get("jwksUri") or "")
            if uri.lower().startswith("http://"):
                yield Hit(f"RequestAuthentication {ra.namespace}/{ra.name} fetches the JWKS for "
                          f"issuer {as_map(jr).get('issuer')} over plain HTTP: {uri}",
                          ra.at("spec", "jwtRules", i, "jwksUri"), ra.ref, None, f"jwksUri: {uri}",
                          key=f"jwt/{i}")
