"""Just enough JOSE to forge tokens: base64url, JWK, and RS256/ES256/HS256 signing.

Built on ``cryptography``; no JWT library is involved so every byte the probe sends
is one it chose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}
_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1(),
}
_CURVE_SIZE = {"secp256r1": 32, "secp384r1": 48, "secp521r1": 66}


class JoseError(ValueError):
    """A token, key or JWK the probe cannot use."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise JoseError(f"not base64url: {exc}") from None


def _json_b64(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


@dataclass(frozen=True)
class Token:
    """A compact JWS split into its parts, with header and claims decoded."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: str
    signature: str

    @property
    def compact(self) -> str:
        return f"{self.signing_input}.{self.signature}"


def parse_token(text: str) -> Token:
    parts = text.strip().split(".")
    if len(parts) != 3:
        raise JoseError("a JWT has three dot-separated parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JoseError(f"header or payload is not JSON: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JoseError("header and payload must be JSON objects")
    return Token(header, claims, f"{parts[0]}.{parts[1]}", parts[2])


def sign_raw(alg: str, signing_input: bytes, key: PrivateKey | bytes) -> bytes:
    """The JWS signature of ``signing_input`` with ``alg``."""
    if alg in _HMAC:
        if not isinstance(key, bytes):
            raise JoseError(f"{alg} needs a shared secret")
        return hmac.new(key, signing_input, _HMAC[alg]).digest()
    digest = _HASHES.get(alg[2:])
    if digest is None:
        raise JoseError(f"unsupported alg {alg}")
    if alg.startswith("RS") and isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signing_input, padding.PKCS1v15(), digest())
    if alg.startswith("ES") and isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(digest())))
        size = _CURVE_SIZE.get(key.curve.name, (key.curve.key_size + 7) // 8)
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    raise JoseError(f"key does not fit alg {alg}")


def verify_raw(alg: str, signing_input: bytes, signature: bytes, key: PublicKey | bytes) -> bool:
    """Whether ``signature`` is valid; used by the weak-secret check and the test servers."""
    if alg in _HMAC:
        return isinstance(key, bytes) and hmac.compare_digest(
            hmac.new(key, signing_input, _HMAC[alg]).digest(), signature)
    digest = _HASHES.get(alg[2:])
    if digest is None:
        return False
    try:
        if alg.startswith("RS") and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), digest())
            return True
        if alg.startswith("ES") and isinstance(key, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                       int.from_bytes(signature[half:], "big"))
            key.verify(der, signing_input, ec.ECDSA(digest()))
            return True
    except InvalidSignature:
        return False
    return False


def encode(header: dict[str, Any], claims: dict[str, Any], key: PrivateKey | bytes | None) -> str:
    """A compact JWS; ``key=None`` leaves the signature empty (for alg none and stripping)."""
    signing_input = f"{_json_b64(header)}.{_json_b64(claims)}"
    if key is None:
        return signing_input + "."
    sig = sign_raw(str(header.get("alg", "")), signing_input.encode(), key)
    return f"{signing_input}.{b64url(sig)}"


def default_alg(key: PrivateKey | bytes) -> str:
    if isinstance(key, bytes):
        return "HS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp384r1": "ES384", "secp521r1": "ES512"}.get(key.curve.name, "ES256")
    return "RS256"


def _int_b64(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8 or 1, "big"))


def public_jwk(key: PublicKey, kid: str = "") -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        out = {"kty": "RSA", "n": _int_b64(nums.n), "e": _int_b64(nums.e)}
    else:
        pn = key.public_numbers()
        size = _CURVE_SIZE.get(key.curve.name, 32)
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
        out = {"kty": "EC", "crv": crv, "x": b64url(pn.x.to_bytes(size, "big")),
               "y": b64url(pn.y.to_bytes(size, "big"))}
    if kid:
        out["kid"] = kid
    return out


def jwk_to_public(jwk: dict[str, Any]) -> PublicKey:
    try:
        if jwk.get("kty") == "RSA":
            n = int.from_bytes(b64url_decode(str(jwk["n"])), "big")
            e = int.from_bytes(b64url_decode(str(jwk["e"])), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
        if jwk.get("kty") == "EC":
            curve = _CURVES[str(jwk["crv"])]
            x = int.from_bytes(b64url_decode(str(jwk["x"])), "big")
            y = int.from_bytes(b64url_decode(str(jwk["y"])), "big")
            return ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except (KeyError, ValueError) as exc:
        raise JoseError(f"bad JWK: {exc}") from None
    raise JoseError(f"unsupported JWK kty {jwk.get('kty')!r}")


def jwks_keys(document: Any) -> list[tuple[str, PublicKey]]:
    """``(kid, key)`` for every usable key of a JWKS document."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JoseError("a JWKS is an object with a `keys` list")
    out: list[tuple[str, PublicKey]] = []
    for item in document["keys"]:
        if isinstance(item, dict) and item.get("kty") in ("RSA", "EC"):
            out.append((str(item.get("kid", "")), jwk_to_public(item)))
    return out


def load_public_pem(data: bytes) -> PublicKey:
    """A public key from a PEM public key or certificate."""
    from cryptography import x509

    key: object
    try:
        if b"CERTIFICATE" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise JoseError(f"not a PEM public key or certificate: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise JoseError("only RSA and EC public keys are supported")
    return key


def load_private_pem(data: bytes) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise JoseError(f"not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise JoseError("only RSA and EC private keys are supported")
    return key


def pem_variants(key: PublicKey, original: bytes = b"") -> list[bytes]:
    """The byte strings a confused verifier may use as its HMAC secret."""
    spki = key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)
    out = [original] if original and b"CERTIFICATE" not in original else []
    out += [spki, spki.rstrip(b"\n")]
    if isinstance(key, rsa.RSAPublicKey):
        out.append(key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1))
    seen: list[bytes] = []
    for v in out:
        if v and v not in seen:
            seen.append(v)
    return seen
