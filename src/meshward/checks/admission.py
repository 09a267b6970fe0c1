"""Signature-verification admission policies and which images they cover.

Each tool matches images its own way; meshward reproduces each one:

- **Kyverno** (``verifyImages`` rules of ClusterPolicy/Policy): the image is written as
  ``registry/path:tag`` (``docker.io`` added when no registry is named, ``:latest`` when no
  tag) or ``registry/path@digest`` when a digest is given; ``imageReferences`` are wildcards
  where ``*`` matches any run of characters, ``/`` included, and ``?`` one character.
  ``skipImageReferences`` exclude. Failure action: the entry's ``failureAction``, else the
  policy's ``validationFailureAction``; Kyverno's default is ``Audit``.
- **sigstore policy-controller** (``ClusterImagePolicy``): the image is fully qualified
  (``index.docker.io/library/nginx:latest``); in a ``glob`` ``*`` matches any run of
  characters except ``/`` and ``**`` any run at all; ``*`` alone means
  ``index.docker.io/library/*`` and ``*/*`` means ``index.docker.io/*/*``; when the fully
  qualified name does not match, the image as written is tried. Only namespaces labelled
  ``policy.sigstore.dev/include: "true"`` are checked. ``mode: warn`` only warns.
- **Connaisseur**: ``policy`` rules whose ``pattern`` is wrapped in ``*...*`` and matched
  with ``*`` crossing ``/``; the most specific matching rule wins (most ``/`` components,
  then longest common prefixes, then longest components); its validator decides, and a
  ``static`` validator with ``approve: true`` admits without verifying. No matching rule
  denies. ``detectionMode: true`` only logs.
- **Ratify** with a Gatekeeper ``RatifyVerification`` constraint: verifies every image of the
  pods the constraint matches; a Notation verifier limits itself to its trust policies'
  ``registryScopes`` (``*`` or exact repositories), a cosign verifier to ``scopes``
  (``*`` or a prefix ending in ``*``). ``enforcementAction: dryrun``/``warn`` do not deny.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.findings.finding import ResourceRef
from meshward.loaders.walk import tree_files
from meshward.loaders.yamlsrc import ParseError, iter_yaml_documents
from meshward.model.kubernetes import K8sObject
from meshward.model.source import Location, YMap, as_map, as_seq

_DIGEST = re.compile(r"@(sha256:[0-9a-fA-F]+)$")


@dataclass(frozen=True, slots=True)
class Written:
    """An image reference split as written: registry (or ""), path, tag, digest."""

    registry: str
    path: str
    tag: str
    digest: str


def split_written(image: str) -> Written:
    rest, digest = image.strip(), ""
    m = _DIGEST.search(rest)
    if m:
        digest, rest = m.group(1), rest[: m.start()]
    slash, colon = rest.rfind("/"), rest.rfind(":")
    tag = ""
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1:]
    first, _, remainder = rest.partition("/")
    if remainder and ("." in first or ":" in first or first == "localhost"):
        return Written(first, remainder, tag, digest)
    return Written("", rest, tag, digest)


def kyverno_form(image: str) -> str:
    w = split_written(image)
    base = f"{w.registry or 'docker.io'}/{w.path}"
    return f"{base}@{w.digest}" if w.digest else f"{base}:{w.tag or 'latest'}"


def ggcr_form(image: str) -> str:
    """go-containerregistry's ``Reference.Name()``: fully qualified, Docker Hub expanded."""
    w = split_written(image)
    registry = w.registry.lower() or "index.docker.io"
    if registry == "docker.io":
        registry = "index.docker.io"
    path = w.path
    if registry == "index.docker.io" and "/" not in path:
        path = f"library/{path}"
    base = f"{registry}/{path}"
    return f"{base}@{w.digest}" if w.digest else f"{base}:{w.tag or 'latest'}"


def repository_form(image: str) -> str:
    """``docker.io/library/nginx``: the repository as Notation trust policies name it."""
    w = split_written(image)
    registry = w.registry.lower() or "docker.io"
    path = f"library/{w.path}" if registry == "docker.io" and "/" not in w.path else w.path
    return f"{registry}/{path}"


@lru_cache(maxsize=512)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """Kyverno/Connaisseur wildcards: ``*`` any run (``/`` too), ``?`` one character."""
    out = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{out}$", re.DOTALL)


