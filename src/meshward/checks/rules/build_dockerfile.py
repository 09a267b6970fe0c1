"""MW310-MW313: how images are built: root user, ADD from URLs, piping downloads into a
shell, secrets in build arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.images import global_arg_defaults, resolve_build_args
from meshward.checks.literals import (
    env_pairs,
    is_literal_secret,
    is_secret_name,
    redact,
)
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity
from meshward.model.dockerfile import Dockerfile, Instruction, Stage

_BEST = "https://docs.docker.com/build/building/best-practices/"
_ROOT = frozenset({"root", "0"})
_NONROOT_BASE = re.compile(r"nonroot|rootless", re.IGNORECASE)


def _stage_by_alias(df: Dockerfile, name: str, before: int) -> Stage | None:
    for s in df.stages[:before]:
        if s.alias and s.alias.lower() == name.lower():
            return s
    return None


def effective_user(df: Dockerfile, stage: Stage) -> tuple[str | None, Instruction | None, str]:
    """The last USER of ``stage`` or of the stage it is built FROM (USER carries over only
    through ``FROM <stage>``). Returns (user, instruction, base image when none is set)."""
    args = global_arg_defaults(df)
    current: Stage | None = stage
    seen = 0
    while current is not None and seen <= len(df.stages):
        seen += 1
        users = [i for i in current.instructions if i.keyword == "USER"]
        if users:
            return users[-1].value.strip(), users[-1], ""
        base = resolve_build_args(current.base_image, args)
        parent = _stage_by_alias(df, base, current.index)
        if parent is None:
            return None, None, base
        current = parent
    return None, None, ""


@rule(
    id="MW310",
    title="Image runs as root (no USER, or USER root, in the final stage)",
    severity=Severity.MEDIUM,
    practices=("SUP-BUILD", "AUTH-LEASTPRIV"),
    targets=("dockerfile",),
    cwe="CWE-250",
    rationale=(
        "Without a USER instruction the container's process runs as the base image's user, "
        "root for nearly every base image. A compromised process then owns the container's "
        "files and is one kernel bug from the host. USER in an earlier build stage does not "
        "carry over unless the final stage is built FROM that stage."
    ),
    remediation=(
        "Create an unprivileged user and switch to it at the end of the final stage: "
        "`RUN adduser -D -u 10001 app` then `USER 10001`. Numeric UIDs let Kubernetes "
        "verify `runAsNonRoot`."
    ),
    references=(_BEST + "#user", "https://docs.docker.com/reference/dockerfile/#user"),
    example_fail="FROM python:3.12-slim\nCOPY app /app\nCMD [\"python\", \"/app/main.py\"]",
    example_pass="FROM python:3.12-slim\nCOPY app /app\nUSER 10001\nCMD [\"python\", \"/app/main.py\"]",
)
def root_user(ctx: ScanContext) -> Iterator[Hit]:
    for df in ctx.inventory.dockerfiles:
        final = df.final_stage
        if final is None:
            continue
        user, ins, base = effective_user(df, final)
        if user is None:
            if _NONROOT_BASE.search(base) or base.lower() == "scratch":
                continue  # distroless :nonroot and friends set a non-root user
            yield Hit(f"{df.path}: the final stage (FROM {final.base_image}) sets no USER, so it "
                      "runs as the base image's user (root unless the base sets another)",
                      df.at(final.line), df.ref(final), None, f"FROM {final.base_image}",
                      key="user", confidence=Confidence.MEDIUM)
            continue
        name = user.split(":", 1)[0].strip()
        if name.lower() in _ROOT and ins is not None:
            yield Hit(f"{df.path}: the final stage runs as root (USER {user})", df.at(ins.line),
                      df.ref(final), None, f"USER {user}", key="user",
                      severity=Severity.HIGH)


_URL = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


@rule(
    id="MW311",
    title="ADD downloads from a URL without a checksum",
    severity=Severity.MEDIUM,
    practices=("SUP-BUILD",),
    targets=("dockerfile",),
    cwe="CWE-494",
    rationale=(
        "`ADD <url>` puts whatever the server returns at build time into the image, with no "
        "integrity check: a compromised or changed download goes straight into production."
    ),
    remediation=(
        "Use `ADD --checksum=sha256:<hash> <url> <dest>`, or download with curl in a RUN "
        "step that verifies a pinned checksum or signature; COPY local files instead."
    ),
    references=("https://docs.docker.com/reference/dockerfile/#add---checksum", _BEST + "#add-or-copy"),
    example_fail="ADD https://example.com/tool.tar.gz /opt/",
    example_pass="ADD --checksum=sha256:24454f83... https://example.com/tool.tar.gz /opt/",
)
def add_url(ctx: ScanContext) -> Iterator[Hit]:
    for df in ctx.inventory.dockerfiles:
        for stage in df.stages:
            for ins in stage.instructions:
                if ins.keyword != "ADD" or "checksum" in ins.flags:
                    continue
                sources = ins.value.split()[:-1]
                for src in sources:
                    if _URL.match(src.strip("\"'[],")):
                        url = src.strip("\"'[],")
                        yield Hit(f"{df.path} stage {stage.name}: ADD fetches {url} with no checksum",
                                  df.at(ins.line), df.ref(stage), None, f"ADD {url}",
                                  key=f"{stage.name}/{url}")


_PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?"
    r"(?:/usr)?(?:/bin/)?(?:ba|z|da|k|a)?sh\b|"
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:/usr/bin/)?(?:python3?|perl|ruby|node)\b|"
    r"\b(?:ba|z|da)?sh\s+(?:-c\s+)?[\"']?\$\(\s*(?:curl|wget)\b|"
    r"\b(?:ba|z|da)?sh\s+<\(\s*(?:curl|wget)\b",
    re.IGNORECASE)


@rule(
    id="MW312",
    title="Download piped straight into a shell (`curl | sh`)",
    severity=Severity.HIGH,
    practices=("SUP-BUILD",),
    targets=("dockerfile",),
    cwe="CWE-494",
    rationale=(
        "Piping a download into a shell runs whatever the server sends, unverified, as the "
        "build user (usually root). A compromised host, CDN or DNS entry runs code in every "
        "image built afterwards."
    ),
    remediation=(
        "Download to a file, verify a pinned checksum or signature (`sha256sum -c`), then "
        "run it; better, install from the distribution's signed packages."
    ),
    references=("https://docs.docker.com/build/building/best-practices/#run",
                "https://cwe.mitre.org/data/definitions/494.html"),
    example_fail="RUN curl -fsSL https://get.example.com/install.sh | sh",
    example_pass=("RUN curl -fsSLo install.sh https://get.example.com/install.sh \\\n"
                  " && echo \"<sha256>  install.sh\" | sha256sum -c - && sh install.sh"),
)
def curl_pipe_shell(ctx: ScanContext) -> Iterator[Hit]:
    for df in ctx.inventory.dockerfiles:
        for stage in df.stages:
            for ins in stage.instructions:
                if ins.keyword != "RUN":
                    continue
                for text in (ins.value, *ins.heredocs):
                    m = _PIPE_TO_SHELL.search(text)
                    if m:
                        snippet = " ".join(m.group(0).split())[:120]
                        yield Hit(f"{df.path} stage {stage.name}: RUN pipes a download into an "
                                  f"interpreter: {snippet}", df.at(ins.line), df.ref(stage), None,
                                  snippet, key=f"{stage.name}/{snippet}")
                        break


def _arg_decls(ins: Instruction) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for word in ins.value.split():
        name, eq, value = word.partition("=")
        out.append((name, value.strip("\"'") if eq else None))
    return out


_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@rule(
    id="MW313",
    title="Secret passed as a build argument or baked in from one",
    severity=Severity.MEDIUM,
    practices=("SUP-BUILD", "SEC-HARDCODED"),
    targets=("dockerfile",),
    cwe="CWE-214",
    rationale=(
        "Build arguments are not secret: a value given with `--build-arg` is recorded in the "
        "image history (`docker history`) of the stage whose RUN steps see it, and a default "
        "written after `ARG NAME=` is in the repository. `ENV NAME=$ARG` copies the value "
        "into the image configuration, readable by anyone who can pull the image."
    ),
    remediation=(
        "Use BuildKit secrets: `RUN --mount=type=secret,id=token ...` with "
        "`docker build --secret id=token,env=TOKEN`; they are never stored in a layer or the "
        "history. Give runtime secrets at run time, not in ENV."
    ),
    references=("https://docs.docker.com/build/building/secrets/",
                "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/"),
    example_fail="ARG NPM_TOKEN\nRUN npm ci",
    example_pass="RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci",
)
def build_arg_secret(ctx: ScanContext) -> Iterator[Hit]:
    for df in ctx.inventory.dockerfiles:
        final = df.final_stage
        args_by_stage: dict[int, set[str]] = {}
        for ins in df.global_args:
            for name, value in _arg_decls(ins):
                if is_secret_name(name) and value is not None and is_literal_secret(value, name):
                    yield Hit(f"{df.path}: ARG {name} has a literal default before the first FROM",
                              df.at(ins.line), df.ref(), None, f"{name}={redact(value)}",
                              key=f"global/{name}", severity=Severity.HIGH)
        for stage in df.stages:
            names = args_by_stage.setdefault(stage.index, set())
            in_final = stage is final
            for ins in stage.instructions:
                if ins.keyword == "ARG":
                    for name, value in _arg_decls(ins):
                        names.add(name)
                        if not is_secret_name(name):
                            continue
                        if value is not None and is_literal_secret(value, name):
                            yield Hit(f"{df.path} stage {stage.name}: ARG {name} has a literal "
                                      "default", df.at(ins.line), df.ref(stage), None,
                                      f"{name}={redact(value)}", key=f"{stage.name}/{name}",
                                      severity=Severity.HIGH)
                        elif value is None:
                            where = ("its value is recorded in the image history" if in_final
                                     else "its value is recorded in this build stage's history")
                            yield Hit(f"{df.path} stage {stage.name}: secret passed as build "
                                      f"argument {name}: {where}", df.at(ins.line), df.ref(stage),
                                      None, f"ARG {name}", key=f"{stage.name}/{name}",
                                      severity=None if in_final else Severity.LOW)
                elif ins.keyword == "ENV":
                    for name, value in env_pairs(ins):
                        refs = set(_REF.findall(value))
                        leaked = sorted(r for r in refs if r in names and is_secret_name(r))
                        if leaked and is_secret_name(name):
                            yield Hit(f"{df.path} stage {stage.name}: ENV {name} copies build "
                                      f"argument {', '.join(leaked)} into the image configuration",
                                      df.at(ins.line), df.ref(stage), None, f"ENV {name}={value}",
                                      key=f"{stage.name}/env/{name}", severity=Severity.HIGH)
