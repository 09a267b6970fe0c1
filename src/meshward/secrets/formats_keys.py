"""Private keys (PEM, OpenSSH, PKCS#8, PGP, PuTTY), JWTs and credentials inside URLs."""

from __future__ import annotations

import re

from meshward.findings.finding import Confidence
from meshward.secrets import validate as v
from meshward.secrets.filters import is_placeholder
from meshward.secrets.model import Detector, Kind

_PEM = (r"(?P<s>-----BEGIN (?P<t>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
        r"(?P<body>(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\n|\\r){40,40000}?)-----END (?P=t)-----)")
_HEADER_LINE = re.compile(r"^[A-Za-z\-]+:.*$", re.MULTILINE)
_OPENSSH_MAGIC = b"openssh-key-v1\x00"


def pem_ok(block: str) -> bool:
    """The body must be base64 of DER (RSA/EC/DSA/PKCS#8), an OpenSSH key or a PGP packet."""
    m = re.match(_PEM, block)
    if not m:
        return False
    body = m.group("body").replace("\\r", "\n").replace("\\n", "\n")
    body = _HEADER_LINE.sub("", body)
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    if m.group("t").startswith("PGP"):
        lines = [ln for ln in lines if not ln.startswith("=")]  # armor checksum
    data = "".join(lines)
    if len(data) < 64:
        return False
    raw = v.b64decode_loose(data)
    if raw is None:
        return False
    if m.group("t").startswith("OPENSSH"):
        return raw.startswith(_OPENSSH_MAGIC)
    if m.group("t").startswith("PGP"):
        return len(raw) >= 48
    return raw[:1] == b"\x30"


def openssh_encrypted(block: str) -> bool:
    m = re.match(_PEM, block)
    if not m or not m.group("t").startswith("OPENSSH"):
        return False
    body = m.group("body").replace("\\n", "\n")
    raw = v.b64decode_loose("".join(ln.strip() for ln in body.splitlines()))
    if raw is None or not raw.startswith(_OPENSSH_MAGIC):
        return False
    rest = raw[len(_OPENSSH_MAGIC):]
    size = int.from_bytes(rest[:4], "big")
    return rest[4:4 + size] != b"none"


def _url_password_ok(value: str) -> bool:
    return v.basic_auth_password_ok(value)


_EXAMPLE_HOST = re.compile(r"@(?:[\w\-]+\.)*(?:example\.(?:com|org|net)|host\.com|domain\.com|"
                           r"hostname|server|host|yourhost|your-host)(?:[:/]|$)", re.IGNORECASE)


def url_ok(match_text: str, password: str) -> bool:
    return _url_password_ok(password) and not _EXAMPLE_HOST.search(match_text)


KEYS = [
    Detector("private-key", "private-key", "Private key (PEM / PKCS#1 / PKCS#8 / OpenSSH / PGP)",
             re.compile(_PEM), keywords=("-----begin",), kind=Kind.PRIVATE_KEY,
             validate=pem_ok, multiline=True, anchor="-----BEGIN ",
             reference="RFC 7468 (PEM), RFC 5208 (PKCS#8), OpenSSH PROTOCOL.key, RFC 4880"),
    Detector("putty-private-key", "private-key", "PuTTY private key file",
             re.compile(r"(?P<s>PuTTY-User-Key-File-[23]: [\w\-]+\s*\n(?:.*\n){0,60}?Private-Lines: \d+\n"
                        r"(?:[A-Za-z0-9+/=]+\n)+)"),  # ed25519 keys: one private line
             keywords=("putty-user-key-file",), kind=Kind.PRIVATE_KEY, multiline=True,
             anchor="PuTTY-User-Key-File-"),
    Detector("jwt", "jwt", "JSON Web Token",
             re.compile(r"(?<![A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\."
                        r"[A-Za-z0-9_\-]{0,1000})(?![A-Za-z0-9_\-])"),
             cs_keywords=("eyJ",), kind=Kind.JWT, validate=v.jwt_ok, reference="RFC 7519"),
    Detector("basic-auth-url", "url", "Credentials in a URL",
             re.compile(r"(?P<u>[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^:@/\s'\"<>{}$]{1,64}:"
                        r"(?P<s>[^@/\s'\"<>{}]{3,128})@[A-Za-z0-9.\-_\[\]]+)"),
             keywords=("://",), kind=Kind.URL, confidence=Confidence.MEDIUM, requires="@",
             reference="RFC 3986 userinfo"),
    Detector("connection-string-password", "url", "Password in a connection string",
             re.compile(r"(?i)(?:server|data source|host|address)\s*=[^;\"'\n]+;[^\"'\n]*?"
                        r"(?:password|pwd)\s*=\s*(?P<s>[^;\"'\s]{3,})"),
             keywords=("password=", "pwd="), kind=Kind.URL, confidence=Confidence.MEDIUM,
             validate=lambda s: not is_placeholder(s, "password"),
             reference="ADO.NET / ODBC connection strings"),
]
