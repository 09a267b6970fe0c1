"""Scan one text: keyword prefilter, detectors on candidate lines, generic, deployment-aware.

Used for files on disk, for blobs of git history and for decoded Secret data alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from meshward.errors import InputError
from meshward.findings.finding import Confidence, ResourceRef
from meshward.secrets import deploy
from meshward.secrets.catalog import DETECTORS, GENERIC, keyword_index
from meshward.secrets.docstrings import docstring_lines
from meshward.secrets.files import selector
from meshward.secrets.filters import PUBLIC_VALUES, is_test_path
from meshward.secrets.formats_keys import openssh_encrypted, url_ok
from meshward.secrets.generic import file_context, scan_line, structured_config
from meshward.secrets.jwt import judge as judge_jwt
from meshward.secrets.model import PRIORITY, Kind, Match
from meshward.secrets.validate import aws_secret_ok

MULTILINE_WINDOW = 50_000
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_YAML_EXT = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Options:
    generic: bool = True
    jwt_max_lifetime_hours: int = 24


@dataclass
class TextResult:
    matches: list[Match] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def scan_text(path: str, text: str, opts: Options = Options(),
              raw: bytes | None = None) -> TextResult:
    """Every secret in ``text`` (a file's content, shown as ``path``; ``raw`` its bytes)."""
    result = TextResult()
    context = file_context(path.split("#", 1)[0])
    in_tests = is_test_path(path)
    use_generic = opts.generic and not in_tests
    passwords = structured_config(path.split("#", 1)[0])
    cands: dict[int, set[int]] = {}
    line_start, line_end = -1, -1
    current: set[int] = set()
    for pos, ids in sorted(keyword_index().hits(text, raw)):
        if pos >= line_end:  # a new line: find its bounds once
            line_start = text.rfind("\n", 0, pos) + 1
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            current = cands.setdefault(line_start, set())
        current.update(ids)
    found: list[Match] = []
    line_no, prev = 1, 0
    for start in sorted(cands):
        line_no += text.count("\n", prev, start)
        prev = start
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        for i in sorted(cands[start]):
            if i == GENERIC:
                if use_generic:
                    found.extend(_generic(path, text, start, end, line_no, context, passwords))
                continue
            if in_tests and DETECTORS[i].kind is Kind.URL:
                continue  # contextual like the generic detector: not kept in test files
            found.extend(_run(i, path, text, start, end, line_no, opts))
    found.extend(_aws_companions(path, text, found))
    if use_generic:  # contextual like the generic detector: off with --no-generic, in tests
        found.extend(_file_detectors(path, text, result.errors))
    if found and PUBLIC_VALUES:
        found = [m for m in found if m.value not in PUBLIC_VALUES]
    found = [m for m in found if m.kind is not Kind.GENERIC or not invalid_known(m.value)]
    if context in ("code", "appconfig") and path.endswith(".py") and any(m.kind is Kind.GENERIC for m in found):
        docs = docstring_lines(text)
        found = [m for m in found if m.kind is not Kind.GENERIC
                 or not any(a <= m.line <= b for a, b in docs)]
    spans: list[deploy.Span] = []
    is_yaml = path.lower().endswith(_YAML_EXT) and "#" not in path
    has_secret = is_yaml and "Secret" in text and deploy.has_secret_kind(text)
    sealed = is_yaml and "SealedSecret" in text
    if is_yaml and (has_secret or sealed or (found and len(text) < 2_000_000)):
        spans = deploy.documents(path, text)
    if spans and has_secret:
        found.extend(deploy.secret_matches(path, spans, lambda p, t: scan_text(p, t, opts).matches,
                                           result.errors))
    drop = deploy.encrypted_lines(text, spans) if ("ENC[" in text or spans) else []
    if drop:
        found = [m for m in found if not any(a <= m.line <= b for a, b in drop)]
    found = dedupe(found)
    deploy.attribute(found, spans)
    if context == "dockerfile":
        for m in found:
            m.resource = m.resource or ResourceRef("Dockerfile", path)
    result.matches = found
    return result


def _run(i: int, path: str, text: str, start: int, end: int, line_no: int,
         opts: Options) -> list[Match]:
    det = DETECTORS[i]
    out: list[Match] = []
    if det.requires and not det.multiline and text.find(det.requires, start, end) < 0:
        return out
    if det.multiline:
        hits = []
        anchor = det.anchor
        at = text.find(anchor, start, end) if anchor else -1
        while at >= 0:
            m0 = det.regex.match(text, at, min(len(text), at + MULTILINE_WINDOW))
            if m0 is not None:
                hits.append(m0)
            at = text.find(anchor, at + 1, end)
    else:
        hits = list(det.regex.finditer(text, start, end))
    for m in hits:
        value = det.secret_of(m)
        if not value or (det.validate is not None and not det.validate(value)):
            continue
        match = Match(det.id, det.family, det.kind, det.title, path, line_no, value, det.confidence)
        if det.kind is Kind.JWT:
            verdict = judge_jwt(value, opts.jwt_max_lifetime_hours)
            if verdict is None or verdict.example or (verdict.known_key is not None
                                                      and file_context(path) == "docs"):
                continue  # an example token, or one signed with an example key in docs
            match.notes, match.severity = verdict.notes, verdict.severity
        elif det.kind is Kind.URL and det.id == "basic-auth-url" and not url_ok(m.group(0), value):
            continue
        elif det.kind is Kind.PRIVATE_KEY and ("ENCRYPTED" in value[:40] or openssh_encrypted(value)
                                               or _putty_encrypted(value)):
            match.notes, match.severity = ["the key is encrypted with a passphrase"], "medium"
        out.append(match)
    return out


def scan_binary(path: str, data: bytes) -> TextResult | None:
    """A binary file that a file detector reads (SQLite credential stores); ``None`` when
    no detector reads it (the file is skipped as binary)."""
    dets = [d for d in selector().select(path.split("#", 1)[0]) if d.parse_bytes is not None]
    if not dets or is_test_path(path):
        return None
    result = TextResult()
    for det in dets:
        assert det.parse_bytes is not None
        try:
            for f in det.parse_bytes(data):
                if f.value in PUBLIC_VALUES:
                    continue
                result.matches.append(Match(det.id, det.family, Kind.CRED_FILE, det.title, path,
                                            f.line, f.value, Confidence.HIGH, key=f.key,
                                            context="file"))
        except ValueError as exc:
            hint = ("check that the file is a complete SQLite database" if path.endswith(".db")
                    else "check that the file is complete; the rest of the tree was scanned")
            result.errors.append(InputError(path, 0, f"cannot read {det.title}: {exc}", hint))
    return result


def _putty_encrypted(value: str) -> bool:
    return value.startswith("PuTTY-User-Key-File") and "Encryption: none" not in value[:200]


def _file_detectors(path: str, text: str, errors: list[InputError]) -> list[Match]:
    """MW907: credentials in files known by name, read by each file's own structure."""
    out: list[Match] = []
    low = ""
    for det in selector().select(path.split("#", 1)[0]):
        if det.needs:
            low = low or text.lower()
            if not any(n in low for n in det.needs):
                continue
        try:
            entries = list(det.parse(text))
        except (ValueError, IndexError, KeyError, UnicodeError, RecursionError) as exc:
            errors.append(InputError(path, 0, f"cannot read as {det.title}: {exc}",
                                     "check the file's syntax; the rest of it was scanned"))
            continue
        for f in entries:
            m = Match(det.id, det.family, Kind.CRED_FILE, det.title, path, f.line, f.value,
                      Confidence.HIGH, key=f.key, context="file")
            if f.hashed:
                m.notes = ["it can be cracked offline and reused where it is accepted"]
                m.severity = "medium"
            out.append(m)
    return out


def _generic(path: str, text: str, start: int, end: int, line_no: int, context: str,
             passwords: bool = False) -> list[Match]:
    return [Match("generic-secret", "generic", Kind.GENERIC, "Secret-named assignment", path, line_no,
                  h.value, h.confidence, key=h.key, context=h.context)
            for h in scan_line(text, start, end, context, passwords)]


def invalid_known(value: str) -> bool:
    """A value in a known format that fails its validity check: a test or example token."""
    for _, ids in keyword_index(False).hits(value):
        for i in ids:
            det = DETECTORS[i]
            m = det.regex.search(value)
            if m and det.secret_of(m) == value and det.validate and not det.validate(value):
                return True
    return False


def _aws_companions(path: str, text: str, found: list[Match]) -> list[Match]:
    """A 40-character AWS secret key within three lines of an access key id."""
    ids = [m for m in found if m.detector == "aws-access-key-id"]
    if not ids:
        return []
    lines = text.splitlines()
    known = {m.value for m in found}
    out: list[Match] = []
    for m in ids:
        for n in range(max(1, m.line - 3), min(len(lines), m.line + 3) + 1):
            for s in _AWS_SECRET.findall(lines[n - 1]):
                if s not in known and aws_secret_ok(s) and "EXAMPLE" not in s.upper():
                    known.add(s)
                    out.append(Match("aws-secret-access-key", "cloud", Kind.KNOWN,
                                     "AWS secret access key", path, n, s, Confidence.HIGH))
    return out


def dedupe(found: list[Match]) -> list[Match]:
    """One match per secret per line; generic matches yield to any specific one on their line."""
    specific_lines = {(m.path, m.line) for m in found if m.kind is not Kind.GENERIC}
    kept: list[Match] = []
    seen: set[tuple[str, int, str]] = set()
    for m in sorted(found, key=lambda m: (m.line, PRIORITY[m.kind], -len(m.value))):
        if m.kind is Kind.GENERIC and (m.path, m.line) in specific_lines:
            continue
        if (m.path, m.line, m.value) in seen:
            continue
        if any(m.value in other for (p, ln, other) in seen if p == m.path and ln == m.line):
            continue
        seen.add((m.path, m.line, m.value))
        kept.append(m)
    return kept


__all__ = ["Confidence", "Options", "TextResult", "dedupe", "scan_text"]
