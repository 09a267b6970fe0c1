"""Notary v1 trust data (TUF): is this tag signed, by the collection's keys, right now?

The Notary server serves a collection (GUN ``registry/repository``) at
``/v2/<gun>/_trust/tuf/<role>.json``. Each file is ``{"signed": ..., "signatures": [...]}``
where a signature is over the canonical JSON of ``signed`` (sorted keys, no spaces).
Verification, in TUF's order:

1. ``root``: signed by at least ``threshold`` of the root role's own keys; lists every
   role's key ids and threshold. It is trusted on first use within this run.
2. ``timestamp``: signed by the timestamp role; names the hash and length of ``snapshot``.
3. ``snapshot``: matches that hash and length; signed by the snapshot role; names the hashes
   of ``root`` and ``targets`` (and delegations such as ``targets/releases``).
4. ``targets`` (and a delegation): matches the snapshot's hash; signed by its role; maps the
   tag to the image manifest's sha256 (base64) and length.

Every file must be unexpired. Key ids are the sha256 of the canonical JSON of the key, so
a key listed under another id does not count. Signature methods: ``ecdsa`` (r||s over
SHA-256), ``eddsa`` (Ed25519), ``rsapss`` (PSS, SHA-256).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from meshward.images.http import HttpClient


class Trust(Enum):
    TRUSTED = "trusted"
    NO_DATA = "no-data"  # the server has no collection for the repository
    UNSIGNED_TAG = "unsigned-tag"  # the collection does not list this tag or digest
    MISMATCH = "mismatch"  # the tag is signed for another digest
    EXPIRED = "expired"
    INVALID = "invalid"  # signatures, thresholds or hashes do not hold: tampered


@dataclass(frozen=True, slots=True)
class NotaryResult:
    trust: Trust
    detail: str


class _Invalid(Exception):
    def __init__(self, trust: Trust, detail: str) -> None:
        super().__init__(detail)
        self.trust = trust
        self.detail = detail


_FRACTION = re.compile(r"(\.\d{6})\d+")


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _public_key(key: dict[str, Any]) -> Any:
    keytype = key.get("keytype")
    raw = base64.b64decode(str((key.get("keyval") or {}).get("public", "")))
    if keytype in ("ecdsa-x509", "rsa-x509"):
        return x509.load_pem_x509_certificate(raw).public_key()
    if keytype in ("ecdsa", "rsa"):
        return serialization.load_der_public_key(raw)
    if keytype == "ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    raise ValueError(f"unknown key type {keytype}")


def _sig_ok(key: dict[str, Any], method: str, sig: bytes, message: bytes) -> bool:
    try:
        pub = _public_key(key)
        if isinstance(pub, ec.EllipticCurvePublicKey) and method == "ecdsa":
            half = len(sig) // 2
            der = utils.encode_dss_signature(int.from_bytes(sig[:half], "big"),
                                             int.from_bytes(sig[half:], "big"))
            pub.verify(der, message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(pub, ed25519.Ed25519PublicKey) and method == "eddsa":
            pub.verify(sig, message)
        elif isinstance(pub, rsa.RSAPublicKey) and method == "rsapss":
            pub.verify(sig, message, padding.PSS(padding.MGF1(hashes.SHA256()),
                                                 hashes.SHA256().digest_size), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def check_signatures(role: str, doc: dict[str, Any], keys: dict[str, Any],
                     keyids: list[str], threshold: int) -> None:
    """Raise unless ``threshold`` distinct keys of the role signed ``doc``."""
    message = canonical(doc.get("signed"))
    good: set[str] = set()
    for s in doc.get("signatures") or []:
        if not isinstance(s, dict):
            continue
        kid = str(s.get("keyid", ""))
        key = keys.get(kid)
        if kid not in keyids or not isinstance(key, dict) or kid in good:
            continue
        if hashlib.sha256(canonical(key)).hexdigest() != kid:
            continue
        try:
            sig = base64.b64decode(str(s.get("sig", "")), validate=True)
        except (binascii.Error, ValueError):
            continue
        if _sig_ok(key, str(s.get("method", "")), sig, message):
            good.add(kid)
    if len(good) < max(threshold, 1):
        raise _Invalid(Trust.INVALID, f"{role}: {len(good)} valid signature(s) of the "
                                      f"{max(threshold, 1)} its role requires")


def check_meta(role: str, raw: bytes, meta: Any, named_by: str) -> None:
    """Raise unless ``raw`` has the length and hashes ``meta`` gives for it."""
    if not isinstance(meta, dict):
        raise _Invalid(Trust.INVALID, f"{named_by} does not list {role}")
    length = meta.get("length")
    if isinstance(length, int) and length != len(raw):
        raise _Invalid(Trust.INVALID, f"{role} is {len(raw)} bytes; {named_by} says {length}")
    hashes_ = _dict(meta.get("hashes"))
    checked = False
    for name, algo in (("sha256", hashlib.sha256), ("sha512", hashlib.sha512)):
        if name in hashes_:
            checked = True
            if base64.b64encode(algo(raw).digest()).decode() != hashes_[name]:
                raise _Invalid(Trust.INVALID, f"{role} does not match its {name} in {named_by}")
    if not checked:
        raise _Invalid(Trust.INVALID, f"{named_by} gives no sha256/sha512 for {role}")


def check_expiry(role: str, signed: dict[str, Any], now: dt.datetime) -> None:
    expires = parse_time(str(signed.get("expires", "")))
    if expires is None:
        raise _Invalid(Trust.INVALID, f"{role} has no valid expiry")
    if expires <= now:
        raise _Invalid(Trust.EXPIRED, f"{role} expired on {expires:%Y-%m-%d %H:%M} UTC")


@dataclass
class NotaryClient:
    http: HttpClient
    url: str  # https://notary.example.com

    def fetch(self, gun: str, role: str) -> tuple[bytes, dict[str, Any]] | None:
        url = f"{self.url.rstrip('/')}/v2/{quote(gun, safe='/:')}/_trust/tuf/{role}.json"
        resp = self.http.get(url, registry=urlsplit(self.url).netloc,
                             scope=f"repository:{gun}:pull")
        if resp.status == 404:
            return None
        if not resp.ok:
            raise _Invalid(Trust.INVALID, f"{role}.json: HTTP {resp.status}")
        try:
            doc = json.loads(resp.body)
        except ValueError:
            raise _Invalid(Trust.INVALID, f"{role}.json is not JSON") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("signed"), dict):
            raise _Invalid(Trust.INVALID, f"{role}.json has no `signed` object")
        return resp.body, doc

    def verify(self, gun: str, tag: str | None, digest: str,
               now: dt.datetime | None = None) -> NotaryResult:
        """Check the collection ``gun`` vouches for ``tag`` (or any tag) at ``digest``.

        Connection problems raise :class:`meshward.images.http.FetchFailed` (a `not run`)."""
        try:
            return self._verify(gun, tag, digest, now or dt.datetime.now(dt.UTC))
        except _Invalid as exc:
            return NotaryResult(exc.trust, exc.detail)

    def _need(self, gun: str, role: str) -> tuple[bytes, dict[str, Any]]:
        got = self.fetch(gun, role)
        if got is None:
            raise _Invalid(Trust.INVALID, f"{role}.json missing from the collection")
        return got

    def _verify(self, gun: str, tag: str | None, digest: str, now: dt.datetime
                ) -> NotaryResult:
        first = self.fetch(gun, "root")
        if first is None:
            return NotaryResult(Trust.NO_DATA, f"no trust data for {gun}")
        root_raw, root = first
        rs = root["signed"]
        keys = _dict(rs.get("keys"))
        roles = _dict(rs.get("roles"))

        def role_keys(name: str) -> tuple[list[str], int]:
            r = roles.get(name)
            if not isinstance(r, dict):
                raise _Invalid(Trust.INVALID, f"root lists no {name} role")
            return [str(k) for k in r.get("keyids") or []], int(r.get("threshold") or 0)

        check_signatures("root", root, keys, *role_keys("root"))
        _, ts = self._need(gun, "timestamp")
        check_signatures("timestamp", ts, keys, *role_keys("timestamp"))
        snap_raw, snap = self._need(gun, "snapshot")
        check_meta("snapshot", snap_raw, _meta(ts, "snapshot"), "timestamp")
        check_signatures("snapshot", snap, keys, *role_keys("snapshot"))
        check_meta("root", root_raw, _meta(snap, "root"), "snapshot")
        targets_raw, targets = self._need(gun, "targets")
        check_meta("targets", targets_raw, _meta(snap, "targets"), "snapshot")
        check_signatures("targets", targets, keys, *role_keys("targets"))
        for role, doc in (("root", root), ("timestamp", ts), ("snapshot", snap),
                          ("targets", targets)):
            check_expiry(role, doc["signed"], now)
        found = _target(targets["signed"], tag, digest)
        if found is None:
            found = self._delegated(gun, targets["signed"], snap, tag, digest, now)
        if found is None:
            what = f"tag {tag}" if tag else digest
            return NotaryResult(Trust.UNSIGNED_TAG, f"{gun}: no signed target for {what}")
        role, name, target_digest = found
        if target_digest != digest:
            return NotaryResult(Trust.MISMATCH, f"{role} signs {name} as {target_digest}, "
                                                f"the registry serves {digest}")
        return NotaryResult(Trust.TRUSTED, f"{role} signs {name} as {digest}")

    def _delegated(self, gun: str, targets: dict[str, Any], snap: dict[str, Any],
                   tag: str | None, digest: str, now: dt.datetime
                   ) -> tuple[str, str, str] | None:
        """One level of delegations (Docker signs into ``targets/releases``)."""
        deleg = _dict(targets.get("delegations"))
        dkeys = _dict(deleg.get("keys"))
        for role in deleg.get("roles") or []:
            if not isinstance(role, dict) or not isinstance(role.get("name"), str):
                continue
            name = role["name"]
            got = self.fetch(gun, name)
            if got is None:
                continue
            raw, doc = got
            check_meta(name, raw, _meta(snap, name), "snapshot")
            check_signatures(name, doc, dkeys, [str(k) for k in role.get("keyids") or []],
                             int(role.get("threshold") or 0))
            check_expiry(name, doc["signed"], now)
            found = _target(doc["signed"], tag, digest, name)
            if found is not None:
                return found
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _meta(doc: dict[str, Any], role: str) -> Any:
    meta = doc["signed"].get("meta")
    if not isinstance(meta, dict):
        return None
    return meta.get(role) or meta.get(f"{role}.json")


def _target(signed: dict[str, Any], tag: str | None, digest: str, role: str = "targets"
            ) -> tuple[str, str, str] | None:
    targets = _dict(signed.get("targets"))
    names = [tag] if tag else list(targets)
    for name in names:
        entry = targets.get(name)
        if not isinstance(entry, dict):
            continue
        hashes_ = _dict(entry.get("hashes"))
        try:
            hexed = "sha256:" + base64.b64decode(str(hashes_.get("sha256", ""))).hex()
        except (binascii.Error, ValueError):
            continue
        if tag or hexed == digest:
            return role, name, hexed
    return None
