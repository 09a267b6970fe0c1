"""Istio semantics: sidecar injection, PeerAuthentication precedence, authorization scope.

- Injection: a pod is not injected when the namespace label ``istio-injection=disabled``
  or the pod label/annotation ``sidecar.istio.io/inject: "false"`` says so; it is injected
  when ``istio-injection=enabled``, ``istio.io/rev`` or ``sidecar.istio.io/inject: "true"``
  says so; otherwise not (the default ``enableNamespacesByDefault`` is false).
- PeerAuthentication: workload (selector) > namespace (no selector) > mesh (root namespace,
  no selector); ``UNSET`` or no ``mtls`` inherits; with no policy at all the mode is
  PERMISSIVE. ``portLevelMtls`` applies only with a selector; selector policies in the root
  namespace are ignored.
- AuthorizationPolicy applies to workloads of its namespace (all, or those its selector
  matches), and from the root namespace to every namespace. CUSTOM, then DENY, then ALLOW:
  a workload with no ALLOW policy allows every request; with one, only what matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meshward.cache import once
from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location, as_map
from meshward.zerotrust.selectors import parse_selector

ROOT_NAMESPACE = "istio-system"
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease", ROOT_NAMESPACE})
MODES = ("UNSET", "DISABLE", "PERMISSIVE", "STRICT")


def is_istio(obj: K8sObject) -> bool:
    return obj.group.endswith("istio.io")


def in_use(inv: Inventory) -> bool:
    """Istio resources, injection labels on namespaces or pods (computed once per inventory)."""
    return once(inv, "istio.in_use", lambda: _in_use(inv))


def _in_use(inv: Inventory) -> bool:
    if any(is_istio(o) for o in inv.objects):
        return True
    for ns in inv.by_kind("Namespace"):
        if ns.labels.get("istio-injection") == "enabled" or "istio.io/rev" in ns.labels:
            return True
    return any(w.pod_labels.get("sidecar.istio.io/inject") == "true" or "istio.io/rev" in w.pod_labels
               for w in inv.workloads)


@dataclass(frozen=True)
class Injection:
    injected: bool | None  # None: the files do not say (no Namespace object, no pod setting)
    reason: str
    location: Location | None = None


def _pod_inject(w: Workload) -> tuple[str | None, Location | None]:
    for where, values in (("labels", w.pod_labels), ("annotations", w.pod_annotations)):
        value = values.get("sidecar.istio.io/inject")
        if value is not None:
            path = (*w.pod_spec_path[:-1], "metadata", where, "sidecar.istio.io/inject")
            return value.strip().lower(), w.obj.at(*path)
    return None, None


def injection(inv: Inventory, w: Workload) -> Injection:
    if w.namespace in SYSTEM_NAMESPACES:
        return Injection(False, f"Istio never injects into {w.namespace}")
    ns = once(inv, "istio.namespaces",
              lambda: {o.name: o for o in reversed(inv.by_kind("Namespace"))}).get(w.namespace)
    ns_label = ns.labels.get("istio-injection") if ns else None
    pod_value, pod_loc = _pod_inject(w)
    if ns is not None and ns_label == "disabled":
        return Injection(False, f"namespace {w.namespace} is labelled istio-injection=disabled",
                         ns.at("metadata", "labels", "istio-injection"))
    if pod_value == "false":
        return Injection(False, "the pod template sets sidecar.istio.io/inject: \"false\"", pod_loc)
    if pod_value == "true" or "istio.io/rev" in w.pod_labels:
        return Injection(True, "the pod template asks for injection", pod_loc)
    if ns is not None and (ns_label == "enabled" or "istio.io/rev" in ns.labels):
        return Injection(True, f"namespace {w.namespace} has injection enabled")
    if ns is not None:
        return Injection(False, f"namespace {w.namespace} has no injection label")
    return Injection(None, f"namespace {w.namespace} is not in the scanned files")


@dataclass
class Mtls:
    mode: str
    source: K8sObject | None  # the PeerAuthentication deciding it; None: Istio's default
    ports: dict[int, tuple[str, K8sObject]] = field(default_factory=dict)
    overridden: list[tuple[str, K8sObject]] = field(default_factory=list)  # (mode, policy) replaced


def pa_mode(obj: K8sObject) -> str:
    mode = str(as_map(obj.spec.get("mtls")).get("mode") or "UNSET").upper()
    return mode if mode in MODES else "UNSET"


def _has_selector(obj: K8sObject) -> bool:
    return bool(as_map(obj.spec.get("selector")).get("matchLabels")) or \
        bool(as_map(obj.spec.get("selector")).get("matchExpressions"))


def _first(objs: list[K8sObject]) -> K8sObject | None:
    return min(objs, key=lambda o: o.location) if objs else None


def mesh_policy(inv: Inventory, root: str = ROOT_NAMESPACE) -> K8sObject | None:
    return _first([o for o in inv.by_kind("PeerAuthentication")
                   if is_istio(o) and o.namespace == root and not _has_selector(o)])


def selects(obj: K8sObject, w: Workload) -> bool:
    """A workload-selector policy (``spec.selector.matchLabels``) choosing ``w``."""
    sel = as_map(obj.spec.get("selector"))
    return parse_selector({"matchLabels": sel.get("matchLabels")}).matches(w.pod_labels)


def _pas_by_namespace(inv: Inventory) -> dict[str, list[K8sObject]]:
    out: dict[str, list[K8sObject]] = {}
    for o in inv.by_kind("PeerAuthentication"):
        if is_istio(o):
            out.setdefault(o.namespace, []).append(o)
    return out


def effective_mtls(inv: Inventory, w: Workload, root: str = ROOT_NAMESPACE) -> Mtls:
    """The mTLS mode that applies to ``w`` (computed once per workload and inventory)."""
    cache: dict[int, Mtls] = once(inv, f"istio.mtls:{root}", dict)
    if id(w) not in cache:
        cache[id(w)] = _effective_mtls(inv, w, root)
    return cache[id(w)]


def _effective_mtls(inv: Inventory, w: Workload, root: str) -> Mtls:
    pas = once(inv, "istio.pas", lambda: _pas_by_namespace(inv)).get(w.namespace, [])
    chain: list[K8sObject | None] = [once(inv, f"istio.mesh:{root}", lambda: mesh_policy(inv, root))]
    if w.namespace != root:
        chain.append(_first([o for o in pas if o.namespace == w.namespace and not _has_selector(o)]))
    workload_pa = None
    if w.namespace != root:
        workload_pa = _first([o for o in pas if o.namespace == w.namespace and _has_selector(o)
                              and selects(o, w)])
    chain.append(workload_pa)
    out = Mtls("PERMISSIVE", None)
    for pa in chain:
        if pa is None:
            continue
        mode = pa_mode(pa)
        if mode != "UNSET":
            if out.source is not None or mode != out.mode:
                out.overridden.append((out.mode, pa))
            out.mode, out.source = mode, pa
    if workload_pa is not None:
        for port, value in as_map(workload_pa.spec.get("portLevelMtls")).items():
            mode = str(as_map(value).get("mode") or "UNSET").upper()
            if str(port).isdigit() and mode in MODES and mode != "UNSET":
                out.ports[int(port)] = (mode, workload_pa)
    return out


def policy_applies(obj: K8sObject, w: Workload, root: str = ROOT_NAMESPACE) -> bool:
    """Does this AuthorizationPolicy / RequestAuthentication apply to the workload's sidecar?"""
    if obj.namespace not in (w.namespace, root):
        return False
    if obj.spec.get("targetRef") or obj.spec.get("targetRefs"):
        return False  # gateways and waypoints, not sidecars
    if "selector" not in obj.spec:
        return True
    return selects(obj, w)


def action(obj: K8sObject) -> str:
    return str(obj.spec.get("action") or "ALLOW").upper()
