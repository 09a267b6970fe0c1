"""Keys and certificates the probe makes for itself (never trusted by anyone sane).

- the attacker key behind embedded ``jwk``, ``jku`` and ``x5u`` tokens, with a
  self-signed certificate for ``x5u``;
- a throwaway CA and a client certificate it issued, for the mTLS check;
- a self-signed server certificate for the in-memory TLS capability test.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import ssl
import tempfile
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PROBE_KID = "meshward-probe-key"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(subject: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
              issuer: str = "", issuer_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
              ca: bool = False, names: tuple[str, ...] = ()) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject)).issuer_name(_name(issuer or subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def pem_key(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class ProbeKeys:
    """The probe's own key material; files live in a temporary folder for ``ssl``."""

    signing_key: rsa.RSAPrivateKey
    signing_cert_pem: bytes
    client_cert: Path
    client_key: Path
    folder: Path


@cache
def probe_keys() -> ProbeKeys:
    folder = Path(tempfile.mkdtemp(prefix="meshward-probe-"))
    atexit.register(shutil.rmtree, folder, True)
    signing = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_cert = make_cert("meshward probe attacker key", signing)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = make_cert("meshward-probe-client", client_key, "meshward untrusted probe CA", ca_key,
                       names=("meshward-probe-client",))
    (folder / "client.pem").write_bytes(pem_cert(client))
    (folder / "client.key").write_bytes(pem_key(client_key))
    return ProbeKeys(signing, pem_cert(signing_cert), folder / "client.pem",
                     folder / "client.key", folder)


@cache
def memory_server_context(version: str) -> ssl.SSLContext:
    """A server context pinned to ``version``, for testing what this OpenSSL can offer."""
    keys = probe_keys()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = make_cert("localhost", key, names=("localhost",))
    cert_file, key_file = keys.folder / "memory-server.pem", keys.folder / "memory-server.key"
    cert_file.write_bytes(pem_cert(cert))
    key_file.write_bytes(pem_key(key))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert_file), str(key_file))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        pinned = getattr(ssl.TLSVersion, version)
        ctx.minimum_version = pinned
        ctx.maximum_version = pinned
    return ctx
