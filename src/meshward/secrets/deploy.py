"""Deployment-aware parts: Kubernetes Secret data, SealedSecret/SOPS, owning resources.

A Kubernetes Secret's ``data`` is base64: it is decoded and scanned; what no
known format claims is still a committed secret value (MW905). ``stringData`` is
taken as written. SealedSecret documents and SOPS metadata blocks are encrypted
and never findings. Matches in a Kubernetes object or compose service carry the
resource and service they sit in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meshward.errors import InputError
from meshward.findings.finding import Confidence, ResourceRef
from meshward.loaders.yamlsrc import Document, ParseError, iter_yaml_documents, parse_json
from meshward.model.kubernetes import CLUSTER_SCOPED_KINDS, WORKLOAD_KINDS
from meshward.model.source import YMap, YSeq
from meshward.secrets.filters import is_strong_placeholder
from meshward.secrets.model import Kind, Match
from meshward.secrets.validate import b64decode_loose

SECRET_KIND = re.compile(r"""^\s*["']?kind["']?\s*:\s*["']?Secret["']?\s*,?\s*$""", re.MULTILINE)
_KIND_SECRET = re.compile(r"""kind["']?\s*:\s*["']?Secret["']?\s*,?[ \t]*$""", re.MULTILINE)


def has_secret_kind(text: str) -> bool:
    """Same answer as ``SECRET_KIND.search(text)``, found from the literal ``kind`` (a fast
    prefix scan) instead of trying the pattern at every line start of a large file."""
    for m in _KIND_SECRET.finditer(text):
        head = text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip()
        if head in ("", '"', "'"):
            return True
    return False


SEALED_KIND = re.compile(r"""^\s*["']?kind["']?\s*:\s*["']?SealedSecret\b""", re.MULTILINE)
SOPS_BLOCK = re.compile(r"""^(?:sops:\s*$|\s*"sops"\s*:\s*\{)|^sops_[a-z_]+=""", re.MULTILINE)
SERVICE_ANNOTATION = "meshward.io/service"

ScanFn = Callable[[str, str], list[Match]]


@dataclass(frozen=True, slots=True)
class Span:
    """Lines ``first..last`` (inclusive) of one YAML document value."""

    first: int
    last: int
    value: Any


def documents(path: str, text: str) -> list[Span]:
    """Top-level values with their line spans; ``[]`` when the file does not parse."""
    docs: list[Document] = []
    try:
        if path.lower().endswith(".json"):
            value = parse_json(text)
            docs = [Document(value, 1, 0)] if value is not None else []
        else:
            docs = [d for d in iter_yaml_documents(text) if d.value is not None]
    except ParseError:
        return []
    total = text.count("\n") + 1
    spans: list[Span] = []
    for i, d in enumerate(docs):
        last = docs[i + 1].line - 1 if i + 1 < len(docs) else total
        spans.append(Span(d.line, last, d.value))
    out: list[Span] = []
    for s in spans:
        if isinstance(s.value, YMap) and s.value.get("kind") == "List":
            items = s.value.get("items")
            if isinstance(items, YSeq):
                for j, item in enumerate(items):
                    first = items.line_at(j)
                    last = items.line_at(j + 1) - 1 if j + 1 < len(items) else s.last
                    out.append(Span(first, last, item))
                continue
        out.append(s)
    return out


def _ref(obj: YMap) -> ResourceRef | None:
    kind, meta = obj.get("kind"), obj.get("metadata")
    if not isinstance(kind, str) or not isinstance(meta, dict) or not meta.get("name"):
        return None
    ns = "" if kind in CLUSTER_SCOPED_KINDS else str(meta.get("namespace") or "default")
    return ResourceRef(kind, str(meta["name"]), ns)


def _service_of(obj: YMap) -> str | None:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return None
    ann = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    if ann and ann.get(SERVICE_ANNOTATION):
        return str(ann[SERVICE_ANNOTATION])
    if obj.get("kind") in WORKLOAD_KINDS:
        return str(meta.get("name"))
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    for k in ("app.kubernetes.io/name", "app", "k8s-app"):
        if labels and labels.get(k):
            return str(labels[k])
    return None


def secret_matches(path: str, spans: list[Span], scan: ScanFn,
                   errors: list[InputError]) -> list[Match]:
    """MW905 and decoded known-format matches for every Kubernetes Secret in ``spans``."""
    out: list[Match] = []
    for span in spans:
        obj = span.value
        if not isinstance(obj, YMap) or obj.get("kind") != "Secret":
            continue
        ref = _ref(obj)
        for field in ("data", "stringData"):
            data = obj.get(field)
            if not isinstance(data, YMap):
                continue
            for key, raw in data.items():
                line = data.line_of(key)
                if raw is None or not isinstance(raw, (str, int, float)):
                    continue
                text = str(raw)
                if not text.strip() or "{{" in text or "$(" in text or "${" in text:
                    continue
                if field == "data":
                    decoded = b64decode_loose(text.replace("\n", "").replace(" ", ""))
                    if decoded is None:
                        errors.append(InputError(path, line, f"Secret data `{key}` is not valid base64",
                                                 "encode it with base64, or move it to stringData"))
                        continue
                    value = decoded.decode("utf-8", errors="replace")
                else:
                    value = text
                if not value.strip() or is_strong_placeholder(value.strip(), str(key)):
                    continue
                inner = scan(f"{path}#{field}.{key}", value)
                if inner:
                    for m in inner:
                        m.path, m.line, m.resource = path, line, ref
                        m.key = m.key or str(key)
                        out.append(m)
                    continue
                out.append(Match("k8s-secret-data", "k8s-secret", Kind.K8S_SECRET,
                                 "Kubernetes Secret value", path, line, value.strip(),
                                 Confidence.HIGH, key=f"{field}.{key}", context="k8s-secret",
                                 resource=ref, service=_service_of(obj)))
    return out


def encrypted_lines(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Line ranges that hold ciphertext: SealedSecret documents and SOPS metadata."""
    ranges = [(s.first, s.last) for s in spans
              if isinstance(s.value, YMap) and s.value.get("kind") == "SealedSecret"]
    if "ENC[" in text:
        m = SOPS_BLOCK.search(text)
        if m:
            ranges.append((text.count("\n", 0, m.start()) + 1, text.count("\n") + 1))
    return ranges


def attribute(matches: list[Match], spans: list[Span]) -> None:
    """Fill resource and service of matches that sit in a Kubernetes object or compose service."""
    if not spans:
        return
    firsts = [s.first for s in spans]
    for m in matches:
        if m.resource is not None:
            continue
        i = bisect_right(firsts, m.line) - 1
        if i < 0 or m.line > spans[i].last:
            continue
        obj = spans[i].value
        if not isinstance(obj, YMap):
            continue
        if "kind" in obj:
            m.resource = _ref(obj)
            m.service = m.service or _service_of(obj)
        elif isinstance(obj.get("services"), YMap):
            services: YMap = obj["services"]
            begin = obj.line_of("services")
            end = min((obj.line_of(k) for k in obj if obj.line_of(k) > begin), default=spans[i].last + 1)
            starts = sorted((services.line_of(k), k) for k in services)
            j = bisect_right([s for s, _ in starts], m.line) - 1
            if j >= 0 and m.line < end:
                name = starts[j][1]
                m.resource = ResourceRef("ComposeService", name)
                m.service = m.service or name
