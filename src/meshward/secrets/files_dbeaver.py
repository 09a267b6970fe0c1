"""DBeaver's saved passwords: ``credentials-config.json`` is AES-128-CBC encrypted with a key
that is the same in every DBeaver install (published in its source), so whoever reads the file
reads the passwords. The file is binary (16-byte IV, then the ciphertext of a JSON object
``{connection-id: {"#connection": {"user": ..., "password": ...}, "network/ssh_tunnel": ...}}``);
older or hand-made copies may be plain JSON. Findings are on line 1, the key names the
connection and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from meshward.secrets.files import FileDetector, Found, plain_ok

# DBeaver's built-in "local secure storage" key (DefaultSecureStorage / DataSourceRegistry).
_KEY = bytes.fromhex("babb4a9f774ab853c96c2d653dfe544a")
_FIELDS = ("password", "sshPassword", "passphrase", "sshPassphrase")


def _plain(data: bytes) -> bytes:
    # cryptography loads only when a DBeaver store is met: plain scans start faster.
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if data.lstrip()[:1] == b"{":
        return data
    if len(data) < 32 or len(data) % 16:
        raise ValueError("not a DBeaver encrypted credentials file (length is not whole AES blocks)")
    dec = Cipher(algorithms.AES(_KEY), modes.CBC(data[:16])).decryptor()
    padded = dec.update(data[16:]) + dec.finalize()
    unpad = padding.PKCS7(128).unpadder()
    try:
        return unpad.update(padded) + unpad.finalize()
    except ValueError:
        raise ValueError("cannot decrypt with DBeaver's default key (a custom master "
                         "password?)") from None


def dbeaver_credentials(data: bytes) -> Iterator[Found]:
    try:
        doc = json.loads(_plain(data).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"decrypted content is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        return
    for conn, sections in doc.items():
        if not isinstance(sections, dict):
            continue
        for section, fields in sections.items():
            if not isinstance(fields, dict):
                continue
            for name in _FIELDS:
                value = fields.get(name)
                if isinstance(value, str) and plain_ok(value):
                    yield Found(1, value, f"{conn}.{section.lstrip('#')}.{name}")


DBEAVER = FileDetector(
    id="dbeaver-credentials", family="tool-config",
    title="DBeaver saved connection passwords (credentials-config.json, fixed-key AES)",
    parse_bytes=dbeaver_credentials, names=("credentials-config.json",),
    reference="DBeaver: credentials-config.json, AES-128-CBC with the built-in key; "
              "data-sources.json holds the connections",
    example="<16-byte IV><AES-CBC of {\"conn\": {\"#connection\": {\"password\": ...}}}>")
