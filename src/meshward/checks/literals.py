"""Secret-named variables and literal values: shared by the Dockerfile build-secret rule (MW313).

Literal secrets in environment variables themselves are the secrets engine's findings (MW902).
"""

from __future__ import annotations

import re
import shlex

from meshward.model.dockerfile import Instruction

SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|"
    r"AUTH_?KEY|CLIENT_?SECRET|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|(?:^|_)PASS(?:$|_)|(?:^|_)PWD$",
    re.IGNORECASE)
# Names that mention a secret but hold something else: where it is, how long it lives...
_NOT_A_VALUE = re.compile(
    r"(?:_|^)(?:FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|NAME|USER|USERNAME|TTL|EXPIRY|EXPIRES|"
    r"EXPIRATION|LIFETIME|TIMEOUT|LENGTH|SIZE|ALGORITHM|ALG|TYPE|HEADER|ISSUER|AUDIENCE|REF|ID|"
    r"KEY_ID|ENABLED|REQUIRED|POLICY|METHOD|SOURCE|PROVIDER|MOUNT|VERSION|COUNT|RETRIES)$",
    re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^\$\{[^}]*\}$|^\$\([^)]*\)$|^\$[A-Za-z_][A-Za-z0-9_]*$|^<[^>]*>$|^\{\{.*\}\}$|^([x*#.?-])\1*$",
    re.IGNORECASE)
_FILLER = re.compile(r"^(?:your|my)[_-]|[_-](?:here|val|value)$|^replace|placeholder", re.IGNORECASE)
_FLAGS = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "none", "null", "empty"})


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _NOT_A_VALUE.search(name)


def is_literal_secret(value: str | None, name: str = "") -> bool:
    """A value that is written out, not a reference, placeholder, flag or file path."""
    if value is None:
        return False
    text = value.strip().strip("\"'")
    if not text or text.lower() in _FLAGS or _PLACEHOLDER.match(text) or _FILLER.search(text):
        return False
    if name and text.upper().startswith(name.upper()):
        return False  # GOOGLE_API_KEY=GOOGLE_API_KEY_VAL: a marker for sed, not a key
    return not (text.startswith("/") and " " not in text)


def redact(value: str) -> str:
    text = value.strip()
    return f"{text[:2]}…" if len(text) > 2 else "…"


def env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    """``ENV a=1 b="two words"`` or the legacy ``ENV a one value``."""
    text = ins.value.strip()
    first = text.split(None, 1)[0] if text else ""
    if "=" not in first:
        name, _, value = text.partition(" ")
        return [(name, value.strip())] if name else []
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    return [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if "=" in w]