@lru_cache(maxsize=512)
def sigstore_glob(glob: str) -> re.Pattern[str] | None:
    if glob == "*/*":
        glob = "index.docker.io/*/*"
    elif glob == "*":
        glob = "index.docker.io/library/*"
    if not re.fullmatch(r"[a-zA-Z0-9\-_:/*.]+", glob):
        return None
    parts = glob.split("**")
    rx = ".*".join(re.escape(p).replace(r"\*", "[^/]*") for p in parts)
    return re.compile(f"^{rx}$")


def sigstore_matches(glob: str, image: str) -> bool:
    rx = sigstore_glob(glob)
    if rx is None:
        return False
    full = ggcr_form(image)
    return bool(rx.match(full)) or (full != image and bool(rx.match(image)))


@dataclass
class Coverage:
    covered: bool
    reason: str = ""  # why not, when not covered


@dataclass
class VerifyPolicy:
    """One signature-verification policy found in the tree."""

    tool: str
    name: str
    location: Location
    resource: ResourceRef | None
    patterns: list[str] = field(default_factory=list)
    audit_reason: str = ""  # non-empty: it does not deny unverified images
    namespaces: list[str] = field(default_factory=list)  # empty: every namespace
    excluded_namespaces: list[str] = field(default_factory=list)
    kind: str = ""  # kyverno | sigstore | connaisseur | ratify
    skip: list[str] = field(default_factory=list)
    connaisseur_rules: list[tuple[str, str]] = field(default_factory=list)  # (pattern, validator)
    approving_validators: set[str] = field(default_factory=set)
    opted_out: set[str] = field(default_factory=set)  # namespaces not opted in (sigstore)

    def in_scope(self, namespace: str) -> bool:
        if self.namespaces and not any(fnmatch.fnmatchcase(namespace, n) for n in self.namespaces):
            return False
        return not any(fnmatch.fnmatchcase(namespace, n) for n in self.excluded_namespaces)

    def covers(self, image: str, namespace: str) -> Coverage:
        if not self.in_scope(namespace):
            return Coverage(False, f"{self.name} does not apply to namespace {namespace}")
        if self.kind == "kyverno":
            form = kyverno_form(image)
            if any(_wildcard(p).match(form) for p in self.skip):
                return Coverage(False, f"{self.name} skips {form}")
            if any(_wildcard(p).match(form) for p in self.patterns):
                return Coverage(True)
            return Coverage(False, f"{self.name} verifies only {', '.join(self.patterns)} "
                            f"(Kyverno sees {form})")
        if self.kind == "sigstore":
            if namespace in self.opted_out:
                return Coverage(False, f"namespace {namespace} is not labelled "
                                "policy.sigstore.dev/include=true")
            if any(sigstore_matches(p, image) for p in self.patterns):
                return Coverage(True)
            return Coverage(False, f"{self.name} globs {', '.join(self.patterns)} do not match "
                            f"{ggcr_form(image)}")
        if self.kind == "connaisseur":
            return self._connaisseur(image)
        if self.kind == "opaque":
            return Coverage(True)  # patterns not evaluated (see verify_policies' notice)
        if self.kind == "ratify":
            if not self.patterns:
                return Coverage(True)
            repo = repository_form(image)
            for p in self.patterns:
                if p == "*" or p == repo or (p.endswith("*") and repo.startswith(p[:-1])):
                    return Coverage(True)
            return Coverage(False, f"Ratify verifier scopes {', '.join(self.patterns)} do not "
                            f"include {repo}")
        return Coverage(False, "unknown policy")

    def _connaisseur(self, image: str) -> Coverage:
        full = ggcr_form(image)
        folded = _fold_host(full)
        best: tuple[tuple[int, ...], str, str] | None = None
        for pattern, validator in self.connaisseur_rules:
            p = _fold_host(pattern)
            wrapped = ("" if p.startswith("*") else "*") + p + ("" if p.endswith("*") else "*")
            if not _wildcard(wrapped).match(folded):
                continue
            key = _specificity(p, folded)
            if best is None or key > best[0]:
                best = (key, pattern, validator)
        if best is None:
            return Coverage(True)  # no matching rule: Connaisseur denies the image
        _, pattern, validator = best
        if (validator or "default") in self.approving_validators:
            return Coverage(False, f"Connaisseur rule {pattern!r} admits {full} through static "
                            f"validator {validator or 'default'} without verifying a signature")
        return Coverage(True)


