"""Which public keys verify which images: ``image_keys:`` in .meshward.yaml and ``--key``.

    image_keys:
      - match: registry.example.com/payments/*   # glob on registry/repository, or a host
        key: keys/payments.pub                   # PEM public key, relative to the config
      - match: registry.example.com
        key: keys/platform.pub

``--key FILE`` verifies every image. Keys are ECDSA (cosign's P-256 by default).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from meshward.errors import InputError
from meshward.model.source import line_of


@dataclass(frozen=True)
class PublicKey:
    name: str  # the file it came from
    key: ec.EllipticCurvePublicKey


@dataclass
class KeyRing:
    rules: list[tuple[str, PublicKey]] = field(default_factory=list)  # (glob, key)
    everywhere: list[PublicKey] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def for_image(self, registry: str, repository: str) -> list[PublicKey]:
        full = f"{registry}/{repository}"
        out = [k for pattern, k in self.rules
               if fnmatch.fnmatchcase(full, pattern) or fnmatch.fnmatchcase(registry, pattern)
               or full.startswith(pattern.rstrip("/") + "/")]
        return out + [k for k in self.everywhere if k not in out]

    @property
    def empty(self) -> bool:
        return not self.rules and not self.everywhere


def load_key(path: Path, shown: str, line: int = 0) -> PublicKey | InputError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return InputError(shown, line, f"cannot read public key {path}: {exc.strerror}")
    try:
        key = load_pem_public_key(data)
    except ValueError:
        return InputError(shown, line, f"{path} is not a PEM public key",
                          "export it with `cosign public-key` (-----BEGIN PUBLIC KEY-----)")
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return InputError(shown, line, f"{path} is not an ECDSA public key",
                          "cosign keys are ECDSA P-256")
    return PublicKey(str(path), key)


def build_keyring(config_raw: dict[str, Any], config_path: str, cli_keys: list[Path]
                  ) -> KeyRing:
    ring = KeyRing()
    for path in cli_keys:
        loaded = load_key(path, str(path))
        if isinstance(loaded, InputError):
            ring.errors.append(loaded)
        else:
            ring.everywhere.append(loaded)
    entries = config_raw.get("image_keys")
    if entries is None:
        return ring
    base = Path(config_path).parent if config_path else Path(".")
    if not isinstance(entries, list):
        ring.errors.append(InputError(config_path, line_of(entries, 1),
                                      "`image_keys` must be a list of {match, key}"))
        return ring
    for item in entries:
        line = line_of(item)
        if not isinstance(item, dict) or not item.get("key") or not item.get("match"):
            ring.errors.append(InputError(config_path, line, "each image_keys entry needs "
                                          "`match` (registry/repository glob) and `key` (file)"))
            continue
        loaded = load_key(base / str(item["key"]), config_path, line)
        if isinstance(loaded, InputError):
            ring.errors.append(loaded)
        else:
            ring.rules.append((str(item["match"]).strip().lower(), loaded))
    return ring
