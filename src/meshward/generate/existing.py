"""Policies already in the tree: a generated object is not written twice.

An object is *kept* (not generated) when the tree has one of the same kind, namespace and
name, or an equivalent one: a NetworkPolicy that already allows the same traffic
(matchLabels/matchExpressions of the selectors are evaluated; ipBlocks never count),
a mesh-wide STRICT PeerAuthentication, a namespace-wide empty AuthorizationPolicy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject
from meshward.model.source import as_map, as_seq

NS_LABEL = "kubernetes.io/metadata.name"


def selector_matches(raw: Any, labels: dict[str, str]) -> bool:
    """Label selector semantics (matchLabels AND matchExpressions); ``{}`` selects all."""
    sel = as_map(raw)
    for k, v in as_map(sel.get("matchLabels")).items():
        if labels.get(str(k)) != ("" if v is None else str(v)):
            return False
    for item in as_seq(sel.get("matchExpressions")):
        req = as_map(item)
        key, op = str(req.get("key")), str(req.get("operator"))
        values = {str(v) for v in as_seq(req.get("values"))}
        ok = {"In": key in labels and labels[key] in values,
              "NotIn": key not in labels or labels[key] not in values,
              "Exists": key in labels, "DoesNotExist": key not in labels}.get(op, False)
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class Endpoint:
    """Pods by labels in a namespace; ``None`` labels: addresses outside the cluster."""

    namespace: str
    labels: dict[str, str] | None


class Existing:
    """The policies of the tree, looked up by key and by the traffic they allow."""

    def __init__(self, inv: Inventory) -> None:
        kinds = ("NetworkPolicy", "PeerAuthentication", "AuthorizationPolicy",
                 "RequestAuthentication", "Server", "MeshTLSAuthentication",
                 "NetworkAuthentication")
        self.objects: dict[tuple[str, str, str], K8sObject] = {}
        for obj in inv.by_kind(*kinds):
            self.objects.setdefault((obj.kind, obj.namespace, obj.name), obj)
        self.netpols = inv.by_kind("NetworkPolicy")
        self.peer_auths = inv.by_kind("PeerAuthentication")
        self.authz = inv.by_kind("AuthorizationPolicy")

    def same(self, kind: str, namespace: str, name: str) -> K8sObject | None:
        return self.objects.get((kind, namespace, name))

    # NetworkPolicy --------------------------------------------------------------------------
    def _types(self, obj: K8sObject) -> set[str]:
        raw = obj.spec.get("policyTypes")
        if isinstance(raw, list) and raw:
            return {str(t) for t in raw}
        return {"Ingress"} | ({"Egress"} if as_seq(obj.spec.get("egress")) else set())

    def default_deny(self, namespace: str) -> K8sObject | None:
        """A policy selecting every pod of ``namespace`` that denies both directions."""
        for obj in self.netpols:
            if obj.namespace != namespace or as_map(obj.spec.get("podSelector")):
                continue
            if self._types(obj) >= {"Ingress", "Egress"} and not as_seq(
                    obj.spec.get("ingress")) and not as_seq(obj.spec.get("egress")):
                return obj
        return None

    def allows(self, direction: str, subject: Endpoint, peer: Endpoint,
               port: int | None, protocol: str) -> K8sObject | None:
        """A policy selecting ``subject`` with a rule admitting ``peer`` on ``port``."""
        assert subject.labels is not None
        kind, peer_key = ("Ingress", "from") if direction == "ingress" else ("Egress", "to")
        for obj in self.netpols:
            if obj.namespace != subject.namespace or kind not in self._types(obj):
                continue
            if not selector_matches(obj.spec.get("podSelector"), subject.labels):
                continue
            for raw in as_seq(obj.spec.get(direction)):
                r = as_map(raw)
                if not _ports_ok(r.get("ports"), port, protocol):
                    continue
                peers = as_seq(r.get(peer_key))
                if not peers or any(_peer_ok(as_map(p), obj.namespace, peer) for p in peers):
                    return obj
        return None


def _ports_ok(raw: Any, port: int | None, protocol: str) -> bool:
    items = [as_map(p) for p in as_seq(raw)]
    if not items:
        return True
    for p in items:
        if str(p.get("protocol") or "TCP").upper() != protocol:
            continue
        value = p.get("port")
        if value is None:
            return True
        if port is None or isinstance(value, str):
            continue  # a named port is not proven equivalent
        end = p.get("endPort")
        if value == port or (isinstance(end, int) and value <= port <= end):
            return True
    return False


def _peer_ok(raw: Any, policy_ns: str, peer: Endpoint) -> bool:
    peer_map = as_map(raw)
    if "ipBlock" in peer_map:
        return False
    if peer.labels is None:
        return False
    if "namespaceSelector" in peer_map:
        if not selector_matches(peer_map.get("namespaceSelector"), {NS_LABEL: peer.namespace}):
            return False
    elif peer.namespace != policy_ns:
        return False
    return "podSelector" not in peer_map or selector_matches(peer_map.get("podSelector"),
                                                             peer.labels)
