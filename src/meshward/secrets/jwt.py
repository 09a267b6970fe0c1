"""Decode a JWT found in text and judge it (AUTH-JWT): algorithm, expiry, lifetime."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from meshward.secrets.validate import b64decode_loose

HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
# Keys that documentation signs its example tokens with (jwt.io's default, PyJWT's README...).
EXAMPLE_KEYS = ("secret", "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret",
                "secret-key", "secretkey", "mysecret", "my-secret", "my_secret", "key", "")


@dataclass
class JwtVerdict:
    header: dict[str, Any]
    claims: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    severity: str = "medium"  # a committed token is at least a leaked credential
    example: bool = False  # a documentation example (jwt.io), not a leak
    known_key: str | None = None  # signed with a well-known example key: anyone can forge


def known_hmac_key(parts: list[str], alg: str) -> str | None:
    """The well-known example key that signs this HS* token, if any."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing_input = f"{parts[0]}.{parts[1]}".encode()
    for key in EXAMPLE_KEYS:
        mac = hmac.new(key.encode(), signing_input, digest).digest()
        if hmac.compare_digest(base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), parts[2]):
            return key
    return None


def _part(text: str) -> dict[str, Any] | None:
    raw = b64decode_loose(text)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


_ORDER = ("info", "low", "medium", "high", "critical")


def _raise(current: str, to: str) -> str:
    return to if _ORDER.index(to) > _ORDER.index(current) else current


def judge(token: str, max_lifetime_hours: int = 24, now: dt.datetime | None = None
          ) -> JwtVerdict | None:
    """``None`` when ``token`` is not a decodable JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header, claims = _part(parts[0]), _part(parts[1])
    if header is None or claims is None or "alg" not in header:
        return None
    v = JwtVerdict(header, claims)
    if claims.get("sub") == "1234567890" and claims.get("name") == "John Doe":
        v.example = True
    alg = str(header.get("alg"))
    if alg.lower() == "none":
        v.notes.append("alg none: the token is not signed and any recipient that accepts it can be forged")
        v.severity = _raise(v.severity, "critical")
    elif alg in HMAC_ALGS:
        v.known_key = known_hmac_key(parts, alg)
        if v.known_key is not None:
            v.notes.append(f"{alg} signed with the well-known key '{v.known_key}': anyone can "
                           "mint tokens a verifier using that key accepts")
            v.severity = _raise(v.severity, "critical")
        else:
            v.notes.append(f"{alg}: a shared HMAC secret signs it, so every verifier can also "
                           "mint tokens")
    exp = claims.get("exp")
    iat = claims.get("iat") if claims.get("iat") is not None else claims.get("nbf")
    if not isinstance(exp, (int, float)):
        v.notes.append("no exp claim: the token never expires")
        v.severity = _raise(v.severity, "high")
    else:
        if isinstance(iat, (int, float)):
            hours = (exp - iat) / 3600
            if hours > max_lifetime_hours:
                v.notes.append(f"lifetime {hours:.0f} h exceeds the {max_lifetime_hours} h bound")
                v.severity = _raise(v.severity, "high" if hours > 24 * 365 else "medium")
        moment = now or dt.datetime.now(dt.UTC)
        try:
            when = dt.datetime.fromtimestamp(exp, dt.UTC)
        except (OverflowError, OSError, ValueError):
            when = None
        if when is not None and when < moment:
            v.notes.append(f"expired on {when.date().isoformat()}")
    return v
