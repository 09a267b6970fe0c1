"""MWP20-MWP27: plaintext, old TLS versions, the server certificate, and mTLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import fnmatch
import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from meshward.probe.context import EndpointState, ProbeContext, describe, send
from meshward.probe.http import ConnectFailed, TlsOptions, legacy_tls_unavailable
from meshward.probe.selfcert import probe_keys

# Answers that mean "you must use TLS" or "you must present a client certificate".
PLAINTEXT_REFUSED = frozenset({400, 426, 497})
CERT_REFUSED = frozenset({400, 403, 495, 496})
CERT_RULES = ("MWP23", "MWP24", "MWP25")


async def plaintext(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected("MWP20"):
        return
    if ep.scheme == "http":
        resp = await send(ctx, ep, st.token_headers(ep.valid_token))
        if resp is not None:
            ctx.hit("MWP20", ep, f"{ep.name} is served over plaintext HTTP",
                    f"{ep.methods[0]} {ep.url} -> HTTP {resp.status}", key="http-url")
        return
    parts = urlsplit(ep.url)
    url = urlunsplit(("http", ep.origin.split("://", 1)[1], parts.path or "/", parts.query, ""))
    resp = await send(ctx, ep, url=url)
    if resp is not None and resp.status not in PLAINTEXT_REFUSED:
        ctx.hit("MWP20", ep, f"{ep.name}: the TLS port {ep.port} also answers plaintext HTTP",
                f"GET {url} -> HTTP {resp.status}", key="tls-port")


# Why the TLS checks cannot run on an http:// URL (said, so they do not count as passed).
NO_TLS = "a plaintext http:// URL has no TLS to inspect"


async def legacy_versions(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if ep.scheme != "https":
        ctx.skip(["MWP21", "MWP22"], ep, NO_TLS)
        return
    for rule_id, version in (("MWP21", "TLSv1"), ("MWP22", "TLSv1_1")):
        if not ctx.selected(rule_id):
            continue
        why = legacy_tls_unavailable(version)
        if why:
            ctx.skip([rule_id], ep, f"the local OpenSSL cannot offer {version.replace('_', '.')} "
                     f"({why})")
            continue
        try:
            hs = await ctx.client.handshake(ep.host, ep.port, TlsOptions(
                version=version, client_cert=ep.client_cert, client_key=ep.client_key),
                ep.server_name)
        except ConnectFailed:
            continue
        ctx.hit(rule_id, ep, f"{ep.name} completes a {hs.version} handshake",
                f"handshake pinned to {version.replace('_', '.')} negotiated {hs.version}",
                key=version)


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and cert.signature_hash_algorithm is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                       cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and cert.signature_hash_algorithm:
            key.verify(cert.signature, cert.tbs_certificate_bytes,
                       ec.ECDSA(cert.signature_hash_algorithm))
        else:
            return True
    except InvalidSignature:
        return False
    return True


def name_matches(cert: x509.Certificate, host: str) -> bool:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return ip in san.get_values_for_type(x509.IPAddress)
    host = host.lower().rstrip(".")
    for name in san.get_values_for_type(x509.DNSName):
        name = name.lower().rstrip(".")
        if name == host or (name.startswith("*.") and host.count(".") == name.count(".")
                            and fnmatch.fnmatchcase(host, name)):
            return True
    return False


async def certificate(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected(*CERT_RULES):
        return
    if ep.scheme != "https":
        ctx.skip(CERT_RULES, ep, NO_TLS)
        return
    try:
        hs = await ctx.client.handshake(ep.host, ep.port, st.tls, ep.server_name)
        cert = x509.load_der_x509_certificate(hs.der)
    except (ConnectFailed, ValueError) as exc:
        ctx.skip(CERT_RULES, ep, f"no certificate to inspect ({exc})")
        return
    now = dt.datetime.now(dt.UTC)
    subject = cert.subject.rfc4514_string() or "(empty subject)"
    if ctx.selected("MWP23") and not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        when = (f"expired {cert.not_valid_after_utc:%Y-%m-%d %H:%M}Z" if now > cert.not_valid_after_utc
                else f"valid only from {cert.not_valid_before_utc:%Y-%m-%d %H:%M}Z")
        ctx.hit("MWP23", ep, f"{ep.name}: the server certificate {when}", f"{subject}: {when}")
    expected = ep.server_name or ep.host
    if ctx.selected("MWP25") and not name_matches(cert, expected):
        ctx.hit("MWP25", ep, f"{ep.name}: the server certificate is not for {expected}",
                f"{subject} has no subjectAltName matching {expected}")
    if ctx.selected("MWP24"):
        await _trust(ctx, st, cert, subject)


async def _trust(ctx: ProbeContext, st: EndpointState, cert: x509.Certificate, subject: str
                 ) -> None:
    ep = st.ep
    trusted_by = f"the CA file {ep.ca.name}" if ep.ca else "the system trust store"
    if _self_signed(cert):
        if ep.ca is None or cert.public_bytes(Encoding.PEM) not in ep.ca.read_bytes():
            ctx.hit("MWP24", ep, f"{ep.name}: the server certificate is self-signed",
                    f"{subject} signed itself; not in {trusted_by}")
        return
    try:
        await ctx.client.handshake(ep.host, ep.port, TlsOptions(
            verify=True, ca=ep.ca, client_cert=ep.client_cert, client_key=ep.client_key),
            ep.server_name)
    except ConnectFailed as exc:
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text and "expired" not in text \
                and "not yet valid" not in text:
            found = re.search(r"certificate verify failed: ([^(]+)", text)
            reason = found.group(1).strip() if found else text
            ctx.hit("MWP24", ep, f"{ep.name}: the server certificate does not chain to "
                    f"{trusted_by}", f"{subject}: {reason}")


async def mtls(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected("MWP26", "MWP27"):
        return
    if "client_cert" not in ep.expects:
        ctx.skip(["MWP26", "MWP27"], ep, "the endpoint is not said to demand a client "
                 "certificate (expects: client_cert in a targets file)")
        return
    if ep.scheme != "https":
        ctx.skip(["MWP26", "MWP27"], ep, "mTLS needs an https:// URL")
        return
    keys = probe_keys()
    headers = st.token_headers(ep.valid_token)
    plans = [("MWP26", TlsOptions(), "without a client certificate"),
             ("MWP27", TlsOptions(client_cert=keys.client_cert, client_key=keys.client_key),
              "with a client certificate from an untrusted CA")]
    plans = [p for p in plans if ctx.selected(p[0])]
    answers = await asyncio.gather(*(send(ctx, ep, headers, tls) for _, tls, _ in plans))
    for (rule_id, _, how), resp in zip(plans, answers, strict=True):
        if resp is not None and resp.status not in CERT_REFUSED:
            ctx.hit(rule_id, ep, f"{ep.name} answered a request {how}",
                    f"{ep.methods[0]} {ep.url} {how} -> {describe(resp)}")

