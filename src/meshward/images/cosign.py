"""Cosign signatures: found by the ``sha256-<hex>.sig`` tag and the OCI referrers API.

A cosign signature manifest has one layer per signature. Each layer is a *simple signing*
payload (``application/vnd.dev.cosign.simplesigning.v1+json``)::

    {"critical": {"identity": {"docker-reference": "REGISTRY/REPO"},
                  "image": {"docker-manifest-digest": "sha256:..."},
                  "type": "cosign container image signature"},
     "optional": null}

and carries the base64 ECDSA signature of those exact bytes (ASN.1 DER over SHA-256) in
the annotation ``dev.cosignproject.cosign/signature``. Keyless signatures add a Fulcio
certificate (``dev.sigstore.cosign/certificate``) and a Rekor bundle
(``dev.sigstore.cosign/bundle``). A signature counts only when it verifies with a
configured key *and* its payload names the image's digest.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
from dataclasses import dataclass, field
from enum import Enum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from meshward.images.keys import PublicKey
from meshward.images.registry import RegistryClient, RegistryError

SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIG_ANNOTATION = "dev.cosignproject.cosign/signature"
CERT_ANNOTATION = "dev.sigstore.cosign/certificate"
BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle"
ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json"
BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle"  # +json;version=0.3 and v0.3+json
PAYLOAD_TYPE = "cosign container image signature"


class Verdict(Enum):
    VERIFIED = "verified"  # a configured key signed a payload naming this digest
    UNSIGNED = "unsigned"  # no signature at all
    UNTRUSTED = "untrusted"  # signatures exist, none verifies with a configured key
    WRONG_DIGEST = "wrong-digest"  # a trusted key signed a payload naming another image
    NO_KEY = "no-key"  # signatures exist but no key is configured for this image
    KEYLESS_ONLY = "keyless-only"  # only keyless signatures, which need sigstore


@dataclass(frozen=True, slots=True)
class Signature:
    payload: bytes
    signature: bytes
    source: str  # "tag sha256-....sig" or "referrer sha256:..."
    keyless: bool = False


@dataclass
class CosignResult:
    verdict: Verdict
    detail: str = ""
    signatures: int = 0
    sources: list[str] = field(default_factory=list)
    referrers: str = ""  # "api", "tag" or "" (none found)
    bundles: int = 0


def sig_tag(digest: str) -> str:
    return digest.replace(":", "-") + ".sig"


def signature_manifests(client: RegistryClient, registry: str, repository: str,
                        digest: str) -> tuple[list[tuple[str, dict[str, object]]], str, int]:
    """(source, manifest) pairs from the referrers (API or fallback tag) and the ``.sig``
    tag; where referrers came from ("api", "tag" or ""); how many Sigstore bundles refer to
    the digest (keyless or new-format signatures, which only sigstore can verify)."""
    found: list[tuple[str, dict[str, object]]] = []
    seen: set[str] = set()
    refs, how = client.referrers(registry, repository, digest)
    bundles = sum(1 for d in refs if str(d.get("artifactType", "")).startswith(BUNDLE_TYPE))
    for desc in refs:
        ref_digest = str(desc.get("digest", ""))
        if desc.get("artifactType") != ARTIFACT_TYPE or not ref_digest or ref_digest in seen:
            continue
        m = client.manifest(registry, repository, ref_digest, body=True)
        if m is not None:
            seen.add(m.digest)
            found.append((f"referrer {ref_digest[:19]}…", m.json()))
    tagged = client.manifest(registry, repository, sig_tag(digest), body=True)
    if tagged is not None and tagged.digest not in seen:
        found.append((f"tag {sig_tag(digest)}", tagged.json()))
    return found, how, bundles


def signatures_of(client: RegistryClient, registry: str, repository: str, digest: str
                  ) -> tuple[list[Signature], str, int, list[str]]:
    manifests, how, bundles = signature_manifests(client, registry, repository, digest)
    sigs: list[Signature] = []
    problems: list[str] = []
    for source, manifest in manifests:
        layers = manifest.get("layers")
        for layer in layers if isinstance(layers, list) else ():
            if not isinstance(layer, dict) or layer.get("mediaType") != SIMPLE_SIGNING:
                continue
            notes = layer.get("annotations")
            notes = notes if isinstance(notes, dict) else {}
            try:
                raw_sig = base64.b64decode(str(notes.get(SIG_ANNOTATION, "")), validate=True)
            except (binascii.Error, ValueError):
                problems.append(f"{source}: the signature annotation is not base64")
                continue
            try:
                payload = client.blob(registry, repository, str(layer.get("digest", "")))
            except RegistryError as exc:
                problems.append(f"{source}: payload unreadable ({exc})")
                continue
            keyless = CERT_ANNOTATION in notes or BUNDLE_ANNOTATION in notes
            sigs.append(Signature(payload, raw_sig, source, keyless))
    return sigs, how, bundles, problems


def payload_digest(payload: bytes) -> str:
    """``critical.image.docker-manifest-digest`` of a simple signing payload ("" if absent)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return ""
    crit = data.get("critical") if isinstance(data, dict) else None
    if not isinstance(crit, dict) or crit.get("type") != PAYLOAD_TYPE:
        return ""
    image = crit.get("image")
    value = image.get("docker-manifest-digest") if isinstance(image, dict) else None
    return value if isinstance(value, str) else ""


