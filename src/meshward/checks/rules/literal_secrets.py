"""MW401: literal secrets in environment variables (Kubernetes, compose, Dockerfile ENV).

Deliberately small: a secret-named variable with a literal value. The secrets engine
(MW9xx) looks at values themselves; this rule only reads names, so it also finds weak
passwords (``postgres``) that no entropy detector would.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services, container_label, containers
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Severity
from meshward.model.dockerfile import Instruction

SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|"
    r"AUTH_?KEY|CLIENT_?SECRET|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|(?:^|_)PASS(?:$|_)|(?:^|_)PWD$",
    re.IGNORECASE)
# Names that mention a secret but hold something else: where it is, how long it lives...
_NOT_A_VALUE = re.compile(
    r"(?:_|^)(?:FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT|NAME|USER|USERNAME|TTL|EXPIRY|EXPIRES|"
    r"EXPIRATION|LIFETIME|TIMEOUT|LENGTH|SIZE|ALGORITHM|ALG|TYPE|HEADER|ISSUER|AUDIENCE|REF|ID|"
    r"KEY_ID|ENABLED|REQUIRED|POLICY|METHOD|SOURCE|PROVIDER|MOUNT|VERSION|COUNT|RETRIES)$",
    re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^\$\{[^}]*\}$|^\$\([^)]*\)$|^\$[A-Za-z_][A-Za-z0-9_]*$|^<[^>]*>$|^\{\{.*\}\}$|^([x*#.?-])\1*$",
    re.IGNORECASE)
_FILLER = re.compile(r"^(?:your|my)[_-]|[_-](?:here|val|value)$|^replace|placeholder", re.IGNORECASE)
_FLAGS = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "none", "null", "empty"})


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _NOT_A_VALUE.search(name)


def is_literal_secret(value: str | None, name: str = "") -> bool:
    """A value that is written out, not a reference, placeholder, flag or file path."""
    if value is None:
        return False
    text = value.strip().strip("\"'")
    if not text or text.lower() in _FLAGS or _PLACEHOLDER.match(text) or _FILLER.search(text):
        return False
    if name and text.upper().startswith(name.upper()):
        return False  # GOOGLE_API_KEY=GOOGLE_API_KEY_VAL: a marker for sed, not a key
    return not (text.startswith("/") and " " not in text)


def redact(value: str) -> str:
    text = value.strip()
    return f"{text[:2]}…" if len(text) > 2 else "…"


def env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    """``ENV a=1 b="two words"`` or the legacy ``ENV a one value``."""
    text = ins.value.strip()
    first = text.split(None, 1)[0] if text else ""
    if "=" not in first:
        name, _, value = text.partition(" ")
        return [(name, value.strip())] if name else []
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    return [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if "=" in w]


@rule(
    id="MW401",
    title="Secret written as a literal environment value",
    severity=Severity.HIGH,
    practices=("SEC-HARDCODED", "SEC-MANAGER"),
    targets=("kubernetes", "compose", "dockerfile"),
    cwe="CWE-798",
    rationale=(
        "A password, token or key written into a manifest, compose file or Dockerfile is read "
        "by everyone with the repository, stays in its history forever, and (in a Dockerfile) "
        "ships inside the image. It cannot be rotated without a commit and a redeploy."
    ),
    remediation=(
        "Kubernetes: `valueFrom.secretKeyRef` on a Secret filled by a secret manager (External "
        "Secrets, Vault, CSI driver). Compose: `secrets:` or `${VAR}` from the environment. "
        "Dockerfile: pass it at run time, or `RUN --mount=type=secret` at build time. Then "
        "rotate the exposed value."
    ),
    references=("https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
                "https://docs.docker.com/compose/how-tos/use-secrets/",
                "https://cwe.mitre.org/data/definitions/798.html"),
    example_fail="env:\n- name: DB_PASSWORD\n  value: hunter2",
    example_pass="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}",
)
def literal_secret(ctx: ScanContext) -> Iterator[Hit]:
    for w, c, svc in containers(ctx):
        for ev in c.env:
            if ev.source == "literal" and is_secret_name(ev.name) and is_literal_secret(ev.value, ev.name):
                yield Hit(f"{container_label(w, c)} sets {ev.name} to a literal value",
                          ev.location, w.ref, svc, f"{ev.name}={redact(ev.value or '')}",
                          key=f"{c.role}/{c.name}/{ev.name}")
    for cs, svc in compose_services(ctx):
        for ev in cs.environment:
            if ev.source == "literal" and is_secret_name(ev.name) and is_literal_secret(ev.value, ev.name):
                yield Hit(f"compose service {cs.name} sets {ev.name} to a literal value",
                          ev.location, cs.ref, svc, f"{ev.name}={redact(ev.value or '')}",
                          key=f"{cs.name}/{ev.name}")
    for df in ctx.inventory.dockerfiles:
        for stage in df.stages:
            for ins in stage.instructions:
                if ins.keyword != "ENV":
                    continue
                for name, value in env_pairs(ins):
                    if is_secret_name(name) and is_literal_secret(value, name):
                        where = ("baked into the image" if stage is df.final_stage
                                 else "written in the Dockerfile (build stage)")
                        yield Hit(f"{df.path} stage {stage.name}: ENV {name} is a literal value "
                                  f"{where}", df.at(ins.line), df.ref(stage), None,
                                  f"{name}={redact(value)}", key=f"{stage.name}/{name}")
