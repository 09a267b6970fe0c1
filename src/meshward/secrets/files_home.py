"""Credential files of home directories and servers, read by their own structure."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.secrets.files import (
    FileDetector,
    Found,
    Parser,
    line_of,
    line_starts,
    looks_hashed,
    plain_ok,
    unquote,
)

_COMMENT = ("#", ";")


def ini_entries(text: str) -> Iterator[tuple[int, str, str, str]]:
    """``(line, section, key, value)`` of an INI-style file (``key = value`` / ``key: value``)."""
    section = ""
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(_COMMENT):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        m = re.match(r"([^=:\s][^=:]*?)\s*[=:]\s*(.*)$", line)
        if m:
            yield n, section, m.group(1).strip(), m.group(2).strip()


def ini_keys(keys: tuple[str, ...], section: str = "") -> Parser:
    """Values of ``keys`` (case-insensitive) in sections whose name starts with ``section``."""
    wanted = {k.lower() for k in keys}

    def parse(text: str) -> Iterator[Found]:
        for n, sec, key, value in ini_entries(text):
            if key.lower() in wanted and sec.lower().startswith(section.lower()):
                v = unquote(value)
                if plain_ok(v):
                    yield Found(n, v, f"{sec}.{key}" if sec else key)

    return parse


def netrc(text: str) -> Iterator[Found]:
    """``password`` tokens of ``machine``/``default`` entries (``macdef`` bodies skipped);
    anonymous logins are not credentials."""
    starts = line_starts(text)
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"\"(?:[^\"\\]|\\.)*\"|\S+", text)]
    login = ""
    i = 0
    while i < len(tokens):
        at, tok = tokens[i]
        if tok.startswith("#") and (at == 0 or text[at - 1] in "\n \t"):
            nl = text.find("\n", at)
            while i < len(tokens) and (nl < 0 or tokens[i][0] < nl):
                i += 1
            continue
        if tok in ("machine", "default"):
            login = ""
        elif tok == "login" and i + 1 < len(tokens):
            login = unquote(tokens[i + 1][1])
        elif tok == "macdef":
            end = text.find("\n\n", at)
            while i < len(tokens) and (end < 0 or tokens[i][0] < end):
                i += 1
            continue
        elif tok in ("password", "passwd") and i + 1 < len(tokens):
            vat, raw = tokens[i + 1]
            value = unquote(raw)
            if login.lower() not in ("anonymous", "ftp") and plain_ok(value):
                yield Found(line_of(starts, vat), value, "password")
            i += 2
            continue
        i += 1


def pgpass(text: str) -> Iterator[Found]:
    """``host:port:database:user:password``, ``\\:`` and ``\\\\`` escaped."""
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = re.findall(r"(?:[^:\\]|\\.)*", line)
        fields = [f for i, f in enumerate(fields) if i % 2 == 0]  # findall yields empty joins
        if len(fields) < 5:
            continue
        value = ":".join(fields[4:]).replace("\\:", ":").replace("\\\\", "\\")
        if plain_ok(value):
            yield Found(n, value, f"{fields[3]}@{fields[0]}")


_CRED_URL = re.compile(r"^\s*[A-Za-z][\w+.\-]*://(?P<u>[^:@/\s]+):(?P<p>[^@\s]+)@(?P<h>[^/\s]+)")


def git_credentials(text: str) -> Iterator[Found]:
    from urllib.parse import unquote as url_unquote

    for n, line in enumerate(text.splitlines(), start=1):
        m = _CRED_URL.match(line)
        if m:
            value = url_unquote(m.group("p"))
            if plain_ok(value):
                yield Found(n, value, f"{url_unquote(m.group('u'))}@{m.group('h')}")


_NPM_KEYS = ("_authtoken", "_auth", "_password", "npmauthtoken", "npmauthident", "npmpassword")
_NPM_LINE = re.compile(r"^\s*\"?(?P<k>[^\s=\"]*?(?:_authToken|_auth|_password|npmAuthToken|"
                       r"npmAuthIdent|npmPassword))\"?\s*(?:[=:]\s*|\s+)(?P<v>.+?)\s*$",
                       re.IGNORECASE)


def npmrc(text: str) -> Iterator[Found]:
    """npm/yarn auth: ``//registry/:_authToken=``, ``_auth``, ``_password``, yarn 2+
    ``npmAuthToken:`` / ``npmAuthIdent:``, yarn 1 ``"//registry/:_authToken" "value"``."""
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("#", ";")):
            continue
        m = _NPM_LINE.match(line)
        if m:
            value = unquote(m.group("v"))
            if plain_ok(value):
                yield Found(n, value, m.group("k").rsplit(":", 1)[-1])


def htpasswd(text: str) -> Iterator[Found]:
    """``user:hash`` (Apache/nginx basic auth; ``user:realm:md5`` for htdigest)."""
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.strip().split(":")
        if len(parts) in (2, 3) and parts[0] and plain_ok(parts[-1]):
            value = parts[-1]
            yield Found(n, value, parts[0], hashed=looks_hashed(value) or len(parts) == 3
                        or bool(re.fullmatch(r"[A-Za-z0-9./]{13}", value)))


def shadow(text: str) -> Iterator[Found]:
    """``user:hash:...`` of shadow/passwd files; locked (``!``/``*``) and empty fields are not."""
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split(":")
        if len(parts) < 7 or not parts[0]:
            continue
        value = parts[1]
        if not value or value[0] in "!*x" or value in ("NP", "LK"):
            continue
        if looks_hashed(value) or re.fullmatch(r"[A-Za-z0-9./]{13}", value):
            yield Found(n, value, parts[0], hashed=True)


def hex_key_file(length: int) -> Parser:
    """A file whose only content is a ``length``-digit hex key (Rails ``master.key``)."""

    def parse(text: str) -> Iterator[Found]:
        value = text.strip()
        if re.fullmatch(rf"[0-9a-fA-F]{{{length}}}", value) and len(set(value)) > 4:
            yield Found(1, value, "key")

    return parse


def yaml_keys(keys: tuple[str, ...], under: str = "") -> Parser:
    """Scalar values of ``keys`` in a YAML file (optionally only inside the ``under:`` block);
    ERB/template values are placeholders."""
    rx = re.compile(r"^(?P<ind>\s*)(?P<k>[\w\-]+)\s*:\s*(?P<v>[^#\s][^#]*?)\s*(?:#.*)?$")
    wanted = {k.lower() for k in keys}

    def parse(text: str) -> Iterator[Found]:
        block: int | None = None
        for n, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            if block is not None and indent <= block:
                block = None
            if under and stripped.startswith(under + ":"):
                block = indent
                continue
            m = rx.match(line)
            if m and (block is not None or m.group("k").lower() in wanted):
                value = unquote(m.group("v"))
                if plain_ok(value):
                    key = m.group("k")
                    yield Found(n, value, f"{under}.{key}" if block is not None else key)

    return parse


def sqlite_rows(data: bytes, table: str) -> list[dict[str, object]]:
    """Rows of ``table`` in a SQLite database given as bytes (``[]`` without that table);
    ``ValueError`` when the bytes are not a SQLite database."""
    import sqlite3

    if not data.startswith(b"SQLite format 3\x00"):
        raise ValueError("not a SQLite database")
    con = sqlite3.connect(":memory:")
    try:
        con.deserialize(data)
        con.row_factory = sqlite3.Row
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if table not in names:
            return []
        return [dict(r) for r in con.execute(f'SELECT * FROM "{table}"')]
    except sqlite3.DatabaseError as exc:
        raise ValueError(str(exc)) from exc
    finally:
        con.close()


def gcloud_credentials_db(data: bytes) -> Iterator[Found]:
    """gcloud ``credentials.db``: one row per account, ``value`` a JSON credential."""
    import json

    for n, row in enumerate(sqlite_rows(data, "credentials"), start=1):
        raw = row.get("value")
        try:
            cred = json.loads(raw.decode() if isinstance(raw, bytes) else str(raw))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(cred, dict):
            continue
        for key in ("refresh_token", "private_key", "client_secret"):
            value = cred.get(key)
            if isinstance(value, str) and plain_ok(value):
                yield Found(n, value, f"{row.get('account_id')}.{key}")
                break


def gcloud_access_tokens_db(data: bytes) -> Iterator[Found]:
    for n, row in enumerate(sqlite_rows(data, "access_tokens"), start=1):
        value = row.get("access_token")
        if isinstance(value, str) and plain_ok(value):
            yield Found(n, value, f"{row.get('account_id')}.access_token")


def svn_simple(text: str) -> Iterator[Found]:
    """Subversion ``svn.simple`` hash files: ``K 8`` / ``password`` / ``V n`` / value."""
    lines = text.splitlines()
    for i in range(1, len(lines) - 2):
        if (lines[i] == "password" and lines[i - 1] == "K 8" and lines[i + 1].startswith("V ")
                and plain_ok(lines[i + 2])):
            yield Found(i + 3, lines[i + 2], "password")


def whole_file_token(text: str) -> Iterator[Found]:
    value = text.strip()
    if value and "\n" not in value and plain_ok(value):
        yield Found(1, value, "token")


def _d(id: str, title: str, parse: Parser, names: tuple[str, ...] = (),
       paths: tuple[str, ...] = (), ref: str = "", example: str = "") -> FileDetector:
    return FileDetector(id=id, family="credential-file", title=title, parse=parse, names=names,
                        paths=paths, reference=ref, example=example)


HOME = (
    _d("netrc", "Password in a .netrc (ftp, curl, git, Heroku CLI)", netrc,
       names=(".netrc", "_netrc"), ref="GNU inetutils netrc(5); Heroku CLI stores its API key there",
       example="machine api.heroku.com login me@corp.io password <API key>"),
    _d("pgpass", "PostgreSQL password file", pgpass, names=(".pgpass", "pgpass.conf"),
       ref="PostgreSQL docs 34.16 The Password File", example="db:5432:shop:app:<password>"),
    _d("git-credentials", "Git credential store", git_credentials,
       names=(".git-credentials", "git-credentials"), ref="git-credential-store(1)",
       example="https://alice:<password>@git.corp.net"),
    _d("npmrc-auth", "npm / yarn registry auth token", npmrc,
       names=(".npmrc", "npmrc", ".yarnrc", ".yarnrc.yml"),
       ref="npm docs: npmrc auth-related configuration; yarn: npmAuthToken, npmAuthIdent",
       example="//registry.npmjs.org/:_authToken=<token>"),
    _d("pypirc", "PyPI upload credentials (.pypirc)", ini_keys(("password",)), names=(".pypirc",),
       ref="PyPA: The .pypirc file", example="password = <token>"),
    _d("s3cfg", "s3cmd credentials (.s3cfg)", ini_keys(("secret_key", "access_token",
                                                        "gpg_passphrase", "proxy_password")),
       names=(".s3cfg", "s3cfg"), ref="s3cmd configuration file", example="secret_key = <key>"),
    _d("aws-cli-credentials", "AWS CLI credentials file",
       ini_keys(("aws_secret_access_key", "aws_session_token", "aws_security_token")),
       paths=("*/.aws/credentials", "*/.aws/config"),
       ref="AWS CLI: configuration and credential file settings",
       example="aws_secret_access_key = <key>"),
    _d("mysql-option-file", "MySQL client option file password", ini_keys(("password",)),
       names=(".my.cnf", "my.cnf", ".mylogin.cnf", "debian.cnf"),
       ref="MySQL: using option files ([client] password)", example="password = <password>"),
    _d("htpasswd", "Basic-auth password hashes (.htpasswd / htdigest)", htpasswd,
       names=(".htpasswd", "htpasswd", "*.htpasswd", ".htdigest", "htdigest"),
       ref="Apache httpd: htpasswd(1) password formats", example="admin:$apr1$<salt>$<hash>"),
    _d("shadow", "Unix password hashes (/etc/shadow, passwd with hashes)", shadow,
       names=("shadow", "shadow-", "shadow.bak", "gshadow", "master.passwd", "passwd", "passwd-"),
       ref="shadow(5), crypt(5)", example="root:$6$<salt>$<hash>:19345:0:99999:7:::"),
    _d("rails-master-key", "Rails master key / credentials key", hex_key_file(32),
       paths=("*/config/master.key", "*/config/credentials/*.key"),
       ref="Rails guides: Security, Custom Credentials (config/master.key)",
       example="<32 hex digits>"),
    _d("rails-secrets", "Rails secret_key_base in secrets.yml",
       yaml_keys(("secret_key_base", "secret_token")), names=("secrets.yml", "secrets.yaml"),
       ref="Rails 4.1-5.1 config/secrets.yml", example="secret_key_base: <128 hex digits>"),
    _d("doctl-config", "DigitalOcean CLI access token", yaml_keys(("access-token",), "auth-contexts"),
       paths=("*/doctl/config.yaml",), ref="doctl auth init: config.yaml access-token",
       example="access-token: <token>"),
    _d("heroku-credentials", "Heroku CLI legacy credentials file",
       lambda text: (Found(n, v.strip(), "api_key")
                     for n, v in enumerate(text.splitlines(), start=1)
                     if n == 2 and plain_ok(v)),
       paths=("*/.heroku/credentials",), ref="heroku toolbelt ~/.heroku/credentials (email, key)",
       example="<email>\\n<API key>"),
    FileDetector(id="gcloud-credentials-db", family="credential-file",
                 title="Google Cloud SDK credential store (credentials.db)",
                 parse_bytes=gcloud_credentials_db, names=("credentials.db",),
                 reference="gcloud: ~/.config/gcloud/credentials.db (SQLite, one JSON per account)",
                 example="row <account>: refresh_token"),
    FileDetector(id="gcloud-access-tokens-db", family="credential-file",
                 title="Google Cloud SDK access token cache (access_tokens.db)",
                 parse_bytes=gcloud_access_tokens_db, names=("access_tokens.db",),
                 reference="gcloud: ~/.config/gcloud/access_tokens.db (SQLite)",
                 example="row <account>: access_token ya29..."),
    _d("kubeconfig", "Kubernetes client credentials in a kubeconfig",
       yaml_keys(("token", "client-key-data", "password", "id-token", "refresh-token",
                  "client-secret")),
       names=("kubeconfig", "*.kubeconfig", "kubeconfig.yaml", "kubeconfig.yml"),
       paths=("*/.kube/config",), ref="Kubernetes: Organizing cluster access using kubeconfig "
                                      "files (users[].user.token, client-key-data)",
       example="token: <bearer token>"),
    _d("rclone-config", "rclone remote credentials",
       ini_keys(("pass", "password", "password2", "secret_access_key", "client_secret", "token",
                 "account_key", "key", "sas_url", "bearer_token")),
       names=("rclone.conf",), ref="rclone config file (pass/password obscured, reversible)",
       example="pass = <obscured password>"),
    _d("boto-config", "boto / gsutil credentials",
       ini_keys(("aws_secret_access_key", "gs_secret_access_key", "gs_oauth2_refresh_token")),
       names=(".boto", "boto.cfg"), ref="boto configuration ([Credentials] section)",
       example="gs_oauth2_refresh_token = <token>"),
    _d("cli-oauth-token", "GitHub/hub CLI OAuth token", yaml_keys(("oauth_token",)),
       paths=("*/.config/hub", "*/gh/hosts.yml"), ref="hub(1) ~/.config/hub, gh hosts.yml",
       example="oauth_token: <token>"),
    _d("svn-simple", "Subversion cached password", svn_simple,
       paths=("*/svn.simple/" + "?" * 32,), ref="Subversion auth/svn.simple credential cache",
       example="K 8 / password / V 9 / <password>"),
    _d("vault-token-file", "Vault CLI token file", whole_file_token, names=(".vault-token",),
       ref="Vault CLI token helper: ~/.vault-token", example="<token>"),
)

__all__ = ["HOME", "ini_entries", "ini_keys", "yaml_keys"]
