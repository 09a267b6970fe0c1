"""Passwords typed on command lines (shell history, profiles, scripts), in SQL account
statements, and password columns of SQL dumps."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.secrets.files import (
    FileDetector,
    Found,
    line_of,
    line_starts,
    looks_hashed,
    plain_ok,
    unquote,
)

_V = r"(?P<v>'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"|;&<>]+)"
_ARGS = r"[^|;&\n#]*?\s"
COMMANDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rx)) for name, rx in (
    ("mysql -p", r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb"
                 r"|mariadb-dump)\b" + _ARGS + r"(?:-p(?P<v>'[^'\n]+'|\"[^\"\n]+\"|[^\s'\"|;&<>-]\S*)"
                 r"|--password=" + _V.replace("?P<v>", "?P<w>") + ")"),
    ("curl -u", r"\bcurl\b" + _ARGS + r"(?:-u|--user)\s*" + _V),
    ("wget --password", r"\bwget\b" + _ARGS + r"--(?:http-|ftp-)?password=" + _V),
    ("sshpass -p", r"\bsshpass\b[^|;&\n]*?\s-p\s*" + _V),
    ("docker login -p", r"\b(?:docker|podman|buildah|skopeo|helm\s+registry)\s+login\b" + _ARGS
                        + r"(?:-p|--password)(?:\s+|=)" + _V),
    ("redis-cli -a", r"\bredis-cli\b" + _ARGS + r"(?:-a|--pass)\s+" + _V),
    ("mongo -p", r"\bmongo(?:sh|dump|restore|export|import)?\b" + _ARGS
                 + r"(?:-p|--password)(?:\s+|=)" + _V),
    ("sqlcmd -P", r"\b(?:sqlcmd|bcp|osql)\b" + _ARGS + r"-P\s*" + _V),
    ("openssl pass:", r"\bopenssl\b" + _ARGS + r"-(?:passin|passout|pass|password|k)\s+pass:" + _V),
    ("keytool -storepass", r"\bkeytool\b" + _ARGS + r"-(?:storepass|keypass|srcstorepass"
                           r"|deststorepass)\s+" + _V),
    ("htpasswd -b", r"\bhtpasswd\s+-\w*b\w*\s+\S+\s+\S+\s+" + _V),
    ("smbclient -U", r"\bsmbclient\b" + _ARGS + r"-U\s*[^%\s]+%" + _V),
    ("mysqladmin password", r"\bmysqladmin\b" + _ARGS + r"password\s+" + _V),
    ("aws configure set", r"\baws\s+configure\s+set\s+(?:[\w-]+\.)*(?:aws_secret_access_key"
                          r"|aws_session_token)\s+" + _V),
    ("kubectl --from-literal", r"\bkubectl\b" + _ARGS + r"--from-literal=[\w.\-]+=" + _V),
    ("echo | --password-stdin", r"\becho\s+(?:-n\s+)?" + _V + r"\s*\|[^|;&\n]*--password-stdin"),
    ("sqlplus user/pass", r"\b(?:sqlplus|rman|expdp|impdp)\s+(?:-\w+\s+)*[A-Za-z_][\w$#]*/"
                          r"(?P<v>[^@\s/'\"]+)(?=@|\s|$)"),
    ("az login -p", r"\baz\s+login\b" + _ARGS + r"(?:-p|--password)(?:\s+|=)" + _V),
    ("ssh-keygen -N", r"\bssh-keygen\b" + _ARGS + r"-N\s*" + _V),
))
_COMMAND_WORDS = ("mysql", "mariadb", "curl", "wget", "sshpass", "login", "redis-cli", "mongo",
                  "sqlcmd", "bcp", "osql", "openssl", "keytool", "htpasswd", "smbclient",
                  "aws configure", "kubectl", "password-stdin", "sqlplus", "rman", "expdp",
                  "impdp", "az login", "ssh-keygen")


def command_lines(text: str) -> Iterator[Found]:
    """Passwords given as arguments: ``mysql -pX``, ``curl -u user:X``, ``sshpass -p X``..."""
    low = text.lower()
    if not any(w in low for w in _COMMAND_WORDS):
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#") or len(line) > 2000:
            continue
        for name, rx in COMMANDS:
            m = rx.search(line)
            if m is None:
                continue
            value = unquote(m.group("v") if m.group("v") is not None else m.group("w"))
            if name == "curl -u":
                _user, sep, value = value.partition(":")
                if not sep:
                    continue
            if plain_ok(value) and value not in ("password", "pass"):
                yield Found(n, value, name)
                break
    yield from sql_statements(text)


_SQL_PW = re.compile(
    r"\bIDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?:PASSWORD\s+)?(?P<q>'(?:[^'\\]|\\.|'')*')"
    r"|\bPASSWORD\s*\(\s*(?P<f>'(?:[^'\\]|\\.)*')\s*\)"
    r"|\b(?:CREATE|ALTER)\s+(?:USER|ROLE)\b[^;]*?\bPASSWORD\s+(?P<p>'(?:[^'\\]|\\.|'')*')",
    re.IGNORECASE)


_VIS = re.compile(r"\\([0-3][0-7]{2})")


def sql_statements(text: str) -> Iterator[Found]:
    """``IDENTIFIED BY 'x'``, ``SET PASSWORD = PASSWORD('x')``, ``CREATE ROLE r PASSWORD 'x'``."""
    low = text.lower()
    if "identified" not in low and "password" not in low:
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if "\\0" in line:  # libedit (MySQL/MariaDB client) history: vis(3) octal escapes
            line = _VIS.sub(lambda o: chr(int(o.group(1), 8)), line)
        for m in _SQL_PW.finditer(line):
            value = unquote(m.group("q") or m.group("f") or m.group("p") or "")
            if plain_ok(value):
                yield Found(n, value, "sql", hashed=looks_hashed(value))
                break


# --- SQL dumps ---------------------------------------------------------------------------------

_IDENT = r"[`\"\[]?(?P<{0}>[\w$]+)[`\"\]]?"
_CREATE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[`\"\[]?[\w$]+[`\"\]]?\.)?"
                     + _IDENT.format("t") + r"\s*\(", re.IGNORECASE)
_INSERT = re.compile(r"INSERT\s+(?:IGNORE\s+)?INTO\s+(?:[`\"\[]?[\w$]+[`\"\]]?\.)?"
                     + _IDENT.format("t") + r"\s*(?:\((?P<cols>[^)]*)\))?\s*VALUES\s*",
                     re.IGNORECASE)
_COPY = re.compile(r"^COPY\s+(?:[\"\w$]+\.)?" + _IDENT.format("t") + r"\s*\((?P<cols>[^)]*)\)\s+FROM\s+stdin",
                   re.IGNORECASE)
_PW_COLUMN = re.compile(r"^(?:.*_)?(?:pass|passwd|password|pwd|pw|passhash|pass_hash|password_hash"
                        r"|passwordhash|encrypted_password|hashed_password|crypted_password"
                        r"|user_pass|userpassword|password_digest)$", re.IGNORECASE)
_USER_TABLE = re.compile(r"user|account|member|admin|login|customer|auth|staff|employee|operator"
                         r"|credential|people|person", re.IGNORECASE)
_TOKEN = re.compile(r"'(?:[^'\\]|\\.|'')*'|NULL|[^,()'\s]+|\(|\)|,", re.IGNORECASE)


def _columns(spec: str) -> list[str]:
    return [c.strip().strip("`\"[]").lower() for c in spec.split(",")]


def _rows(text: str, start: int) -> Iterator[tuple[int, list[str | None]]]:
    """``(offset, values)`` of each tuple of a VALUES list from ``start`` (over any number
    of lines): strings unquoted, NULL as None, up to the ``;`` that ends the statement."""
    depth = 0
    row: list[str | None] = []
    at = start
    for m in _TOKEN.finditer(text, start):
        tok = m.group(0)
        if tok == "(":
            depth += 1
            if depth == 1:
                row, at = [], m.start()
        elif tok == ")":
            depth -= 1
            if depth == 0:
                yield at, row
        elif tok == ",":
            continue
        elif depth == 1:
            if tok.startswith("'"):
                row.append(tok[1:-1].replace("''", "'").replace("\\'", "'"))
            else:
                row.append(None if tok.upper() == "NULL" else tok)
        elif depth == 0:
            return  # ``;`` or the next statement


def _create_columns(text: str, start: int) -> list[str]:
    """Column names of a CREATE TABLE body starting after its ``(``."""
    cols: list[str] = []
    depth, seg = 0, start
    for m in re.finditer(r"'(?:[^'\\]|\\.)*'|[(),]", text[start:start + 20_000]):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")" and depth > 0:
            depth -= 1
        elif tok in ",)" and depth == 0:
            first = text[seg:start + m.start()].strip().split(None, 1)
            if first and not first[0].upper().startswith(_NOT_COLUMN):
                cols.append(first[0].strip("`\"[]").lower())
            seg = start + m.end()
            if tok == ")":
                break
    return cols


_NOT_COLUMN = ("PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "CHECK", "FULLTEXT",
               "SPATIAL", "--")


def sql_dump(text: str) -> Iterator[Found]:
    """Rows of user tables: the password column when the dump names the columns (INSERT
    column list, CREATE TABLE, COPY), else string values that are password hashes. Rows
    may share a line (mysqldump) or take one line each (phpMyAdmin, pg_dump --inserts)."""
    low = text.lower()
    if "insert" not in low and "copy " not in low:
        return
    starts = line_starts(text)
    tables = {c.group("t").lower(): _create_columns(text, c.end()) for c in _CREATE.finditer(text)}
    reported: set[int] = set()
    for ins in _INSERT.finditer(text):
        table = ins.group("t")
        cols = _columns(ins.group("cols")) if ins.group("cols") else tables.get(table.lower(), [])
        idx = [i for i, col in enumerate(cols) if _PW_COLUMN.match(col)]
        if not idx and not _USER_TABLE.search(table):
            continue
        for at, row in _rows(text, ins.end()):
            line = line_of(starts, at)
            hit = None if line in reported else _row_secret(row, idx)
            if hit is not None:
                i, value = hit
                col = cols[i] if i < len(cols) else f"column {i + 1}"
                reported.add(line)
                yield Found(line, value, f"{table}.{col}", hashed=_hashed_column(value))
    if "copy " in low:
        yield from _copy_rows(text.splitlines())


def _copy_rows(lines: list[str]) -> Iterator[Found]:
    """pg_dump ``COPY t (cols) FROM stdin;`` blocks: tab-separated rows up to ``\\.``."""
    n = 0
    while n < len(lines):
        cp = _COPY.match(lines[n])
        n += 1
        if not cp:
            continue
        cols = _columns(cp.group("cols"))
        idx = [i for i, col in enumerate(cols) if _PW_COLUMN.match(col)]
        while n < len(lines) and lines[n] != "\\.":
            fields = lines[n].split("\t")
            for i in idx:
                if i < len(fields) and fields[i] != "\\N" and plain_ok(fields[i]):
                    yield Found(n + 1, fields[i], f"{cp.group('t')}.{cols[i]}",
                                hashed=_hashed_column(fields[i]))
                    break
            n += 1


_BARE_DIGEST = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")


def _hashed_column(value: str) -> bool:
    """A password column's value that is a hash: crypt formats, or a bare MD5/SHA digest."""
    return looks_hashed(value) or bool(_BARE_DIGEST.fullmatch(value))


def _row_secret(row: list[str | None], idx: list[int]) -> tuple[int, str] | None:
    if idx:
        for i in idx:
            v = row[i] if i < len(row) else None
            if v and plain_ok(v):
                return i, v
        return None
    for i, v in enumerate(row):  # no column names: only values that are password hashes
        if v and looks_hashed(v) and len(v) >= 20:
            return i, v
    return None


_HISTORY = (".bash_history", ".zsh_history", ".history", ".sh_history", "fish_history",
            ".ash_history", ".ksh_history", "*_history.txt")
_PROFILES = (".bashrc", ".bash_profile", ".bash_login", ".bash_aliases", ".profile", ".zshrc",
             ".zprofile", ".zshenv", ".zlogin", ".kshrc", ".cshrc", ".tcshrc", "config.fish")
_SCRIPTS = ("*.sh", "*.bash", "*.zsh", "*.ksh", ".envrc")

SHELL = (
    FileDetector(id="shell-command-password", family="shell-history",
                 title="Password on a command line (shell history, profile or script)",
                 parse=command_lines, names=(*_HISTORY, *_PROFILES, *_SCRIPTS),
                 reference="mysql -p, curl -u user:password, sshpass -p, docker login -p, "
                           "redis-cli -a, mongo -p, sqlcmd -P, openssl pass:, keytool -storepass",
                 example="mysql -u root -p<password> shop"),
    FileDetector(id="sql-account-password", family="shell-history",
                 title="Password in a SQL account statement (client history)",
                 parse=sql_statements, names=(".mysql_history", ".psql_history",
                                               ".mariadb_history", ".sqlite_history"),
                 reference="MySQL CREATE USER / GRANT IDENTIFIED BY; PostgreSQL CREATE ROLE PASSWORD",
                 example="CREATE USER 'app'@'%' IDENTIFIED BY '<password>';"),
    FileDetector(id="sql-dump-password", family="sql-dump",
                 title="Password or password hash in a SQL dump",
                 parse=lambda text: (*sql_dump(text), *sql_statements(text)),
                 names=("*.sql", "*.sql.txt", "*.mysql", "*.pgsql", "*.psql", "*.dump.sql"),
                 reference="mysqldump / pg_dump: INSERT and COPY rows of user tables",
                 example="INSERT INTO `users` VALUES (1,'admin@shop.io','$2y$10$...');"),
)

__all__ = ["SHELL", "command_lines", "sql_dump", "sql_statements"]
