"""CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2), normalised.

Semantics that differ from Kubernetes NetworkPolicy and matter here:

- a policy puts the endpoints it selects into default deny for a direction when it has a
  non-empty ``ingress``/``ingressDeny`` (``egress``/``egressDeny``) section, unless
  ``enableDefaultDeny`` says false for that direction; an empty list does nothing;
- an empty rule ``{}`` allows nothing (it is the idiom for "default deny");
  a rule with only ``toPorts`` allows every peer on those ports;
- ``fromEndpoints: [{}]`` is every endpoint of the policy's namespace for a namespaced
  policy, of the cluster for a clusterwide one; a selector naming
  ``io.kubernetes.pod.namespace`` chooses namespaces itself;
- ``fromEntities`` ``all``/``world``/``cluster``; ``fromCIDR``/``fromCIDRSet``;
  deny rules win over allow rules.
"""

from __future__ import annotations

from typing import Any

from meshward.model.kubernetes import K8sObject
from meshward.model.source import YMap, as_map, as_seq, line_of
from meshward.zerotrust.peers import (
    CILIUM_NS_KEY,
    CILIUM_NS_LABEL_PREFIX,
    Peer,
    Policy,
    PolicyRule,
    PortMatch,
)
from meshward.zerotrust.selectors import LabelSelector, parse_selector

_PREFIXES = ("k8s:", "any:")
_PEER_KEYS = {
    "ingress": ("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities"),
    "egress": ("toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toFQDNs", "toServices"),
}
_NS_KEYS = (CILIUM_NS_KEY,)


def _selector(value: Any) -> LabelSelector:
    return parse_selector(value, _PREFIXES)


def _mentions_namespace(sel: LabelSelector) -> bool:
    keys = [k for k, _ in sel.match_labels] + [r.key for r in sel.expressions]
    return any(k == CILIUM_NS_KEY for k in keys)


def _ports(raw: YMap) -> tuple[PortMatch, ...] | None:
    out: list[PortMatch] = []
    for tp in as_seq(raw.get("toPorts")):
        for p in as_seq(as_map(tp).get("ports")):
            pm = as_map(p)
            text = str(pm.get("port") or "0").strip()
            port: int | str | None = int(text) if text.isdigit() else text
            if port == 0:
                port = None
            end = pm.get("endPort")
            out.append(PortMatch(port, str(pm.get("protocol") or "ANY").upper(),
                                 end if isinstance(end, int) and not isinstance(end, bool) else None))
    return tuple(out) if out else None


def _peers(raw: YMap, direction: str, namespace: str) -> list[Peer]:
    ep_key, cidr_key, set_key, ent_key = _PEER_KEYS[direction][:4]
    peers: list[Peer] = []
    for sel_raw in as_seq(raw.get(ep_key)):
        sel = _selector(sel_raw)
        ns = "" if _mentions_namespace(sel) else namespace
        peers.append(Peer("pods", pods=sel, namespace=ns, cilium=True))
    for cidr in as_seq(raw.get(cidr_key)):
        peers.append(Peer("cidr", cidr=str(cidr)))
    for item in as_seq(raw.get(set_key)):
        m = as_map(item)
        if m.get("cidr"):
            peers.append(Peer("cidr", cidr=str(m.get("cidr")),
                              excepts=tuple(str(e) for e in as_seq(m.get("except")))))
    entities = tuple(str(e) for e in as_seq(raw.get(ent_key)))
    if entities:
        peers.append(Peer("entity", entities=entities))
    if direction == "egress" and (as_seq(raw.get("toFQDNs")) or as_seq(raw.get("toServices"))):
        peers.append(Peer("cidr", cidr="(named outside destinations)"))
    return peers


def _rules(value: Any, direction: str, namespace: str) -> list[PolicyRule]:
    seq = as_seq(value)
    rules = []
    for i, item in enumerate(seq):
        raw = as_map(item)
        ports = _ports(raw)
        has_peer = any(k in raw for k in _PEER_KEYS[direction])
        if not has_peer and ports is None:
            continue  # `{}`: selects the endpoint into default deny and allows nothing
        peers = tuple(_peers(raw, direction, namespace)) if has_peer else None
        rules.append(PolicyRule(peers, ports, seq.line_at(i) or line_of(raw), i))
    return rules


def _one(obj: K8sObject, spec: YMap, path: tuple[str | int, ...]) -> Policy | None:
    if "nodeSelector" in spec and "endpointSelector" not in spec:
        return None  # host policies select nodes, not pods
    namespace = "" if obj.kind == "CiliumClusterwideNetworkPolicy" else obj.namespace
    default_deny = as_map(spec.get("enableDefaultDeny"))
    off = frozenset(d for d in ("ingress", "egress") if default_deny.get(d) is False)
    directions: dict[str, list[PolicyRule] | None] = {}
    denies: dict[str, list[PolicyRule]] = {}
    for d in ("ingress", "egress"):
        allow, deny = as_seq(spec.get(d)), as_seq(spec.get(f"{d}Deny"))
        directions[d] = _rules(allow, d, namespace) if (allow or deny) else None
        denies[d] = _rules(deny, d, namespace)

    def line(key: str) -> int:
        return obj.line(*path, key) if key in spec else obj.line(*path)

    return Policy(obj, namespace, _selector(spec.get("endpointSelector")), True,
                  directions["ingress"], directions["egress"], line("ingress"), line("egress"),
                  denies["ingress"], denies["egress"], off)


def parse(obj: K8sObject) -> list[Policy]:
    """One policy per rule of ``spec`` and of ``specs``."""
    out: list[Policy] = []
    if isinstance(obj.body.get("spec"), dict):
        pol = _one(obj, obj.spec, ("spec",))
        if pol is not None:
            out.append(pol)
    for i, item in enumerate(as_seq(obj.body.get("specs"))):
        pol = _one(obj, as_map(item), ("specs", i))
        if pol is not None:
            out.append(pol)
    return out


def selects_whole_namespace(pol: Policy, namespace: str, ns_labels: dict[str, str]) -> bool:
    """Does the policy's endpoint selector pick every pod of ``namespace`` whatever its labels?"""
    if pol.namespace and pol.namespace != namespace:
        return False
    sel = pol.selector
    keys = [k for k, _ in sel.match_labels] + [r.key for r in sel.expressions]
    if any(k not in _NS_KEYS and not k.startswith(CILIUM_NS_LABEL_PREFIX) for k in keys):
        return False
    labels = {CILIUM_NS_KEY: namespace}
    labels.update({CILIUM_NS_LABEL_PREFIX + k: v for k, v in ns_labels.items()})
    return sel.matches(labels)
