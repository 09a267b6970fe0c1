"""MWP02-MWP14: forged JWTs, each sent once, and the weak-secret check (offline)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from meshward.findings.finding import Severity
from meshward.probe.context import EndpointState, ProbeContext, describe, send
from meshward.probe.jwt import (
    JoseError,
    PrivateKey,
    PublicKey,
    Token,
    b64url,
    default_alg,
    encode,
    jwks_keys,
    load_private_pem,
    load_public_pem,
    parse_token,
    pem_variants,
    public_jwk,
    verify_raw,
)
from meshward.probe.selfcert import PROBE_KID, probe_keys

WEAK_SECRETS = (
    "secret", "Secret", "SECRET", "password", "changeme", "changeit", "your-256-bit-secret",
    "your-secret", "your_secret", "secretkey", "secret-key", "secret_key", "jwt", "jwt_secret",
    "jwt-secret", "jwtsecret", "JWT_SECRET", "mysecret", "my-secret", "my_secret", "supersecret",
    "super-secret", "topsecret", "test", "testing", "dev", "development", "default", "key",
    "private", "admin", "123456", "12345678", "1234567890", "qwerty", "letmein", "s3cr3t",
    "shhhhh", "keyboard cat", "hello", "token", "auth", "example", "secret123", "password123",
    "", "null", "none", "api", "app", "application",
)
CLAIM_RULES = ("MWP05", "MWP06", "MWP07", "MWP08")
ALL_RULES = ("MWP02", "MWP03", "MWP04", "MWP09", "MWP10", "MWP11", "MWP12", "MWP13", "MWP14",
             *CLAIM_RULES)


@dataclass
class Material:
    public_keys: list[tuple[str, PublicKey, bytes]] = field(default_factory=list)
    signing: PrivateKey | bytes | None = None
    signing_source: str = ""
    valid: Token | None = None
    kid: str = ""


def crack(token: Token) -> str | None:
    """The dictionary secret an HMAC token was signed with, if any."""
    alg = str(token.header.get("alg", ""))
    if not alg.startswith("HS"):
        return None
    try:
        from meshward.probe.jwt import b64url_decode

        sig = b64url_decode(token.signature)
    except JoseError:
        return None
    for word in WEAK_SECRETS:
        if verify_raw(alg, token.signing_input.encode(), sig, word.encode()):
            return word
    return None


async def _material(ctx: ProbeContext, st: EndpointState) -> Material:
    ep, m = st.ep, Material()
    if ep.valid_token:
        try:
            m.valid = parse_token(ep.valid_token)
        except JoseError as exc:
            ctx.notice(f"{ep.name}: valid_token is not a usable JWT ({exc}); checks that need it "
                       "are skipped")
    if ep.public_key is not None:
        raw = ep.public_key.read_bytes()
        try:
            m.public_keys.append((ep.kid, load_public_pem(raw), raw))
        except JoseError as exc:
            ctx.notice(f"{ep.name}: public_key {ep.public_key.name}: {exc}")
    if ep.jwks_url:
        resp = await send(ctx, ep, url=ep.jwks_url, method="GET", tls=st.tls)
        try:
            if resp is None or not resp.ok:
                raise JoseError(describe(resp))
            m.public_keys += [(kid, key, b"") for kid, key in jwks_keys(json.loads(resp.body))]
        except (JoseError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            ctx.notice(f"{ep.name}: cannot use JWKS {ep.jwks_url}: {exc}")
    if ep.signing_key is not None:
        raw = ep.signing_key.read_bytes()
        if b"-----BEGIN" in raw:
            try:
                m.signing, m.signing_source = load_private_pem(raw), "signing_key"
            except JoseError as exc:
                ctx.notice(f"{ep.name}: signing_key {ep.signing_key.name}: {exc}")
        else:
            m.signing, m.signing_source = raw.strip(), "signing_key (HMAC secret)"
    m.kid = ep.kid or (str(m.valid.header.get("kid", "")) if m.valid else "") or next(
        (k for k, _, _ in m.public_keys if k), "")
    return m


def _claims(ep: Any, m: Material, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = dict(m.valid.claims) if m.valid else {"sub": "meshward-probe"}
    if ep.issuer:
        claims["iss"] = ep.issuer
    if ep.audience:
        claims["aud"] = ep.audience
    claims.pop("nbf", None)
    claims.update(iat=now, exp=now + 300)
    claims.update(changes)
    return claims


def _header(alg: str, kid: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid:
        out["kid"] = kid
    out.update(extra)
    return out


def _cases(ctx: ProbeContext, st: EndpointState, m: Material
           ) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """``(rule, variant, token)`` to send, and the keyserver nonce of each jku/x5u variant."""
    ep, probe = st.ep, probe_keys().signing_key
    base, out, nonces = _claims(ep, m), [], {}
    for variant in ("none", "None", "NONE", "nOnE"):
        out.append(("MWP02", f"alg {variant}", encode(_header(variant, m.kid), base, None)))
    alg = str(m.valid.header.get("alg", "RS256")) if m.valid else "RS256"
    stripped = (m.valid.signing_input + "." if m.valid
                else encode(_header(alg, m.kid), base, None))
    out.append(("MWP03", "signature removed", stripped))
    if m.valid:
        tampered = {**m.valid.claims, "sub": f"{m.valid.claims.get('sub', '')}-meshward",
                    "meshward_probe": "tampered"}
        head = m.valid.signing_input.split(".")[0]
        body = b64url(json.dumps(tampered, separators=(",", ":")).encode())
        out.append(("MWP04", "payload changed under the original signature",
                    f"{head}.{body}.{m.valid.signature}"))
    else:
        out.append(("MWP04", "signed by a key the issuer never had",
                    encode(_header("RS256", m.kid), base, probe)))
    unknown = f"meshward-unknown-{secrets.token_hex(4)}"
    out.append(("MWP09", f"kid {unknown} (RS256, probe key)",
                encode(_header("RS256", unknown), base, probe)))
    out.append(("MWP09", f"kid {unknown} (HS256, empty secret)",
                encode(_header("HS256", unknown), base, b"")))
    out.append(("MWP09", "kid ../../../../../../dev/null (HS256, empty secret)",
                encode(_header("HS256", "../../../../../../dev/null"), base, b"")))
    for kid, key, raw in m.public_keys:
        for i, pem in enumerate(pem_variants(key, raw)):
            out.append(("MWP10", f"HS256 keyed with public key {kid or '(no kid)'} PEM form {i + 1}",
                        encode(_header("HS256", kid or m.kid), base, pem)))
    # The header-key tricks name the issuer's own kid, so a verifier that merely falls back on
    # unknown kids (MWP09) does not also show up here.
    hkid = m.kid or PROBE_KID
    jwk = public_jwk(probe.public_key(), hkid)
    out.append(("MWP11", "jwk header with the probe's key",
                encode(_header("RS256", hkid, jwk=jwk), base, probe)))
    if ctx.keyserver is not None:
        for rule_id, kind, name in (("MWP12", "jwks", "jku"), ("MWP13", "x5u", "x5u")):
            url, nonce = ctx.keyserver.url(kind, hkid)
            nonces[f"{rule_id}|{name} {url}"] = nonce
            out.append((rule_id, f"{name} {url}",
                        encode(_header("RS256", hkid, **{name: url}), base, probe)))
    if m.signing is not None:
        now, salg = int(time.time()), default_alg(m.signing)
        for rule_id, variant, claims in (
            ("MWP05", "exp one hour ago", _claims(ep, m, iat=now - 7200, exp=now - 3600)),
            ("MWP06", "nbf one hour ahead", _claims(ep, m, nbf=now + 3600)),
            ("MWP07", "iss https://meshward-probe.invalid/",
             _claims(ep, m, iss="https://meshward-probe.invalid/")),
            ("MWP08", "aud meshward-probe-other-service",
             _claims(ep, m, aud="meshward-probe-other-service")),
        ):
            out.append((rule_id, variant, encode(_header(salg, m.kid), claims, m.signing)))
    return [c for c in out if ctx.selected(c[0])], nonces


def _root_causes(accepted: dict[str, list[str]], unknown_kid_used: bool) -> None:
    """Report the cause, not its echoes: a verifier that checks no signature (MWP04) also
    takes every key trick; one that skips unknown kids (MWP09) takes tokens naming none."""
    echoes: list[tuple[str, tuple[str, ...]]] = [("MWP04", ("MWP09", "MWP10", "MWP11", "MWP12",
                                                            "MWP13"))]
    if unknown_kid_used:
        echoes.append(("MWP09", ("MWP11", "MWP12", "MWP13")))
    for cause, covered in echoes:
        if cause in accepted:
            for rule_id in covered:
                for item in accepted.pop(rule_id, []):
                    accepted[cause].append(f"also {item}")


async def jwt_checks(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected(*ALL_RULES):
        return
    if "token" not in ep.expects:
        ctx.skip(ALL_RULES, ep, "the endpoint is not said to demand a token")
        return
    if st.open_door:
        ctx.skip(ALL_RULES, ep, "the endpoint answers without any token (see MWP01)")
        return
    m = await _material(ctx, st)
    if m.valid is not None and ctx.selected("MWP14"):
        word = crack(m.valid)
        if word is not None:
            ctx.hit("MWP14", ep, f"{ep.name}: the valid token is signed with the dictionary "
                    f"secret {word!r}", f"alg {m.valid.header.get('alg')}, secret {word!r}")
            if m.signing is None:
                m.signing, m.signing_source = word.encode(), "the cracked HMAC secret"
    elif m.valid is None:
        ctx.skip(["MWP14"], ep, "needs valid_token")
    if not m.public_keys:
        ctx.skip(["MWP10"], ep, "needs public_key or jwks_url")
    if m.signing is not None and ctx.selected(*CLAIM_RULES):
        control = encode(_header(default_alg(m.signing), m.kid), _claims(ep, m), m.signing)
        resp = await send(ctx, ep, st.token_headers(control), st.tls)
        if resp is None or not resp.ok:
            ctx.skip(CLAIM_RULES, ep, f"a correct token signed with {m.signing_source} was "
                     f"refused ({describe(resp)}); check issuer, audience and kid")
            m.signing = None
    elif m.signing is None:
        ctx.skip(CLAIM_RULES, ep, "needs signing_key (a test issuer's key) or a guessable "
                 "valid_token to sign otherwise-correct tokens")
    cases, nonces = _cases(ctx, st, m)
    answers = await asyncio.gather(*(send(ctx, ep, st.token_headers(tok), st.tls)
                                     for _, _, tok in cases))
    accepted: dict[str, list[str]] = {}
    for (rule_id, variant, _), resp in zip(cases, answers, strict=True):
        if resp is not None and resp.ok:
            accepted.setdefault(rule_id, []).append(f"{variant} -> HTTP {resp.status}")
    _root_causes(accepted, unknown_kid_used=not m.kid)
    for rule_id, items in accepted.items():
        ctx.hit(rule_id, ep, f"{ep.name} accepted a forged token: {items[0].split(' -> ')[0]}",
                "; ".join(items))
    if ctx.keyserver is not None:
        for label, nonce in nonces.items():
            rule_id, variant = label.split("|", 1)
            if rule_id not in accepted and nonce in ctx.keyserver.fetched:
                ctx.hit(rule_id, ep, f"{ep.name} fetched the key URL a forged token named "
                        f"({variant.split()[0]}), then refused the token",
                        f"{variant} fetched", severity=Severity.MEDIUM)
