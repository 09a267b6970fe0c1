"""Run every image check for every image of the inventory, concurrently, within limits.

Per distinct reference: the allowlist (no traffic), then tag -> digest and the pinned
digest through the registry, then cosign signatures and Notary trust data for the digest
that would run. Registry answers are cached per manifest, signature and trust results per
digest, so 500 uses of 50 images cost about 50 lookups. A check that cannot run (registry
unreachable, no key, no Notary server) becomes a `not run` notice, never a pass.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from meshward.checks.engine import finding_from_hit
from meshward.checks.images import ImageUse
from meshward.checks.registry import Hit, get_rule
from meshward.checks.rules.supply_images import allowed
from meshward.findings.finding import Finding
from meshward.images.cache import Once
from meshward.images.cosign import (
    CosignResult,
    Verdict,
    keyless_reason,
    sig_tag,
    verify_cosign,
)
from meshward.images.http import FetchFailed, HttpClient
from meshward.images.keys import KeyRing
from meshward.images.notary import NotaryClient, NotaryResult, Trust
from meshward.images.registry import RegistryClient, RegistryError
from meshward.images.targets import ImageTarget

REGISTRY_RULES = ("MWI03", "MWI04", "MWI05")
COSIGN_RULES = ("MWI10", "MWI11", "MWI12")
NOTARY_RULES = ("MWI20", "MWI21", "MWI22", "MWI23")
_NOTARY_RULE = {Trust.NO_DATA: "MWI20", Trust.UNSIGNED_TAG: "MWI20", Trust.EXPIRED: "MWI21",
                Trust.INVALID: "MWI22", Trust.MISMATCH: "MWI23"}
_COSIGN_RULE = {Verdict.UNSIGNED: "MWI10", Verdict.UNTRUSTED: "MWI11",
                Verdict.WRONG_DIGEST: "MWI12"}


@dataclass
class Options:
    allowlist: list[str] = field(default_factory=list)
    keys: KeyRing = field(default_factory=KeyRing)
    notary_url: str = ""
    insecure: frozenset[str] = frozenset()
    concurrency: int = 16
    now: dt.datetime | None = None  # for Notary expiry; the clock when None


@dataclass
class ImagesResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    images: int = 0
    uses: int = 0
    requests: int = 0
    duration_s: float = 0.0
    ran: set[str] = field(default_factory=set)  # checks that ran for at least one image


@dataclass
class _Outcome:
    """What the checks found for one distinct reference (built in a worker thread)."""

    target: ImageTarget
    hits: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, message, evidence)
    skipped: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    digest: str = ""
    verified: str = ""  # how the cosign signature verified

    def hit(self, rule_id: str, message: str, evidence: str) -> None:
        self.hits.append((rule_id, message, evidence))

    def skip(self, rules: tuple[str, ...], reason: str) -> None:
        self.skipped.append((rules, reason))


@dataclass
class _Runner:
    registry: RegistryClient
    options: Options
    signatures: Once[CosignResult] = field(default_factory=Once)
    trust: Once[NotaryResult] = field(default_factory=Once)

    def check(self, target: ImageTarget) -> _Outcome:
        out = _Outcome(target)
        ref = target.ref
        try:
            digest = self._resolve(out)
        except (FetchFailed, RegistryError) as exc:
            out.skip(REGISTRY_RULES + COSIGN_RULES + NOTARY_RULES,
                     f"registry {ref.registry} not asked successfully: {exc}")
            return out
        if not digest:
            out.skip(COSIGN_RULES + NOTARY_RULES, "no manifest to verify")
            return out
        out.digest = digest
        self._cosign(out, digest)
        self._notary(out, digest)
        return out

    def _resolve(self, out: _Outcome) -> str:
        ref = out.target.ref
        reg = self.registry
        tag_digest = ""
        if ref.tag is not None or ref.digest is None:
            tag = ref.tag or "latest"
            current = reg.manifest(ref.registry, ref.repository, tag)
            if current is None:
                out.hit("MWI05", f"{ref.full_name} has no tag {tag} in the registry",
                        f"HEAD /v2/{ref.repository}/manifests/{tag} -> 404")
            else:
                tag_digest = current.digest
        if ref.digest is None:
            return tag_digest
        pinned = reg.manifest(ref.registry, ref.repository, ref.digest)
        if pinned is None:
            out.hit("MWI04", f"{ref.full_name}@{ref.digest[:19]}… is not in the registry",
                    f"HEAD /v2/{ref.repository}/manifests/{ref.digest} -> 404")
            return ""
        if tag_digest and tag_digest != ref.digest:
            out.hit("MWI03", f"{ref.full_name}:{ref.tag} now resolves to {tag_digest}, not the "
                             f"pinned {ref.digest}",
                    f"tag {ref.tag} -> {tag_digest}; pinned {ref.digest}")
        return ref.digest

    def _cosign(self, out: _Outcome, digest: str) -> None:
        ref = out.target.ref
        keys = self.options.keys.for_image(ref.registry, ref.repository)
        try:
            result = self.signatures.get(
                (ref.registry, ref.repository, digest),
                lambda: verify_cosign(self.registry, ref.registry, ref.repository, digest, keys))
        except (FetchFailed, RegistryError) as exc:
            out.skip(COSIGN_RULES, f"signatures not fetched: {exc}")
            return
        rule_id = _COSIGN_RULE.get(result.verdict)
        if rule_id == "MWI10":
            out.hit(rule_id, f"{ref.full_name}@{digest[:19]}… has no cosign signature",
                    result.detail)
        elif rule_id == "MWI11":
            out.hit(rule_id, f"{ref.full_name}@{digest[:19]}…: no signature verifies with the "
                             "configured key", result.detail)
        elif rule_id == "MWI12":
            out.hit(rule_id, f"{ref.full_name}@{digest[:19]}…: a trusted signature names "
                             "another image", result.detail)
        elif result.verdict is Verdict.NO_KEY:
            out.skip(("MWI11", "MWI12"), "signatures present but no public key configured for "
                                         "the image (--key FILE or image_keys: in .meshward.yaml)")
        elif result.verdict is Verdict.KEYLESS_ONLY:
            out.skip(("MWI11", "MWI12"), keyless_reason())
        else:
            out.verified = result.detail

    def _notary(self, out: _Outcome, digest: str) -> None:
        url = self.options.notary_url
        if not url:
            out.skip(NOTARY_RULES, "no Notary server given (--notary URL)")
            return
        ref = out.target.ref
        gun = ref.full_name
        client = NotaryClient(self.registry.http, url)
        try:
            result = self.trust.get((gun, ref.tag, digest),
                                    lambda: client.verify(gun, ref.tag, digest, self.options.now))
        except FetchFailed as exc:
            out.skip(NOTARY_RULES, f"Notary server not reached: {exc}")
            return
        rule_id = _NOTARY_RULE.get(result.trust)
        if rule_id is not None:
            out.hit(rule_id, f"{gun}{':' + ref.tag if ref.tag else ''}: {result.detail}",
                    f"Notary {url} collection {gun}: {result.trust.value}")


def run_images(targets: list[ImageTarget], http: HttpClient, options: Options
               ) -> ImagesResult:
    started = time.perf_counter()
    result = ImagesResult(images=len(targets), uses=sum(len(t.uses) for t in targets))
    registry = RegistryClient(http, options.insecure)
    runner = _Runner(registry, options)
    hits: list[tuple[str, Hit]] = []
    skipped: dict[tuple[tuple[str, ...], str], list[str]] = {}
    if options.allowlist:
        for t in targets:
            if not allowed(t.ref, options.allowlist):
                for use in t.uses:
                    hits.append(("MWI01", _hit(use, f"{use.where}: image {t.ref.raw} comes from "
                                                    f"{t.ref.registry}, outside the allowlist",
                                               f"allowed: {', '.join(options.allowlist)}", "")))
    else:
        result.notices.append("not run: MWI01: no registry allowlist (--allow-registry HOST or "
                              "registries: in .meshward.yaml)")
    with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
        outcomes = list(pool.map(runner.check, targets))
    if options.allowlist:
        result.ran.add("MWI01")
    first_use: dict[str, ImageUse] = {}
    verified: list[str] = []
    per_image = set(REGISTRY_RULES + COSIGN_RULES + NOTARY_RULES)
    answered = 0
    for o in outcomes:
        not_run = {r for rules, _ in o.skipped for r in rules}
        result.ran |= per_image - not_run
        if not set(REGISTRY_RULES) & not_run:
            result.ran.add("MWI02")
            answered += 1
        first_use.setdefault(o.target.ref.registry, o.target.first)
        for rule_id, message, evidence in o.hits:
            for use in o.target.uses:
                hits.append((rule_id, _hit(use, f"{use.where}: {message}", evidence, o.digest)))
        for rules, reason in o.skipped:
            skipped.setdefault((rules, reason), []).append(o.target.ref.raw)
        if o.verified:
            verified.append(o.target.ref.raw)
    for reg in sorted(registry.plain_http):
        use = first_use[reg]
        served = [t for t in targets if t.ref.registry == reg]
        services = sorted({u.service for t in served for u in t.uses if u.service})
        hits.append(("MWI02", _hit(use, f"registry {reg} ({len(served)} image(s) of "
                                        f"{len(services)} service(s)) answered only over "
                                        "plain HTTP", f"https://{reg}/v2/ failed; "
                                                      f"http://{reg}/v2/ answered", "",
                                   key=f"registry/{reg}",
                                   more=(("services", ",".join(services)),))))
    if targets:
        result.notices.append(f"registries answered for {answered} of {len(targets)} "
                              "image(s)")
    if verified:
        result.notices.append(f"cosign: {len(verified)} image(s) signed by a configured key")
    for (rules, reason), names in skipped.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        result.notices.append(f"not run: {', '.join(rules)} on {shown}: {reason}")
    for rule_id, hit in hits:
        rule = get_rule(rule_id)
        assert rule is not None, rule_id
        result.findings.append(finding_from_hit(rule, hit))  # mode verify, from the rule
    result.findings.sort(key=lambda f: f.sort_key())
    result.requests = http.sent
    result.duration_s = time.perf_counter() - started
    return result


def _hit(use: ImageUse, message: str, evidence: str, digest: str, key: str = "",
         more: tuple[tuple[str, str], ...] = ()) -> Hit:
    extra = [("image", use.image.raw), ("registry", use.image.registry)]
    if digest:
        extra.append(("digest", digest))
    extra.extend(more)
    return Hit(message=message, location=use.location, resource=use.resource,
               service=use.service, evidence=evidence, key=key or use.key, extra=tuple(extra))


__all__ = ["ImagesResult", "Options", "run_images", "sig_tag"]
