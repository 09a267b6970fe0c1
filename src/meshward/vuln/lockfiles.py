"""Pinned dependencies of language lockfiles: requirements.txt pins, poetry.lock,
package-lock.json (lockfileVersion 1-3) and go.sum. Each package keeps its line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from meshward.errors import InputError
from meshward.model.source import YMap
from meshward.vuln.jsonloc import JSONLocError, loads
from meshward.vuln.model import Package


@dataclass
class Lockfile:
    path: str
    kind: str  # requirements | poetry | npm | go
    packages: list[Package] = field(default_factory=list)


_REQ_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s;#\\]+)")


def read_requirements(path: str, text: str, errors: list[InputError]) -> Lockfile:
    """Only exact pins (``name==1.2.3``) name an installed version; ranges are not matched."""
    out = Lockfile(path, "requirements")
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "--")) or "://" in line:
            continue
        m = _REQ_NAME.match(line)
        if m:
            out.packages.append(Package(m.group(1), m.group(3), "PyPI", line=i))
    return out


def read_poetry(path: str, text: str, errors: list[InputError]) -> Lockfile:
    out = Lockfile(path, "poetry")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        errors.append(InputError(path, int(m.group(1)) if m else 0, f"poetry.lock is not valid TOML: {exc}",
                                 "regenerate it with `poetry lock`"))
        return out
    lines = [i for i, t in enumerate(text.splitlines(), start=1) if t.strip() == "[[package]]"]
    for n, pkg in enumerate(data.get("package") or []):
        line = lines[n] if n < len(lines) else 0
        if not isinstance(pkg, dict) or not pkg.get("name") or not pkg.get("version"):
            errors.append(InputError(path, line, "poetry.lock package without name or version",
                                     "that package was skipped"))
            continue
        out.packages.append(Package(str(pkg["name"]), str(pkg["version"]), "PyPI", line=line))
    return out


def read_package_lock(path: str, text: str, errors: list[InputError]) -> Lockfile:
    out = Lockfile(path, "npm")
    try:
        doc = loads(text)
    except JSONLocError as exc:
        errors.append(InputError(path, exc.line, f"package-lock.json is not JSON: {exc.message}",
                                 "regenerate it with `npm install`"))
        return out
    if not isinstance(doc, YMap):
        errors.append(InputError(path, 1, "package-lock.json is not an object"))
        return out
    packages = doc.get("packages")
    if isinstance(packages, YMap):  # lockfileVersion 2 and 3
        for key, entry in packages.items():
            if not key or not isinstance(entry, YMap) or entry.get("link"):
                continue
            name = str(entry.get("name") or key.rsplit("node_modules/", 1)[-1])
            version = entry.get("version")
            if not isinstance(version, str):
                errors.append(InputError(path, entry.line, f"package-lock entry {key} has no version",
                                         "that package was skipped"))
                continue
            out.packages.append(Package(name, version, "npm", line=entry.line))
        return out

    def walk(deps: object) -> None:  # lockfileVersion 1: nested "dependencies"
        if not isinstance(deps, YMap):
            return
        for name, entry in deps.items():
            if not isinstance(entry, YMap):
                continue
            version = entry.get("version")
            if isinstance(version, str) and not version.startswith(("file:", "git", "http")):
                out.packages.append(Package(name, version, "npm", line=entry.line))
            walk(entry.get("dependencies"))

    walk(doc.get("dependencies"))
    return out


def read_go_sum(path: str, text: str, errors: list[InputError]) -> Lockfile:
    """Modules whose code is in the build (lines without ``/go.mod``), once each."""
    out = Lockfile(path, "go")
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[2].startswith("h1:"):
            errors.append(InputError(path, i, "go.sum line is not `module version h1:hash`",
                                     "run `go mod tidy`; the line was skipped"))
            continue
        module, version = parts[0], parts[1]
        if version.endswith("/go.mod") or (module, version) in seen:
            continue
        seen.add((module, version))
        out.packages.append(Package(module, version, "Go", line=i))
    return out


_READERS: dict[str, Callable[[str, str, list[InputError]], Lockfile]] = {
    "poetry.lock": read_poetry,
    "package-lock.json": read_package_lock,
    "go.sum": read_go_sum,
}
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.txt$|^constraints[\w.-]*\.txt$")


def reader_for(path: str) -> Callable[[str, str, list[InputError]], Lockfile] | None:
    name = PurePosixPath(path).name
    if name in _READERS:
        return _READERS[name]
    if _REQUIREMENTS.match(name):
        return read_requirements
    return None
