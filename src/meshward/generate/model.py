"""What generators return: manifests with their output file, and the notes for the user."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class Manifest:
    """One generated object.

    ``file`` is its path relative to the output folder. ``pending`` marks an object built
    from low-confidence evidence: the user confirms it before it is applied. ``why`` says
    where it comes from, written above the object as comments.
    """

    body: dict[str, Any]
    file: str
    why: list[str] = field(default_factory=list)
    pending: bool = False

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def name(self) -> str:
        return str(self.body.get("metadata", {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str(self.body.get("metadata", {}).get("namespace", ""))

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    @property
    def label(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name}"


@dataclass
class Generated:
    """The output of one generator: manifests, objects of the tree kept, notes."""

    manifests: list[Manifest] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # existing objects respected, with where
    notes: list[str] = field(default_factory=list)
    # Same kind/namespace/name in the tree with other content: (its path, its body, proposal).
    conflicts: list[tuple[str, dict[str, Any], Manifest]] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def extend(self, other: Generated) -> None:
        self.manifests.extend(other.manifests)
        self.kept.extend(k for k in other.kept if k not in self.kept)
        self.conflicts.extend(other.conflicts)
        for n in other.notes:
            self.note(n)

    def place(self, m: Manifest, same: Any = None, covered: str | None = None) -> None:
        """Add ``m`` unless the tree has it: ``same`` (a K8sObject of the same kind,
        namespace and name) or ``covered`` (where an equivalent object is)."""
        if same is not None:
            body = plain(same.body)
            text = f"{m.label}: already in the tree at {same.location}"
            if text not in self.kept:
                self.kept.append(text)
                if body != m.body:
                    self.conflicts.append((same.location.path, body, m))
            return
        if covered:
            text = f"{m.label}: already in the tree at {covered}"
            if text not in self.kept:
                self.kept.append(text)
            return
        if all(other.key != m.key or other.file != m.file for other in self.manifests):
            self.manifests.append(m)

    @property
    def active(self) -> list[Manifest]:
        return [m for m in self.manifests if not m.pending]

    @property
    def pending(self) -> list[Manifest]:
        return [m for m in self.manifests if m.pending]


class _Tagged(list[Any]):
    """A compose ``!reset``/``!override`` list: replace the base file's value, not merge."""

    tag = "!reset"


class _Override(_Tagged):
    tag = "!override"


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _tagged(dumper: yaml.SafeDumper, value: _Tagged) -> yaml.Node:
    return dumper.represent_sequence(value.tag, list(value), flow_style=bool(not value))


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_multi_representer(_Tagged, _tagged)
_Dumper.add_representer(str, _str)


def reset() -> list[Any]:
    """``!reset []``: compose empties the value the base file set."""
    return _Tagged()


def override(items: list[Any]) -> list[Any]:
    """``!override [...]``: compose replaces the base file's list instead of merging."""
    return _Override(items)


def to_yaml(value: Any) -> str:
    """Deterministic YAML: insertion order, block style, empty maps as ``{}``."""
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


_DNS_BAD = re.compile(r"[^a-z0-9-]+")


def dns_name(*parts: str, limit: int = 63) -> str:
    """A DNS-1123 label made of ``parts`` joined by ``-`` (lower case, at most ``limit``)."""
    text = _DNS_BAD.sub("-", "-".join(p for p in parts if p).lower()).strip("-")
    text = re.sub(r"-{2,}", "-", text)
    return text[:limit].rstrip("-") or "x"


def render_manifest(m: Manifest, commented: bool = False) -> str:
    """The object as one YAML document with its ``why`` comments; commented out if asked."""
    head = "".join(f"# {line}\n" for line in m.why)
    body = to_yaml(m.body)
    if commented:
        body = "".join(f"# {line}\n" if line else "#\n" for line in body.splitlines())
    return head + body


def render_stream(manifests: list[Manifest], pending_commented: bool = True) -> str:
    """One multi-document stream; pending objects are commented out for the user to confirm."""
    docs = []
    for m in manifests:
        if m.pending and pending_commented:
            docs.append("# TO CONFIRM: built from low-confidence evidence; uncomment once checked\n"
                        + render_manifest(m, commented=True))
        else:
            docs.append(render_manifest(m))
    return "---\n".join(docs)


def plain(value: Any) -> Any:
    """``value`` as plain dicts and lists (line-keeping YAML values dropped)."""
    return json.loads(json.dumps(value))