def verifies(key: PublicKey, sig: Signature) -> bool:
    try:
        key.key.verify(sig.signature, sig.payload, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_cosign(client: RegistryClient, registry: str, repository: str, digest: str,
                  keys: list[PublicKey]) -> CosignResult:
    sigs, how, bundles, problems = signatures_of(client, registry, repository, digest)
    sources = sorted({s.source for s in sigs})

    def result(verdict: Verdict, detail: str) -> CosignResult:
        return CosignResult(verdict, detail, len(sigs), sources, how, bundles)

    if not sigs and bundles:
        return result(Verdict.KEYLESS_ONLY, f"{bundles} Sigstore bundle(s) refer to the image")
    if not sigs:
        where = {"api": "no cosign referrer (referrers API)",
                 "tag": f"no cosign referrer in the {digest.replace(':', '-')} index",
                 "": "the registry has no referrers API and no referrers index"}[how]
        return result(Verdict.UNSIGNED, "; ".join(problems) or f"no {sig_tag(digest)} tag; "
                      f"{where}")
    keyed = [s for s in sigs if not s.keyless]
    if not keys:
        verdict = Verdict.NO_KEY if keyed else Verdict.KEYLESS_ONLY
        return result(verdict, f"{len(sigs)} signature(s) found")
    wrong: list[str] = []
    for sig in sigs:
        for key in keys:
            if not verifies(key, sig):
                continue
            named = payload_digest(sig.payload)
            if named == digest:
                return result(Verdict.VERIFIED, f"{sig.source} verified with {key.name}")
            wrong.append(f"{sig.source} (signed by {key.name}) names {named or 'no digest'}")
    if wrong:
        return result(Verdict.WRONG_DIGEST, "; ".join(wrong))
    if not keyed or bundles:
        return result(Verdict.KEYLESS_ONLY, f"{len(sigs) - len(keyed)} keyless signature(s), "
                      f"{bundles} Sigstore bundle(s); no key-based signature verifies")
    names = ", ".join(sorted({k.name for k in keys}))
    return result(Verdict.UNTRUSTED, f"{len(sigs)} signature(s) in {', '.join(sources)}; "
                  f"none verifies with {names}")


def keyless_reason() -> str:
    """Why keyless (Fulcio) and Sigstore-bundle signatures are reported `not run`."""
    if importlib.util.find_spec("sigstore") is None:
        return ("keyless (Fulcio/Sigstore bundle) signatures only: the sigstore library is not "
                "installed, and it would need Sigstore's trust root (Fulcio CA, Rekor key) and "
                "the signer identity to expect; meshward verifies key-based signatures")
    return ("keyless (Fulcio/Sigstore bundle) signatures only: verifying them needs Sigstore's "
            "trust root (fetched online through TUF) and the signer identity to expect, which "
            "this offline run does not have; meshward verifies key-based signatures")
