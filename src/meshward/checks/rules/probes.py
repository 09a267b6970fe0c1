"""MWP01-MWP40: the checks `meshward probe` runs against live endpoints (Mode.VERIFY).

They are rules so that `meshward rules`, `explain` and the docs list them, but a
static scan has nothing to send: their ``check`` yields nothing. The probe runner
(:mod:`meshward.probe.runner`) produces their findings.
"""

from __future__ import annotations

from meshward.checks.registry import Rule, not_at_rest
from meshward.findings.finding import Mode, Severity

_JWT = ("AUTH-JWT", "AUTH-PENTEST")
_RFC8725 = "https://www.rfc-editor.org/rfc/rfc8725"
_PROBE_DOC = "https://github.com/meshward/meshward/blob/main/docs/probe.md"



def _probe(id: str, title: str, severity: Severity, practices: tuple[str, ...], cwe: str,
           rationale: str, remediation: str, *refs: str) -> Rule:
    return Rule(id=id, title=title, severity=severity, practices=practices, rationale=rationale,
                remediation=remediation, check=not_at_rest, references=(*refs, _PROBE_DOC),
                targets=("files",), cwe=cwe,
                mode=Mode.VERIFY, command="probe",
                example_fail="meshward probe targets.yaml   # the endpoint accepts the request",
                example_pass="meshward probe targets.yaml   # the endpoint rejects it")


NO_CREDENTIALS = _probe(
    "MWP01", "Endpoint answers without a token", Severity.CRITICAL, ("AUTH-PENTEST",),
    "CWE-306",
    "The targets file says the endpoint demands a token, yet a request without one (carrying "
    "only the client certificate, if the endpoint has one) got a 2xx answer: anyone who can "
    "reach it can use it.",
    "Authenticate every request at the service (and at the gateway): reject requests without "
    "a valid token or client certificate with 401/403.")
ALG_NONE = _probe(
    "MWP02", "Unsigned JWT (alg none) accepted", Severity.CRITICAL, _JWT, "CWE-347",
    "A token whose header says `alg: none` (or a case variant such as `None`, `NONE`) carries "
    "no signature; accepting it lets anyone mint any identity.",
    "Pin the accepted algorithms in the verifier (e.g. only RS256/ES256) and never take the "
    "algorithm from the token header.", _RFC8725)
SIGNATURE_STRIPPED = _probe(
    "MWP03", "JWT with its signature stripped accepted", Severity.CRITICAL, _JWT, "CWE-347",
    "A token with a valid header and claims but an empty signature was accepted: the verifier "
    "skips verification when no signature is present.",
    "Reject tokens whose signature is missing or does not verify; use a maintained JWT library "
    "with verification on.", _RFC8725)
SIGNATURE_NOT_VERIFIED = _probe(
    "MWP04", "Tampered JWT accepted (signature not verified)", Severity.CRITICAL, _JWT, "CWE-347",
    "A token whose payload was changed under its original signature (or that was signed by a key "
    "the issuer never had) was accepted: the signature is decoded but not verified.",
    "Verify the signature against the issuer's keys before reading any claim.", _RFC8725)
EXPIRED = _probe(
    "MWP05", "Expired JWT accepted", Severity.HIGH, _JWT, "CWE-613",
    "A correctly signed token whose `exp` lies an hour in the past was accepted: stolen tokens "
    "never stop working.",
    "Check `exp` (with at most a minute of clock skew) on every request.", _RFC8725)
NOT_YET_VALID = _probe(
    "MWP06", "Not-yet-valid JWT accepted", Severity.MEDIUM, _JWT, "CWE-613",
    "A correctly signed token whose `nbf` lies an hour in the future was accepted.",
    "Check `nbf` (and `iat`) with a small clock-skew allowance.", _RFC8725)
WRONG_ISSUER = _probe(
    "MWP07", "JWT from the wrong issuer accepted", Severity.HIGH, _JWT, "CWE-287",
    "A correctly signed token naming another issuer (`iss`) was accepted: tokens minted for "
    "another realm or tenant are honoured here.",
    "Require `iss` to equal the expected issuer.", _RFC8725)
WRONG_AUDIENCE = _probe(
    "MWP08", "JWT for another audience accepted", Severity.HIGH, _JWT, "CWE-287",
    "A correctly signed token meant for another service (`aud`) was accepted: a token leaked "
    "from any service of the fleet opens this one.",
    "Require `aud` to contain this service's audience.", _RFC8725)
UNKNOWN_KID = _probe(
    "MWP09", "JWT with an unknown key id accepted", Severity.HIGH, _JWT, "CWE-347",
    "A token whose `kid` names no key of the issuer (including a path such as ../../dev/null "
    "with an empty HMAC secret) was accepted: the verifier falls back to no key or an empty one.",
    "Look the `kid` up in the issuer's JWKS only and reject tokens whose key is unknown.",
    _RFC8725)
KEY_CONFUSION = _probe(
    "MWP10", "RS256-to-HS256 key confusion accepted", Severity.CRITICAL, _JWT, "CWE-327",
    "A token signed with HS256 using the issuer's public key as the HMAC secret was accepted: "
    "anyone holding the public key can mint tokens.",
    "Bind each key to one algorithm; never let the token header choose HMAC for an RSA or EC "
    "key.", _RFC8725)
EMBEDDED_JWK = _probe(
    "MWP11", "JWT verified with a key embedded in its own header", Severity.CRITICAL, _JWT,
    "CWE-347",
    "A token carrying the probe's own public key in a `jwk` header, signed with the matching "
    "private key, was accepted: the token vouches for itself.",
    "Ignore `jwk` headers; verify only with the issuer's configured keys.", _RFC8725)
