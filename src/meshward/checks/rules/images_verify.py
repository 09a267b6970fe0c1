"""MWI01-MWI29: the checks `meshward images` runs against registries and Notary (Mode.VERIFY).

Like the probe checks, they are rules so that `meshward rules`, `explain` and the docs list
them; a static scan has no registry to ask, so their ``check`` yields nothing. The images
runner (:mod:`meshward.images.runner`) produces their findings.
"""

from __future__ import annotations

from meshward.checks.registry import Rule, not_at_rest
from meshward.findings.finding import Mode, Severity

_DOC = "https://github.com/meshward/meshward/blob/main/docs/images.md"
_DIST = "https://github.com/opencontainers/distribution-spec/blob/main/spec.md"
_COSIGN = "https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md"
_TUF = "https://theupdateframework.github.io/specification/latest/"
_NOTARY = "https://github.com/notaryproject/notary/blob/master/docs/service_architecture.md"
_PROV = ("SUP-PROVENANCE",)
_REG = ("SUP-REGISTRY",)



def _check(id: str, title: str, severity: Severity, practices: tuple[str, ...], cwe: str,
           rationale: str, remediation: str, *refs: str) -> Rule:
    return Rule(id=id, title=title, severity=severity, practices=practices, rationale=rationale,
                remediation=remediation, check=not_at_rest, references=(*refs, _DOC),
                targets=("kubernetes", "compose", "dockerfile"), cwe=cwe,
                mode=Mode.VERIFY, command="images",
                example_fail="meshward images deploy/   # the registry or Notary disagrees",
                example_pass="meshward images deploy/   # digest, signature and trust data hold")


OUTSIDE_ALLOWLIST = _check(
    "MWI01", "Image from a registry outside the allowlist", Severity.HIGH, _REG, "CWE-829",
    "The image is pulled from a registry that is not in `--allow-registry` or `registries:` of "
    ".meshward.yaml: nobody vouches for what that registry serves or scans it.",
    "Mirror the image into an allowed registry and reference it there, or allow the registry "
    "if it is trusted.")
PLAIN_HTTP = _check(
    "MWI02", "Registry reached over plain HTTP", Severity.HIGH, _REG, "CWE-319",
    "The registry answered only over http://: manifests, layers and any credentials cross "
    "the network unprotected, and whoever sits on the path can serve other images.",
    "Serve the registry over TLS (distribution: `http.tls.certificate`/`key`) and drop it "
    "from `insecure-registries`.", _DIST)
TAG_MOVED = _check(
    "MWI03", "Tag moved since the pinned digest", Severity.HIGH, _PROV, "CWE-494",
    "The reference is written `image:tag@sha256:...` but the registry now serves another "
    "manifest under that tag: the pinned digest is no longer what the tag means, so the "
    "files and the registry disagree about which image should run.",
    "Find out why the tag moved (a rebuild, or someone pushed). Re-pin to the digest you "
    "have reviewed, or restore the tag.", _DIST)
DIGEST_MISSING = _check(
    "MWI04", "Pinned digest not in the registry", Severity.HIGH, _PROV, "CWE-494",
    "The registry has no manifest for the pinned digest: the image was deleted or never "
    "pushed there, so a new node cannot pull it (or an old cache runs something no one "
    "can inspect).",
    "Push the image again (its digest does not change) or pin to a digest the registry has.",
    _DIST)
TAG_MISSING = _check(
    "MWI05", "Tag not in the registry", Severity.MEDIUM, _REG, "CWE-494",
    "The registry has no manifest for the tag: pulls fail, or a cache serves an image the "
    "registry no longer vouches for.",
    "Push the tag, or reference an existing tag pinned by digest.", _DIST)
UNSIGNED = _check(
    "MWI10", "Image has no cosign signature", Severity.HIGH, _PROV, "CWE-347",
    "Neither the `sha256-<digest>.sig` tag nor the OCI referrers API holds a cosign "
    "signature for the image's digest: nothing shows it was built and published by the "
    "fleet's pipeline.",
    "Sign in CI after the push (`cosign sign --key ... image@sha256:...`) and enforce it at "
    "admission (Kyverno verifyImages, sigstore policy-controller).", _COSIGN)
SIGNATURE_UNTRUSTED = _check(
    "MWI11", "Cosign signature not made by a trusted key", Severity.CRITICAL, _PROV, "CWE-347",
    "The image carries signatures, but none verifies with the public key configured for its "
    "registry or repository: it was signed by someone else, or the signature is corrupt.",
    "Re-sign with the fleet's key, or configure the right key under `image_keys:`; treat an "
    "unexpected signer as an incident.", _COSIGN)
SIGNATURE_WRONG_DIGEST = _check(
    "MWI12", "Cosign signature vouches for another image", Severity.CRITICAL, _PROV, "CWE-347",
    "A signature made by a trusted key sits next to this image, but its simple-signing "
    "payload names another manifest digest: it was copied from another image.",
    "Sign this image's digest itself; never copy signature manifests between images.",
    _COSIGN)
NOTARY_NO_DATA = _check(
    "MWI20", "No Notary trust data for the image", Severity.HIGH, _PROV, "CWE-347",
    "The Notary server has no trust collection for the repository (or none for this tag): "
    "Docker Content Trust would refuse the pull, and nothing vouches for the image.",
    "Sign with Docker Content Trust (`DOCKER_CONTENT_TRUST=1 docker push`, or `notary add` "
    "and `notary publish`).", _NOTARY)
NOTARY_EXPIRED = _check(
    "MWI21", "Notary trust data expired", Severity.HIGH, _PROV, "CWE-672",
    "A role of the TUF collection (root, targets, snapshot, timestamp or a delegation) is "
    "past its expiry: clients refuse it, and stale data can hide a revoked image (freeze "
    "attack).",
    "Re-sign the expired role (`notary publish` refreshes snapshot and timestamp; `notary "
    "key rotate` for root); let the server manage the timestamp key.", _TUF, _NOTARY)
NOTARY_INVALID = _check(
    "MWI22", "Notary trust data does not verify (tampered)", Severity.CRITICAL, _PROV,
    "CWE-345",
    "A TUF role of the collection is not signed by enough of its keys (threshold), or a file "
    "does not match the hash and length the snapshot or timestamp give for it: the trust "
    "data was altered after signing.",
    "Treat it as an incident: compare with a known-good copy, rotate the affected keys and "
    "re-publish.", _TUF, _NOTARY)
NOTARY_MISMATCH = _check(
    "MWI23", "Notary signs another digest for the tag", Severity.CRITICAL, _PROV, "CWE-494",
    "The signed targets of the collection name a different manifest for this tag than the "
    "registry serves: the registry content changed without being signed.",
    "Find out who pushed the tag; re-push the signed image or sign the new one.", _NOTARY)
