"""MW9xx: the secrets engine (hardcoded credentials) and secret managers.

MW901-MW906 run the secrets engine (``meshward.secrets``) over the scanned tree;
MW910 says which services get secrets without a manager; MW911-MW913 judge Vault
ACL policies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from meshward.cache import once
from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, Rule, rule
from meshward.findings.finding import Confidence, Severity
from meshward.model.kubernetes import K8sObject
from meshward.secrets.model import Match

_HC = ("SEC-HARDCODED",)
_REFS = ("https://owasp.org/www-community/vulnerabilities/Use_of_hard-coded_password",
         "https://cwe.mitre.org/data/definitions/798.html")


def _engine(ctx: ScanContext) -> object:
    """One engine run per scan context, shared by MW901-MW906."""
    from meshward.secrets.engine import scan_paths
    from meshward.secrets.scanner import Options

    def run() -> object:
        roots = [Path(r) for r in (ctx.inventory.roots or [ctx.inventory.root or "."])]
        roots = [r for r in roots if r.exists()]
        return scan_paths(roots, Options(jwt_max_lifetime_hours=ctx.config.jwt_max_lifetime_hours),
                          exclude=ctx.config.exclude) if roots else None

    return once(ctx, "secrets.engine", run)


def engine_matches(ctx: ScanContext) -> list[Match]:
    """Every match of the engine's one run over the scanned tree."""
    from meshward.secrets.engine import SecretsResult

    result = _engine(ctx)
    return list(result.matches) if isinstance(result, SecretsResult) else []


def _hits(ctx: ScanContext, rule_id: str) -> Iterator[Hit]:
    from meshward.checks.rules.cloud_secrets import engine_twins
    from meshward.secrets.report import hit_of

    twins = ({id(m) for m in engine_twins(ctx).values()}
             if ctx.inventory.cloud_resources else set())
    for m in engine_matches(ctx):
        if m.kind.value == rule_id and id(m) not in twins:  # MWC31 reports a twin, at its line
            yield _as_loaded(ctx, hit_of(m))


def _as_loaded(ctx: ScanContext, hit: Hit) -> Hit:
    """The engine reads files on its own; name the object as the scan loaded it (namespace
    from kustomize, service from the inventory) when the two agree on file, kind and name."""
    if hit.resource is None:
        return hit
    index = _objects_by_place(ctx)
    obj = index.get((hit.location.path, hit.resource.kind, hit.resource.name))
    if obj is None or obj.ref == hit.resource:
        return hit
    service = hit.service
    for w in ctx.inventory.workloads:
        if w.obj is obj:
            service = ctx.inventory.service_name_of(w) or service
            break
    return replace(hit, resource=obj.ref, service=service,
                   message=hit.message.replace(str(hit.resource), str(obj.ref)))


def _objects_by_place(ctx: ScanContext) -> dict[tuple[str, str, str], K8sObject]:
    def build() -> dict[tuple[str, str, str], K8sObject]:
        index: dict[tuple[str, str, str], K8sObject] = {}
        for obj in ctx.inventory.objects:
            index.setdefault((obj.location.path, obj.kind, obj.name), obj)
        return index

    return once(ctx.inventory, "secrets.objects-by-place", build)


@rule(id="MW901", title="Hardcoded credential of a known format", severity=Severity.HIGH,
      practices=_HC, targets=("files",), cwe="CWE-798", references=_REFS,
      rationale="A token of a documented format (cloud key, VCS/CI token, SaaS or AI API key) "
                "committed to a repository can be used by anyone who reads it, and stays in git "
                "history after it is deleted.",
      remediation="Revoke and rotate the credential at its provider, remove it from the file "
                  "(and from history if the repository is shared), and load it at run time from "
                  "a secret manager or a Kubernetes Secret that is not committed.",
      example_fail='GITHUB_TOKEN = "ghp_<36 base62 characters with a valid checksum>"',
      example_pass='GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]')
