"""Validity checks of documented formats: checksums, decodable payloads, charsets."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from meshward.secrets.model import entropy

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int = 6) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, 62)
        digits = BASE62[rem] + digits
    return digits.rjust(width, "0")


def crc32_base62_ok(token: str) -> bool:
    """GitHub classic and npm tokens: PREFIX_ + 30 random base62 + base62(CRC32(random)), 6 chars."""
    body = token.split("_", 1)[1] if "_" in token else ""
    if len(body) != 36:
        return False
    random_part, check = body[:30], body[30:]
    return base62(zlib.crc32(random_part.encode("ascii", "replace")) & 0xFFFFFFFF) == check


def b64decode_loose(text: str) -> bytes | None:
    """Standard or URL-safe base64, padding optional; ``None`` when it is not base64."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) % 4 == 1:
        return None
    padded = cleaned + "=" * (-len(cleaned) % 4)
    alt = b"-_" if ("-" in cleaned or "_" in cleaned) else None
    try:
        return base64.b64decode(padded, altchars=alt, validate=True)
    except (binascii.Error, ValueError):
        return None


def pypi_ok(token: str) -> bool:
    """A PyPI API token is ``pypi-`` + a base64url macaroon whose location is pypi.org."""
    raw = b64decode_loose(token[5:])
    return raw is not None and (b"pypi.org" in raw[:64])


def docker_auth_ok(value: str) -> bool:
    """A docker config ``auth`` is base64 of ``user:password`` with a real password."""
    raw = b64decode_loose(value)
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    user, sep, password = text.partition(":")
    return bool(sep and user and len(password) >= 4 and text.isprintable())


def azure_storage_ok(value: str) -> bool:
    raw = b64decode_loose(value)
    return raw is not None and len(raw) == 64


def aws_secret_ok(value: str) -> bool:
    return (entropy(value) >= 4.0 and any(c.isdigit() for c in value)
            and any(c.isupper() for c in value) and any(c.islower() for c in value))


def random_ok(value: str, bits: float = 3.2) -> bool:
    """A random-looking body: enough entropy and not one character repeated."""
    return entropy(value) >= bits and not re.fullmatch(r"(.)\1+", value)


def mixed_ok(value: str) -> bool:
    """Random base62: letters and digits both present and enough entropy."""
    return random_ok(value) and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def jwt_ok(token: str) -> bool:
    parts = token.split(".")
    if len(parts) != 3:
        return False
    raw = b64decode_loose(parts[0])
    if raw is None:
        return False
    try:
        header = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and "alg" in header


def grafana_key_ok(value: str) -> bool:
    raw = b64decode_loose(value)
    return raw is not None and raw.startswith(b'{"k":"')


def age_key_ok(value: str) -> bool:
    return len(value) == 74 and value.isupper()


def basic_auth_password_ok(password: str) -> bool:
    from meshward.secrets.filters import is_placeholder

    return len(password) >= 3 and not is_placeholder(password, "password")
