"""Small JSON schemas for the CRDs meshward generates, written from the documented fields.

Istio: security.istio.io/v1 PeerAuthentication, AuthorizationPolicy, RequestAuthentication
(istio.io/latest/docs/reference/config/security/). Linkerd: policy.linkerd.io/v1beta3
Server and v1alpha1 MeshTLSAuthentication, NetworkAuthentication, AuthorizationPolicy
(linkerd.io/2/reference/authorization-policy/). Backstage: backstage.io/v1alpha1 entities
(backstage.io/docs/features/software-catalog/descriptor-format). Each covers the fields
meshward emits, with ``additionalProperties: false`` so a misspelt field fails.
"""

from __future__ import annotations

from typing import Any

STR = {"type": "string", "minLength": 1}
STRS = {"type": "array", "items": STR}
LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
MATCH = {"type": "object", "additionalProperties": False,
         "properties": {"matchLabels": LABELS}}
LABEL_SELECTOR = {"type": "object", "additionalProperties": False, "properties": {
    "matchLabels": LABELS,
    "matchExpressions": {"type": "array", "items": {
        "type": "object", "required": ["key", "operator"], "additionalProperties": False,
        "properties": {"key": STR, "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                       "values": STRS}}}}}
METADATA = {"type": "object", "required": ["name"], "additionalProperties": False, "properties": {
    "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
    "namespace": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
    "labels": LABELS, "annotations": LABELS, "description": {"type": "string"}}}


def _object(api: str, kind: str, spec: dict[str, Any], namespaced: bool = True) -> dict[str, Any]:
    meta = dict(METADATA)
    if namespaced:
        meta = {**METADATA, "required": ["name", "namespace"]}
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
            "additionalProperties": False,
            "properties": {"apiVersion": {"const": api}, "kind": {"const": kind},
                           "metadata": meta, "spec": spec}}


_SOURCE = {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
    k: STRS for k in ("principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals",
                      "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks",
                      "remoteIpBlocks", "notRemoteIpBlocks")}}
_OPERATION = {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
    "ports": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]+$"}},
    **{k: STRS for k in ("notPorts", "hosts", "notHosts", "methods", "notMethods", "paths",
                         "notPaths")}}}
_RULE = {"type": "object", "additionalProperties": False, "properties": {
    "from": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["source"], "additionalProperties": False,
        "properties": {"source": _SOURCE}}},
    "to": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["operation"], "additionalProperties": False,
        "properties": {"operation": _OPERATION}}},
    "when": {"type": "array"}}}

ISTIO = "security.istio.io/v1"
LINKERD = "policy.linkerd.io"
_REF = {"type": "object", "required": ["kind", "name"], "additionalProperties": False,
        "properties": {"group": {"type": "string"}, "kind": STR, "name": STR, "namespace": STR}}

SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    (ISTIO, "PeerAuthentication"): _object(ISTIO, "PeerAuthentication", {
        "type": "object", "additionalProperties": False, "properties": {
            "selector": MATCH,
            "mtls": {"type": "object", "additionalProperties": False, "properties": {
                "mode": {"enum": ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]}}},
            "portLevelMtls": {"type": "object"}}}),
    (ISTIO, "AuthorizationPolicy"): _object(ISTIO, "AuthorizationPolicy", {
        "type": "object", "additionalProperties": False, "properties": {
            "selector": MATCH, "action": {"enum": ["ALLOW", "DENY", "AUDIT", "CUSTOM"]},
            "rules": {"type": "array", "items": _RULE}}}),
    (ISTIO, "RequestAuthentication"): _object(ISTIO, "RequestAuthentication", {
        "type": "object", "additionalProperties": False, "properties": {
            "selector": MATCH,
            "jwtRules": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["issuer"], "additionalProperties": False,
                "properties": {"issuer": STR, "jwksUri": {"type": "string",
                                                           "pattern": "^https?://"},
                               "audiences": STRS, "jwks": {"type": "string"},
                               "forwardOriginalToken": {"type": "boolean"}}}}}}),
    (f"{LINKERD}/v1beta3", "Server"): _object(f"{LINKERD}/v1beta3", "Server", {
        "type": "object", "required": ["port"], "additionalProperties": False,
        "oneOf": [{"required": ["podSelector"]}, {"required": ["externalWorkloadSelector"]}],
        "properties": {
            "podSelector": LABEL_SELECTOR, "externalWorkloadSelector": LABEL_SELECTOR,
            "port": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 65535},
                               {"type": "string", "pattern": "^[a-z0-9-]{1,15}$"}]},
            "proxyProtocol": {"enum": ["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"]},
            "accessPolicy": {"enum": ["deny", "audit", "all-authenticated",
                                      "all-unauthenticated", "cluster-authenticated",
                                      "cluster-unauthenticated"]}}}),
    (f"{LINKERD}/v1alpha1", "MeshTLSAuthentication"): _object(
        f"{LINKERD}/v1alpha1", "MeshTLSAuthentication", {
            "type": "object", "additionalProperties": False,
            "oneOf": [{"required": ["identities"]}, {"required": ["identityRefs"]}],
            "properties": {"identities": STRS,
                           "identityRefs": {"type": "array", "minItems": 1, "items": _REF}}}),
    (f"{LINKERD}/v1alpha1", "NetworkAuthentication"): _object(
        f"{LINKERD}/v1alpha1", "NetworkAuthentication", {
            "type": "object", "required": ["networks"], "additionalProperties": False,
            "properties": {"networks": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["cidr"], "additionalProperties": False,
                "properties": {"cidr": STR, "except": STRS}}}}}),
    (f"{LINKERD}/v1alpha1", "AuthorizationPolicy"): _object(
        f"{LINKERD}/v1alpha1", "AuthorizationPolicy", {
            "type": "object", "required": ["targetRef", "requiredAuthenticationRefs"],
            "additionalProperties": False,
            "properties": {"targetRef": _REF,
                           "requiredAuthenticationRefs": {"type": "array", "items": _REF}}}),
}

_ENTITY_META = {"type": "object", "required": ["name"], "additionalProperties": False,
                "properties": {"name": {"type": "string",
                                        "pattern": r"^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$",
                                        "maxLength": 63},
                               "description": {"type": "string"}, "annotations": LABELS,
                               "labels": LABELS, "tags": STRS}}


def _entity(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
            "additionalProperties": False,
            "properties": {"apiVersion": {"const": "backstage.io/v1alpha1"},
                           "kind": {"const": kind}, "metadata": _ENTITY_META, "spec": spec}}


_REFS = {"type": "array", "items": {"type": "string", "pattern": r"^([a-z]+:)?[a-z0-9/_.-]+$"}}
for _kind, _required, _extra in (
        ("Component", ["type", "lifecycle", "owner"], {"providesApis": _REFS}),
        ("Resource", ["type", "owner"], {}),
        ("API", ["type", "lifecycle", "owner", "definition"], {"definition": STR})):
    SCHEMAS[("backstage.io/v1alpha1", _kind)] = _entity(_kind, {
        "type": "object", "required": _required, "additionalProperties": False,
        "properties": {"type": STR, "lifecycle": STR, "owner": STR, "system": STR,
                       "dependsOn": _REFS, **_extra}})