def _fold_host(ref: str) -> str:
    host, slash, rest = ref.partition("/")
    if slash and ("." in host or ":" in host or host.lower() == "localhost"):
        return host.lower() + "/" + rest
    return ref


def _specificity(pattern: str, image: str) -> tuple[int, ...]:
    comps = pattern.split("/")
    image_comps = image.split("/")
    prefixes = []
    for i, c in enumerate(comps):
        other = image_comps[i] if i < len(image_comps) else ""
        n = 0
        while n < min(len(c), len(other)) and c[n] == other[n]:
            n += 1
        prefixes.append(n)
    return (len(comps), *prefixes, *(len(c) for c in comps))


def _is_enforce(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "enforce"


def _namespaces(match: YMap) -> list[str]:
    out: list[str] = []
    blocks = [as_map(match.get("resources"))]
    for key in ("any", "all"):
        blocks.extend(as_map(as_map(b).get("resources")) for b in as_seq(match.get(key)))
    for b in blocks:
        out.extend(str(n) for n in as_seq(b.get("namespaces")))
    return out


def _kyverno(obj: K8sObject) -> Iterator[VerifyPolicy]:
    spec = obj.spec
    default_enforce = _is_enforce(spec.get("validationFailureAction"))
    for r in as_seq(spec.get("rules")):
        rule = as_map(r)
        entries = [as_map(v) for v in as_seq(rule.get("verifyImages"))]
        if not entries:
            continue
        patterns: list[str] = []
        skip: list[str] = []
        audit = []
        for e in entries:
            patterns.extend(str(p) for p in as_seq(e.get("imageReferences")))
            if isinstance(e.get("image"), str):
                patterns.append(str(e["image"]))
            skip.extend(str(p) for p in as_seq(e.get("skipImageReferences")))
            action = e.get("failureAction")
            enforce = _is_enforce(action) if action is not None else default_enforce
            audit.append(not enforce)
        namespaces = [obj.namespace] if obj.kind == "Policy" else _namespaces(as_map(rule.get("match")))
        excluded = _namespaces(as_map(rule.get("exclude")))
        reason = ""
        if all(audit):
            how = spec.get("validationFailureAction")
            reason = ("validationFailureAction is Audit" if how is not None
                      else "no validationFailureAction or failureAction is set, and Kyverno's "
                           "default is Audit")
            if any(e.get("failureAction") is not None for e in entries):
                reason = "failureAction is Audit"
        name = f"{obj.kind} {obj.name} (rule {rule.get('name', '?')})"
        yield VerifyPolicy("Kyverno", name, obj.at("spec", "rules"), obj.ref, patterns, reason,
                           namespaces, excluded, "kyverno", skip)


def _sigstore(obj: K8sObject, opted_out: set[str]) -> VerifyPolicy:
    globs = [str(as_map(i).get("glob")) for i in as_seq(obj.spec.get("images"))
             if as_map(i).get("glob")]
    mode = str(obj.spec.get("mode") or "enforce").lower()
    reason = "mode is warn" if mode == "warn" else ""
    return VerifyPolicy("sigstore policy-controller", f"ClusterImagePolicy {obj.name}",
                        obj.at("spec", "images"), obj.ref, globs, reason, kind="sigstore",
                        opted_out=opted_out)


def _ratify(constraints: list[K8sObject], verifiers: list[K8sObject]) -> Iterator[VerifyPolicy]:
    scopes: list[str] = []
    for v in verifiers:
        params = as_map(v.spec.get("parameters"))
        doc = as_map(params.get("trustPolicyDoc"))
        for tp in as_seq(doc.get("trustPolicies")):
            scopes.extend(str(s) for s in as_seq(as_map(tp).get("registryScopes")))
        for tp in as_seq(params.get("trustPolicies")):
            scopes.extend(str(s) for s in as_seq(as_map(tp).get("scopes")))
    for c in constraints:
        action = str(c.spec.get("enforcementAction") or "deny").lower()
        reason = f"enforcementAction is {action}" if action != "deny" else ""
        match = as_map(c.spec.get("match"))
        yield VerifyPolicy("Ratify", f"RatifyVerification {c.name}", c.at("spec"), c.ref,
                           scopes, reason, [str(n) for n in as_seq(match.get("namespaces"))],
                           [str(n) for n in as_seq(match.get("excludedNamespaces"))], "ratify")


def _connaisseur_configs(ctx: ScanContext) -> Iterator[tuple[str, int, YMap]]:
    """(file, line, config) of Connaisseur configurations: Helm values (``application:``
    or top level) and ConfigMaps holding them."""
    for cm in ctx.inventory.by_kind("ConfigMap"):
        for key, value in as_map(cm.get("data")).items():
            if isinstance(value, str) and "pattern" in value and "validators" in value:
                for conf in _parse_config_text(value):
                    yield cm.location.path, cm.line("data", key), conf
    for raw in ctx.inventory.roots or [ctx.inventory.root]:
        root = Path(raw)
        base = root if root.is_dir() else root.parent
        for path in tree_files(ctx.inventory, root, ctx.config.exclude):
            if path.suffix.lower() not in (".yaml", ".yml"):
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "validators" not in text or "pattern" not in text or "kind:" in text[:200]:
                continue
            shown = path.relative_to(base).as_posix() if path != root else path.name
            for conf in _parse_config_text(text):
                yield shown, conf.line_of("policy") or conf.line, conf


def _parse_config_text(text: str) -> Iterator[YMap]:
    try:
        docs = list(iter_yaml_documents(text))
    except ParseError:
        return
    for d in docs:
        value = as_map(d.value)
        for conf in (as_map(value.get("application")), value):
            if isinstance(conf.get("validators"), list) and isinstance(conf.get("policy"), list):
                yield conf
                break


def _connaisseur(ctx: ScanContext) -> Iterator[VerifyPolicy]:
    for path, line, conf in _connaisseur_configs(ctx):
        rules = [(str(as_map(r).get("pattern")), str(as_map(r).get("validator") or ""))
                 for r in as_seq(conf.get("policy")) if as_map(r).get("pattern")]
        approving = {str(as_map(v).get("name")) for v in as_seq(conf.get("validators"))
                     if as_map(v).get("type") == "static" and as_map(v).get("approve") is True}
        features = as_map(conf.get("features"))
        detection = features.get("detectionMode") is True or conf.get("detectionMode") is True
        yield VerifyPolicy("Connaisseur", f"Connaisseur policy in {path}", Location(path, line),
                           ResourceRef("Connaisseur", path), [p for p, _ in rules],
                           "detectionMode is on" if detection else "", kind="connaisseur",
                           connaisseur_rules=rules, approving_validators=approving)


def verify_policies(ctx: ScanContext) -> list[VerifyPolicy]:
    """Every signature-verification policy of the tree (computed once per inventory)."""
    return once(ctx.inventory, "admission-verify-policies", lambda: list(_find(ctx)))


def _find(ctx: ScanContext) -> Iterator[VerifyPolicy]:
    inv = ctx.inventory
    for obj in inv.by_kind("ClusterPolicy", "Policy"):
        if obj.group == "kyverno.io":
            yield from _kyverno(obj)
    for obj in inv.by_kind("ImageValidatingPolicy"):
        if obj.group == "policies.kyverno.io":
            ctx.notice(f"MW331: Kyverno ImageValidatingPolicy {obj.name} is counted as covering "
                       "every image: its matchImageReferences are not evaluated by meshward")
            actions = [str(a).lower() for a in as_seq(obj.spec.get("validationActions"))]
            reason = (f"validationActions is {', '.join(actions)}"
                      if actions and "deny" not in actions else "")
            where = obj.at("spec", "validationActions") if actions else obj.at("spec")
            yield VerifyPolicy("Kyverno", f"ImageValidatingPolicy {obj.name}", where,
                               obj.ref, audit_reason=reason, kind="opaque")
    sigstore = [o for o in inv.by_kind("ClusterImagePolicy") if o.group == "policy.sigstore.dev"]
    if sigstore:
        opted_out = {ns.name for ns in inv.by_kind("Namespace")
                     if ns.labels.get("policy.sigstore.dev/include") != "true"}
        for obj in sigstore:
            yield _sigstore(obj, opted_out)
    constraints = [o for o in inv.by_kind("RatifyVerification")
                   if o.group == "constraints.gatekeeper.sh"]
    verifiers = [o for o in inv.by_kind("Verifier") if o.group == "config.ratify.deislabs.io"]
    yield from _ratify(constraints, verifiers)
    yield from _connaisseur(ctx)


def first(items: Iterable[VerifyPolicy]) -> VerifyPolicy | None:
    return next(iter(items), None)