JKU = _probe(
    "MWP12", "JWT key fetched from the token's jku URL", Severity.CRITICAL, _JWT, "CWE-918",
    "A token whose `jku` header pointed at a JWKS the probe served was accepted (or the "
    "service fetched that URL: server-side request forgery).",
    "Ignore `jku`, or match it against a fixed allowlist of the issuer's JWKS URLs.", _RFC8725)
X5U = _probe(
    "MWP13", "JWT key fetched from the token's x5u URL", Severity.CRITICAL, _JWT, "CWE-918",
    "A token whose `x5u` header pointed at a certificate the probe served was accepted (or the "
    "service fetched that URL).",
    "Ignore `x5u`/`x5c` unless the chain is validated against a pinned issuer CA.", _RFC8725)
WEAK_SECRET = _probe(
    "MWP14", "JWT signed with a guessable HMAC secret", Severity.HIGH, _JWT, "CWE-521",
    "The supplied valid token is HMAC-signed with a secret from a small dictionary of common "
    "secrets: anyone can mint tokens offline.",
    "Use asymmetric signatures (RS256/ES256), or at least a random secret of 256 bits kept in a "
    "secret manager; rotate it now.", _RFC8725)
PLAINTEXT = _probe(
    "MWP20", "Plaintext HTTP accepted", Severity.HIGH, ("TLS-CONFIG",), "CWE-319",
    "The endpoint answers plain HTTP (on its own http:// URL, or on its TLS port): tokens and "
    "data cross the network readable and modifiable.",
    "Serve only TLS on the port; redirect or refuse plaintext at a separate port.")
TLS10 = _probe(
    "MWP21", "TLS 1.0 accepted", Severity.MEDIUM, ("TLS-CONFIG",), "CWE-326",
    "A handshake pinned to TLS 1.0 completed; the protocol is deprecated (RFC 8996).",
    "Set the minimum protocol to TLS 1.2 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`).",
    "https://www.rfc-editor.org/rfc/rfc8996")
TLS11 = _probe(
    "MWP22", "TLS 1.1 accepted", Severity.MEDIUM, ("TLS-CONFIG",), "CWE-326",
    "A handshake pinned to TLS 1.1 completed; the protocol is deprecated (RFC 8996).",
    "Set the minimum protocol to TLS 1.2.", "https://www.rfc-editor.org/rfc/rfc8996")
CERT_EXPIRED = _probe(
    "MWP23", "Server certificate expired or not yet valid", Severity.HIGH, ("TLS-CONFIG",),
    "CWE-298",
    "The certificate the endpoint presents is outside its validity period: clients either fail "
    "or have been told to ignore certificate errors.",
    "Renew the certificate and automate renewal (cert-manager, ACME).")
CERT_UNTRUSTED = _probe(
    "MWP24", "Server certificate self-signed or from an untrusted CA", Severity.HIGH,
    ("TLS-CONFIG",), "CWE-295",
    "The certificate does not chain to the CA given in the targets file (`ca`) or the system "
    "trust store: clients can only talk to it with verification off.",
    "Issue the certificate from the fleet's CA (or a public CA) and give clients that CA.")
CERT_NAME = _probe(
    "MWP25", "Server certificate names another host", Severity.HIGH, ("TLS-CONFIG",), "CWE-297",
    "No subjectAltName of the certificate matches the host the endpoint is reached by.",
    "Issue the certificate for the names clients use (DNS names and IPs in subjectAltName).")
MTLS_NO_CERT = _probe(
    "MWP26", "mTLS not enforced: no client certificate needed", Severity.HIGH, ("TLS-MTLS",),
    "CWE-295",
    "The endpoint should demand a client certificate, but a connection without one completed "
    "and the request was answered.",
    "Require client certificates (nginx `ssl_verify_client on;`, Python `CERT_REQUIRED`, mesh "
    "PeerAuthentication STRICT).")
MTLS_UNTRUSTED = _probe(
    "MWP27", "mTLS accepts a client certificate from an untrusted CA", Severity.CRITICAL,
    ("TLS-MTLS",), "CWE-295",
    "A client certificate from a CA the probe made up was accepted: any certificate works, so "
    "mTLS authenticates nobody.",
    "Verify client certificates against the fleet's CA only (not `optional_no_ca`).")
NO_RATE_LIMIT = _probe(
    "MWP30", "No rate limit within a bounded burst", Severity.MEDIUM, ("ENV-EDGE",), "CWE-770",
    "A burst of requests (at most the configured `burst`, 200 by default) got no 429/503 "
    "answer: the edge does not throttle clients.",
    "Rate limit at the gateway (nginx `limit_req`, Envoy local rate limit, ingress annotations) "
    "with limits close to real traffic.")
DEBUG_ENDPOINT = _probe(
    "MWP31", "Debug or admin endpoint answers on a public port", Severity.HIGH,
    ("ENV-EDGE", "ENV-PORTS"), "CWE-215",
    "A debug or admin path (/actuator/env, /debug/pprof/, /.env, /server-status, /metrics) "
    "answered with its content, without credentials, on a port the public reaches.",
    "Serve admin and debug endpoints on a separate, private port, or remove them; deny the "
    "paths at the gateway.")
PRIVATE_PORT = _probe(
    "MWP32", "Private port reachable from the probe", Severity.HIGH, ("ENV-PORTS",), "CWE-668",
    "A port the inventory (or `private_ports`) says is private accepted a connection from where "
    "the probe runs.",
    "Close the port to outside traffic: NetworkPolicy, security groups, or bind it to loopback.")
