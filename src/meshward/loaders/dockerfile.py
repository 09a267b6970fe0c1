"""Dockerfiles: parser directives, continuations, heredocs, multi-stage builds."""

from __future__ import annotations

import re
from pathlib import Path

from meshward.errors import InputError
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.model.dockerfile import Dockerfile, Instruction, Stage

KEYWORDS = frozenset({
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
})
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?$")


def is_dockerfile_name(path: str) -> bool:
    """``Dockerfile``, ``Containerfile`` and ``*.dockerfile`` are Dockerfiles by name alone."""
    name = Path(path).name.lower()
    return name in ("dockerfile", "containerfile") or name.endswith((".dockerfile", ".containerfile"))


def is_dockerfile_variant(path: str) -> bool:
    """``Dockerfile.prod`` and the like: Dockerfiles when their content says so too
    (``dockerfile.py`` is a Python module)."""
    return Path(path).name.lower().startswith(("dockerfile.", "containerfile."))


def looks_like_dockerfile(text: str) -> bool:
    """Content check for files without a Dockerfile name: first instruction is FROM (or ARG)."""
    for raw in text.splitlines()[:50]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split(None, 1)[0].upper()
        if word == "FROM":
            return len(line.split()) >= 2
        if word != "ARG":
            return False
    return False


def parse_dockerfile(src: SourceFile) -> LoadResult:
    out = LoadResult()
    df = Dockerfile(path=src.path)
    lines = src.text.splitlines()
    escape = "\\"
    i = 0
    # Parser directives: only at the very top, before any other line.
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            break
        key = m.group(1).lower()
        if key in df.directives:
            break
        df.directives[key] = m.group(2)
        i += 1
    if df.directives.get("escape") == "`":
        escape = "`"
    current: Stage | None = None
    while i < len(lines):
        start = i
        raw = lines[i]
        stripped = raw.strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        parts = [raw.rstrip()]
        # Join continuation lines (comment lines inside a continuation are dropped).
        while parts[-1].endswith(escape) and i < len(lines):
            parts[-1] = parts[-1][: -len(escape)]
            nxt = lines[i]
            i += 1
            if nxt.strip().startswith("#"):
                parts.append(escape)  # keep continuing
                continue
            parts.append(nxt.rstrip())
        if parts[-1].endswith(escape):
            parts[-1] = parts[-1][: -len(escape)]
        text = " ".join(p.strip() for p in parts if p.strip() and p.strip() != escape)
        keyword, _, value = text.partition(" ")
        keyword = keyword.upper()
        value = value.strip()
        if keyword not in KEYWORDS:
            out.errors.append(InputError(src.path, start + 1, f"unknown Dockerfile instruction {keyword!r}",
                                         "check the spelling; the line was skipped"))
            continue
        flags: dict[str, str] = {}
        words = value.split()
        while words and words[0].startswith("--"):
            m = _FLAG.match(words[0])
            if not m:
                break
            flags[m.group(1)] = m.group(2) or ""
            words.pop(0)
        rest = " ".join(words) if flags else value
        heredocs: list[str] = []
        if keyword in ("RUN", "COPY", "ADD"):
            for hm in _HEREDOC.finditer(rest):
                strip_tabs, marker = hm.group(1) == "-", hm.group(3)
                body: list[str] = []
                while i < len(lines):
                    line = lines[i]
                    i += 1
                    if (line.lstrip("\t") if strip_tabs else line) == marker:
                        break
                    body.append(line.lstrip("\t") if strip_tabs else line)
                else:
                    out.errors.append(InputError(src.path, start + 1,
                                                 f"heredoc {marker} is never closed",
                                                 f"end it with a line holding only {marker}"))
                heredocs.append("\n".join(body))
        ins = Instruction(keyword, rest, start + 1, i, flags, heredocs)
        if keyword == "FROM":
            fw = rest.split()
            if not fw:
                out.errors.append(InputError(src.path, start + 1, "FROM without an image"))
                continue
            alias = fw[2] if len(fw) >= 3 and fw[1].upper() == "AS" else ""
            current = Stage(len(df.stages), fw[0], alias, start + 1, flags.get("platform", ""))
            current.instructions.append(ins)
            df.stages.append(current)
        elif current is None:
            if keyword == "ARG":
                df.global_args.append(ins)
            else:
                out.errors.append(InputError(src.path, start + 1,
                                             f"{keyword} before the first FROM",
                                             "only ARG may come before FROM"))
        else:
            current.instructions.append(ins)
    if not df.stages:
        out.errors.append(InputError(src.path, 1, "Dockerfile has no FROM instruction"))
    out.dockerfiles.append(df)
    return out
