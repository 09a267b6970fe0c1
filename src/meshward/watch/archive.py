"""A tamper-evident archive of every line read: segments chained by SHA-256 and signed
with Ed25519.

Layout of the archive folder::

    archive.pub          the public key (PEM) that verifies every seal
    seg-000001.log       the lines, byte for byte, one per line
    seg-000001.idx       8 bytes per line: the head of SHA-256 of that line
    seg-000001.seal      JSON: counts, SHA-256 of .log and .idx, the previous seal's chain
                         value, this seal's chain value, and the Ed25519 signature

A seal's ``chain`` is SHA-256 over the previous chain value and this segment's fields, so
removing, reordering or replacing a segment breaks the next one. The per-line index lets
``verify`` name the first line altered, deleted, reordered or cut. What the chain cannot
show is the loss of the newest segments: ship sealed segments to write-once storage
(docs/watch.md, S3 Object Lock) so a copy always outlives the host.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from meshward.errors import UsageError

FORMAT = "meshward-archive/1"
GENESIS = "0" * 64
SEGMENT_LINES = 100_000
SEGMENT_BYTES = 64 * 1024 * 1024
HASH_LEN = 8
PUBLIC_NAME = "archive.pub"
_SEG = re.compile(r"^seg-(\d{6,})\.(log|idx|seal)$")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "meshward" / "archive.key"


def load_or_create_key(path: Path) -> tuple[Ed25519PrivateKey, str]:
    """The signing key at ``path``; created (mode 0600) when missing. The message says so."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, OSError) as exc:
            raise UsageError(f"{path}: not an unencrypted PEM private key ({exc})",
                             "give an Ed25519 key with --archive-key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise UsageError(f"{path}: not an Ed25519 key", "give an Ed25519 key with --archive-key")
        return key, ""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key, f"generated a new Ed25519 archive signing key at {path} (keep it private)"


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def _canonical(seal: dict[str, Any]) -> bytes:
    body = {k: v for k, v in seal.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_value(prev: str, seal: dict[str, Any]) -> str:
    fields = f"{prev}\n{seal['segment']}\n{seal['lines']}\n{seal['log_sha256']}\n{seal['idx_sha256']}"
    return hashlib.sha256(fields.encode()).hexdigest()


def _name(index: int, ext: str) -> str:
    return f"seg-{index:06d}.{ext}"


def _segments(folder: Path) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for p in folder.iterdir():
        m = _SEG.match(p.name)
        if m:
            found.setdefault(int(m.group(1)), set()).add(m.group(2))
    return found


class ArchiveWriter:
    """Appends lines to the current segment; seals it when full, on :meth:`seal` and on close."""

    def __init__(self, folder: Path, key_path: Path | None = None,
                 segment_lines: int = SEGMENT_LINES) -> None:
        self.folder = folder
        self.messages: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        key_path = key_path or default_key_path()
        self.key, message = load_or_create_key(key_path)
        if message:
            self.messages.append(message)
        pub = public_pem(self.key.public_key())
        pub_path = folder / PUBLIC_NAME
        if pub_path.exists():
            if pub_path.read_bytes() != pub:
                raise UsageError(f"{folder} is signed with another key than {key_path}",
                                 "give the archive's own key with --archive-key, or a new folder")
        else:
            pub_path.write_bytes(pub)
            self.messages.append(
                f"archive {folder}: public key written to {pub_path}; keep a copy where this "
                f"host cannot write and check with `meshward archive verify {folder} --key COPY`")
        self.segment_lines = segment_lines
        self.index, self.prev = self._resume()
        self.log: BinaryIO | None = None
        self.idx: BinaryIO | None = None
        self.lines = 0
        self.bytes = 0
        self.sealed_segments = 0
        self._line = hashlib.sha256()
        self._log_hash = hashlib.sha256()
        self._idx_hash = hashlib.sha256()

    def _resume(self) -> tuple[int, str]:
        segs = _segments(self.folder)
        if not segs:
            return 1, GENESIS
        last = max(segs)
        if "seal" not in segs[last] and "log" in segs[last]:
            self._seal_recovered(last)
            segs[last].add("seal")
        prev = GENESIS
        for i in sorted(segs, reverse=True):
            if "seal" in segs[i]:
                prev = json.loads((self.folder / _name(i, "seal")).read_text("utf-8"))["chain"]
                break
        return last + 1, prev

    def _seal_recovered(self, index: int) -> None:
        """A segment left unsealed by a stopped writer: sealed now, and marked as such."""
        log = (self.folder / _name(index, "log")).read_bytes()
        lines = log.split(b"\n")[:-1] if log.endswith(b"\n") else log.split(b"\n")
        idx = b"".join(hashlib.sha256(x).digest()[:HASH_LEN] for x in lines)
        (self.folder / _name(index, "idx")).write_bytes(idx)
        prev = GENESIS
        for i in range(index - 1, 0, -1):
            p = self.folder / _name(i, "seal")
            if p.exists():
                prev = json.loads(p.read_text("utf-8"))["chain"]
                break
        self._write_seal(index, prev, len(lines), len(log), hashlib.sha256(log).hexdigest(),
                         hashlib.sha256(idx).hexdigest(), recovered=True)
        self.messages.append(f"archive {self.folder}: segment {index} was left unsealed by a "
                             "stopped writer; sealed now and marked `recovered`")

    def _open(self) -> None:
        self.log = open(self.folder / _name(self.index, "log"), "ab")  # noqa: SIM115
        self.idx = open(self.folder / _name(self.index, "idx"), "ab")  # noqa: SIM115

    def add(self, data: bytes, end: bool) -> None:
        """A piece of a line (``end``: the line ends here). Matches the reader's ChunkFn."""
        if self.log is None:
            self._open()
        assert self.log is not None and self.idx is not None
        self.log.write(data)
        self._line.update(data)
        self._log_hash.update(data)
        self.bytes += len(data)
        if not end:
            return
        self.log.write(b"\n")
        self._log_hash.update(b"\n")
        self.bytes += 1
        digest = self._line.digest()[:HASH_LEN]
        self.idx.write(digest)
        self._idx_hash.update(digest)
        self._line = hashlib.sha256()
        self.lines += 1
        if self.lines >= self.segment_lines or self.bytes >= SEGMENT_BYTES:
            self.seal()

    def seal(self) -> None:
        """Seal the current segment (if it holds a line) and start the next one."""
        if self.log is None or self.idx is None or not self.lines:
            return
        self.log.close()
        self.idx.close()
        self.log = self.idx = None
        self.prev = self._write_seal(self.index, self.prev, self.lines, self.bytes,
                                     self._log_hash.hexdigest(), self._idx_hash.hexdigest())
        self.sealed_segments += 1
        self.index += 1
        self.lines = self.bytes = 0
        self._log_hash = hashlib.sha256()
        self._idx_hash = hashlib.sha256()

    def _write_seal(self, index: int, prev: str, lines: int, size: int, log_sha: str,
                    idx_sha: str, recovered: bool = False) -> str:
        seal: dict[str, Any] = {"format": FORMAT, "segment": index, "lines": lines,
                                "bytes": size, "log_sha256": log_sha, "idx_sha256": idx_sha,
                                "prev": prev, "sealed": _now()}
        if recovered:
            seal["recovered"] = True
        seal["chain"] = chain_value(prev, seal)
        seal["signature"] = base64.b64encode(self.key.sign(_canonical(seal))).decode()
        path = self.folder / _name(index, "seal")
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(json.dumps(seal, indent=1, sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        return str(seal["chain"])

    def close(self) -> None:
        if self.log is not None and not self.lines:
            assert self.idx is not None
            self.log.close()
            self.idx.close()
            self.log = self.idx = None
            for ext in ("log", "idx"):
                p = self.folder / _name(self.index, ext)
                if p.exists() and p.stat().st_size == 0:
                    p.unlink()
            return
        self.seal()


@dataclass
class VerifyResult:
    segments: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)  # (segment, line) per problem

    def add(self, problem: str, segment: int, line: int = 0) -> None:
        self.problems.append(problem)
        self.places.append((segment, line))

    @property
    def ok(self) -> bool:
        return not self.problems


def load_public_key(path: Path) -> Ed25519PublicKey:
    if not path.is_file():
        raise UsageError(f"{path}: no public key there; pass --key PUB (the copy of archive.pub "
                         "kept outside the archive), or check that this is a watch archive")
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (ValueError, OSError) as exc:
        raise UsageError(f"{path}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path}: not an Ed25519 public key")
    return key


def verify(folder: Path, key_path: Path | None = None) -> VerifyResult:
    """Check every seal, the chain and every line; problems name the first broken place."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such archive folder")
    result = VerifyResult()
    if key_path is None:
        key_path = folder / PUBLIC_NAME
        result.notes.append(f"verified with {key_path}, kept inside the archive: whoever can "
                            "rewrite the archive can replace it; pass --key with a copy kept "
                            "elsewhere")
    key = load_public_key(key_path)
    segs = _segments(folder)
    if not segs:
        result.add(f"{folder}: no segment at all", 0)
        return result
    last = max(segs)
    prev = GENESIS
    for index in range(1, last + 1):
        have = segs.get(index, set())
        where = f"segment {index} ({_name(index, 'log')})"
        if not have:
            result.add(f"segment {index} is missing (deleted): {_name(index, 'log')} "
                       f"and {_name(index, 'seal')} are gone", index)
            prev = ""
            continue
        if "seal" not in have:
            if index == last:
                result.notes.append(f"{where} is not sealed yet (a writer is running, or stopped "
                                    "without sealing): its lines are not proven")
            else:
                result.add(f"{where}: its seal {_name(index, 'seal')} was deleted", index)
            prev = ""
            continue
        seal_path = folder / _name(index, "seal")
        try:
            seal = json.loads(seal_path.read_text("utf-8"))
            signature = base64.b64decode(seal["signature"])
            key.verify(signature, _canonical(seal))
        except (ValueError, KeyError, TypeError, InvalidSignature, OSError):
            result.add(f"{where}: seal altered or not signed by this key "
                       f"({seal_path.name})", index)
            prev = ""
            continue
        if seal.get("segment") != index:
            result.add(f"{where} holds the seal of segment {seal.get('segment')}: "
                       "segments were renamed or reordered", index)
        if chain_value(seal["prev"], seal) != seal["chain"]:
            result.add(f"{where}: chain value does not match its own fields", index)
        elif prev and seal["prev"] != prev:
            result.add(f"{where} does not follow segment {index - 1}: a segment was "
                       "replaced, removed or reordered before it", index)
        prev = seal["chain"]
        if seal.get("recovered"):
            result.notes.append(f"{where} was sealed after its writer stopped (recovered): "
                                "lines written before the stop are proven only from then on")
        result.segments += 1
        result.lines += int(seal["lines"])
        _check_lines(folder, index, seal, result)
    return result


def _check_lines(folder: Path, index: int, seal: dict[str, Any], result: VerifyResult) -> None:
    where = f"segment {index} ({_name(index, 'log')})"
    log_path, idx_path = folder / _name(index, "log"), folder / _name(index, "idx")
    if not log_path.exists():
        result.add(f"{where}: the log file was deleted", index)
        return
    if not idx_path.exists() or hashlib.sha256(idx_path.read_bytes()).hexdigest() != seal["idx_sha256"]:
        result.add(f"{where}: line index {idx_path.name} missing or altered", index)
        return
    idx = idx_path.read_bytes()
    expected = [idx[i:i + HASH_LEN] for i in range(0, len(idx), HASH_LEN)]
    log_hash = hashlib.sha256()
    got: list[bytes] = []
    cut = False
    with open(log_path, "rb") as handle:
        for raw in handle:
            log_hash.update(raw)
            cut = not raw.endswith(b"\n")
            got.append(hashlib.sha256(raw[:-1] if not cut else raw).digest()[:HASH_LEN])
    for i, h in enumerate(got):
        last = i == len(got) - 1
        if i < len(expected) and h == expected[i] and not (last and cut):
            continue
        result.add(f"{where} line {i + 1}: " + _what(i, got, expected, last and cut), index, i + 1)
        return
    if len(got) < len(expected):
        result.add(f"{where} truncated after line {len(got)} ({len(expected)} lines sealed)",
                   index, len(got))
    elif log_hash.hexdigest() != seal["log_sha256"]:
        result.add(f"{where}: content differs from its seal", index)


def _what(i: int, got: list[bytes], expected: list[bytes], cut: bool) -> str:
    """What happened at the first line (0-based ``i``) that does not match its seal."""
    h = got[i]
    if i >= len(expected):
        return f"added after the segment was sealed ({len(expected)} lines sealed)"
    if cut:
        return "truncated inside the line (the file ends in it)"
    swapped = i + 1 < len(got) and got[i + 1] == expected[i]
    if i + 1 < len(expected) and h == expected[i + 1] and not swapped:
        return f"deleted (the line now here was line {i + 2})"
    if h in expected:
        return f"reordered (this line was sealed as line {expected.index(h) + 1})"
    return "altered"
