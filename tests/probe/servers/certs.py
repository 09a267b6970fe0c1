"""Certificates and keys the probe tests use: a CA, server certificates good and bad, an
identity provider's signing key, and tokens it issues."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

ISSUER = "https://idp.test.local/"
AUDIENCE = "orders"
KID = "idp-1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Pki:
    folder: Path
    ca_pem: Path
    server: dict[str, tuple[Path, Path]]  # variant -> (cert chain, key)
    client_cert: Path
    client_key: Path
    idp_key: rsa.RSAPrivateKey
    idp_private_pem: Path
    idp_public_pem: Path

    def token(self, **changes: Any) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": now, "exp": now + 3600}
        claims.update(changes)
        head = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": KID}).encode())
        body = _b64(json.dumps(claims).encode())
        sig = self.idp_key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{head}.{body}.{_b64(sig)}"

    def hs_token(self, secret: bytes) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": now, "exp": now + 3600}
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
        body = _b64(json.dumps(claims).encode())
        sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(sig)}"

    def jwks(self) -> dict[str, Any]:
        nums = self.idp_key.public_key().public_numbers()
        n = nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")
        return {"keys": [{"kty": "RSA", "kid": KID, "alg": "RS256", "use": "sig", "n": _b64(n),
                          "e": _b64(nums.e.to_bytes(3, "big"))}]}


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    c, k = folder / "self-signed.pem", folder / "self-signed.key"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return c, k


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    ca_pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    now = dt.datetime.now(dt.UTC)
    leaves = {
        "good": ca.issue_cert("localhost", "127.0.0.1"),
        "expired": ca.issue_cert("localhost", "127.0.0.1", not_before=now - dt.timedelta(days=10),
                                 not_after=now - dt.timedelta(days=1)),
        "wrong_name": ca.issue_cert("other.example"),
    }
    server: dict[str, tuple[Path, Path]] = {}
    for name, leaf in leaves.items():
        chain, key = folder / f"{name}.pem", folder / f"{name}.key"
        chain.write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
        leaf.private_key_pem.write_to_path(str(key))
        server[name] = (chain, key)
    server["self_signed"] = _self_signed(folder)
    client = ca.issue_cert("orders-client")
    client_cert, client_key = folder / "client.pem", folder / "client.key"
    client_cert.write_bytes(b"".join(b.bytes() for b in client.cert_chain_pems))
    client.private_key_pem.write_to_path(str(client_key))
    idp = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    priv, pub = folder / "idp.key", folder / "idp.pub.pem"
    priv.write_bytes(idp.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    pub.write_bytes(idp.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return Pki(folder, ca_pem, server, client_cert, client_key, idp, priv, pub)