def hardcoded_known(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW901")


@rule(id="MW902", title="Literal value assigned to a secret-named variable",
      severity=Severity.MEDIUM, confidence=Confidence.MEDIUM, practices=_HC, targets=("files",),
      cwe="CWE-798", references=_REFS,
      rationale="Passwords and keys written as literals in code, configuration, compose "
                "`environment`, Kubernetes env values, `.env` files or Dockerfile ENV/ARG end "
                "up in every clone and every image layer.",
      remediation="Reference the value instead: `valueFrom.secretKeyRef`, a compose `secrets:` "
                  "entry, `${VAR}` interpolation from the environment, or a secret manager.",
      example_fail="env:\n  - name: DB_PASSWORD\n    value: s3cr3t-Passw0rd",
      example_pass="env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}")
def generic_assignment(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW902")


@rule(id="MW903", title="Private key committed", severity=Severity.CRITICAL,
      practices=_HC, targets=("files",), cwe="CWE-321", references=_REFS,
      rationale="A committed private key (PEM, PKCS#8, OpenSSH, PGP, PuTTY, age) lets anyone "
                "impersonate its owner or decrypt its traffic.",
      remediation="Treat the key as compromised: revoke its certificate or authorised-key entry, "
                  "issue a new one, and mount it from a secret store at run time.",
      example_fail="-----BEGIN EC PRIVATE KEY-----\n<base64 DER>\n-----END EC PRIVATE KEY-----",
      example_pass="tls.key is mounted from a Secret created by cert-manager")
def private_key(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW903")


@rule(id="MW904", title="JSON Web Token committed, judged for weaknesses",
      severity=Severity.MEDIUM, practices=("AUTH-JWT", "SEC-HARDCODED"), targets=("files",),
      cwe="CWE-798", references=("https://www.rfc-editor.org/rfc/rfc8725",),
      rationale="A committed JWT is a bearer credential; tokens signed with `alg: none`, with a "
                "shared HMAC secret, without `exp` or with a very long lifetime make it worse.",
      remediation="Revoke the token (rotate its signing key), issue short-lived tokens signed "
                  "with an asymmetric algorithm, and never commit them.",
      example_fail="token: <JWT whose header says alg none and whose payload has no exp>",
      example_pass="token is fetched from the identity server at run time")
def jwt_token(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW904")


@rule(id="MW905", title="Kubernetes Secret manifest commits real data", severity=Severity.HIGH,
      practices=_HC, targets=("files",), cwe="CWE-312", references=_REFS,
      rationale="Secret `data` is only base64-encoded: a committed Secret manifest is a "
                "plaintext secret in the repository.",
      remediation="Commit a SealedSecret, a SOPS-encrypted file or an ExternalSecret instead, "
                  "or create the Secret out of band.",
      example_fail="kind: Secret\ndata:\n  password: c3VwZXItc2VjcmV0LXZhbHVl",
      example_pass="kind: ExternalSecret\nspec:\n  target: {name: db}")
def k8s_secret_data(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW905")


@rule(id="MW906", title="Password in a URL or connection string", severity=Severity.HIGH,
      confidence=Confidence.MEDIUM, practices=_HC, targets=("files",), cwe="CWE-798",
      references=_REFS,
      rationale="`scheme://user:password@host` and `Password=` connection strings carry the "
                "credential with the address; they are logged and committed with it.",
      remediation="Keep the URL without userinfo and pass the password separately from a secret.",
      example_fail="DATABASE_URL=postgres://app:<the real password>@db:5432/app",
      example_pass="DATABASE_URL=postgres://app@db:5432/app  # password from PGPASSWORD secret")
def url_password(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW906")


@rule(id="MW907", title="Credential stored in a credential file, tool configuration, shell "
                         "history or SQL dump", severity=Severity.HIGH, practices=_HC,
      targets=("files",), cwe="CWE-256", references=(
          *_REFS, "https://cwe.mitre.org/data/definitions/256.html"),
      rationale="Files known by name hold credentials whatever they look like: `.netrc`, "
                "`.pgpass`, `.git-credentials`, `.npmrc`, cloud CLI credential files, FileZilla "
                "and editor SFTP configurations, database GUIs, mail clients, browser password "
                "stores, passwords typed on command lines that shell history keeps, and user "
                "rows of SQL dumps. Whoever reads a leaked home directory or web root logs in "
                "with them; password hashes (`.htpasswd`, `/etc/shadow`, dumps) are cracked "
                "offline (severity medium).",
      remediation="Rotate the credential, delete the file from the tree (and from history), "
                  "keep such files out of repositories and images (`.gitignore`, "
                  "`.dockerignore`), use a credential helper or keyring instead of plaintext "
                  "files, and pass passwords to commands through prompts, option files or "
                  "environment variables rather than arguments.",
      example_fail="# ~/.pgpass\ndb.corp.internal:5432:shop:shop_app:<the real password>",
      example_pass="# ~/.pgpass is not committed; the password comes from a secret at run time")
def credential_file(ctx: ScanContext) -> Iterator[Hit]:
    yield from _hits(ctx, "MW907")


@rule(id="MW910", title="Service gets its secrets without a secret manager",
      severity=Severity.MEDIUM, confidence=Confidence.MEDIUM, practices=("SEC-MANAGER",),
      targets=("kubernetes", "compose"),
      references=("https://kubernetes.io/docs/concepts/security/secrets-good-practices/",),
      rationale="Secrets written as literals or as plain Kubernetes Secrets are managed by hand: "
                "no rotation, no audit, no revocation.",
      remediation="Deliver them from a manager at run time: Vault agent or CSI, the Secrets "
                  "Store CSI driver, External Secrets, or a cloud secret manager.",
      example_fail="env:\n  - name: DB_PASSWORD\n    value: s3cr3t-Passw0rd",
      example_pass="annotations:\n  vault.hashicorp.com/agent-inject: 'true'")
def no_manager(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.secrets.policy_rules import manager_hits

    yield from manager_hits(ctx.inventory)


_VAULT_REFS = ("https://developer.hashicorp.com/vault/docs/concepts/policies",)


@rule(id="MW911", title="Vault policy grants a wildcard path", severity=Severity.HIGH,
      practices=("SEC-LEASTPRIV",), targets=("files",), references=_VAULT_REFS,
      rationale="`secret/*`-style paths give one identity every secret of a mount, including "
                "other services'.",
      remediation="Name the service's own prefix: `secret/data/<service>/*`.",
      example_fail='path "secret/*" { capabilities = ["read", "list"] }',
      example_pass='path "secret/data/orders/*" { capabilities = ["read"] }')
def vault_wildcard(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.secrets.policy_rules import vault_hits

    yield from vault_hits(ctx, "MW911")


@rule(id="MW912", title="Vault policy grants sudo", severity=Severity.HIGH,
      practices=("SEC-LEASTPRIV",), targets=("files",), references=_VAULT_REFS,
      rationale="`sudo` opens root-protected endpoints (sys/*, auth configuration) to the "
                "policy's holders.",
      remediation="Keep `sudo` for operator policies; give services only read on their paths.",
      example_fail='path "sys/mounts/*" { capabilities = ["create", "sudo"] }',
      example_pass='path "secret/data/orders/*" { capabilities = ["read"] }')
def vault_sudo(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.secrets.policy_rules import vault_hits

    yield from vault_hits(ctx, "MW912")


@rule(id="MW913", title="Vault policy lets one service read another's secrets",
      severity=Severity.HIGH, confidence=Confidence.MEDIUM, practices=("SEC-LEASTPRIV",),
      targets=("files",), references=_VAULT_REFS,
      rationale="Each service should read only its own secrets; a policy named for one service "
                "that reads another's path widens the blast radius of a compromise.",
      remediation="Move shared values under a `shared/` prefix or give each service its own copy.",
      example_fail='# orders.hcl\npath "secret/data/payments/*" { capabilities = ["read"] }',
      example_pass='# orders.hcl\npath "secret/data/orders/*" { capabilities = ["read"] }')
def vault_cross_service(ctx: ScanContext) -> Iterator[Hit]:
    from meshward.secrets.policy_rules import vault_hits

    yield from vault_hits(ctx, "MW913")


RULES_BY_ID: dict[str, Rule] = {r.id: r for r in (
    hardcoded_known, generic_assignment, private_key, jwt_token, k8s_secret_data, url_password,
    credential_file, no_manager, vault_wildcard, vault_sudo, vault_cross_service)}
