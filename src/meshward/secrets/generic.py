"""The generic detector: values assigned to secret-named keys, with context filters.

Contexts decide how sure a literal must look:

- ``deploy``: an environment variable a deployment hands to a container (compose
  ``environment``, Kubernetes ``env`` name/value, ``.env``, Dockerfile ENV/ARG,
  UPPER_SNAKE keys in YAML). Whatever the literal reads, it is deployed: only strong
  placeholders (templates, references, ``<holes>``, ``changeme``) are dropped.
- ``config``: YAML/JSON/properties/INI/TOML/HCL keys. Placeholders, UUIDs, digests
  and example words are dropped; the value must be 6+ characters with some entropy.
- ``code``: only quoted string literals (anything else is an expression), 8+
  characters and 3 bits of entropy per character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meshward.findings.finding import Confidence
from meshward.secrets.filters import (
    is_placeholder,
    is_secret_key,
    is_strong_placeholder,
    key_tokens,
)
from meshward.secrets.model import entropy

_ASSIGN = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,80})(?P<kq>[\"']?)\s*(?P<op>:=|=>|==|!=|=|:)[ \t]*"
    r"(?P<val>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`|[^\s,;#'\"`)\]}]+)"
)
_DOCKER_ENV = re.compile(r"^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<val>[^=\s]\S*)\s*$")
_XML = re.compile(r"<(?P<key>[A-Za-z_][\w.\-]{0,60})(?:\s[^<>]{0,200})?>(?P<val>[^<\s]{3,200})</(?P=key)>")
# PHP constants: define('DB_PASSWORD', 'value') (WordPress, Joomla, many PHP apps)
_DEFINE = re.compile(r"\bdefine\s*\(\s*(['\"])(?P<key>[A-Za-z_][A-Za-z0-9_]*)\1\s*,\s*"
                     r"(?P<val>'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")\s*\)")
_ENV_DEFAULT = re.compile(
    r"\b(?:env|getenv|environ\.get|ENV\.fetch|env\.str)\s*\(\s*(['\"])"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\1\s*,\s*(?:default\s*=\s*)?(?P<val>'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")\s*\)")
# Key/value attribute pairs: .NET <add key="SmtpPassword" value="..."/>, Spring/Ant
# <property name="password" value="..."/>
_KV_ATTR = re.compile(r"\b(?:key|name)\s*=\s*\"(?P<key>[^\"]{1,80})\"\s+value\s*=\s*"
                      r"(?P<val>\"[^\"\n]*\")")
_K8S_NAME = re.compile(r"^\s*(?:-\s+)?name:\s*[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)[\"']?\s*(?:#.*)?$")
_K8S_VALUE = re.compile(r"^\s*value:\s*(?P<val>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\s][^#]*?)\s*(?:#.*)?$")
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CODE_REF = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(.*\))?$"
                       r"|^[A-Za-z_][A-Za-z0-9_.]*\(.*\)$|^[A-Za-z_]\w*\[")

CODE_EXT = frozenset({"py", "js", "jsx", "ts", "tsx", "mjs", "cjs", "go", "java", "kt", "kts",
                      "scala", "rb", "php", "cs", "rs", "swift", "c", "cc", "cpp", "h", "hpp",
                      "m", "groovy", "gradle", "dart", "lua", "pl", "r", "vue", "svelte", "ex",
                      "exs", "erl", "clj", "fs", "vb", "ps1", "psm1", "sql", "ipynb",
                      # type stubs and Cython (``token: tuple[int, str]`` is an annotation),
                      # grammars (``TOKEN: /regex/``)
                      "pyi", "pyx", "pxd", "lark", "g4",
                      # Perl modules, Vim script, Emacs Lisp, Tcl
                      "pm", "vim", "el", "tcl"})
DOC_EXT = frozenset({"md", "markdown", "rst", "txt", "adoc", "html", "htm", "tex", "org", "rdoc",
                     "csv", "tsv", "svg", "css", "scss", "less", "map", "lock", "sum", "log"})
DOC_NAMES = ("readme", "changelog", "changes", "history", "license", "copying", "notice",
             "authors", "contributing", "pkg-info", "metadata")
# Terraform/HCL: an unquoted value is an expression (``aws_secretsmanager_secret.db.arn``,
# ``var.password``), never a literal; a quoted one is read as configuration.
HCL_EXT = frozenset({"tf", "tfvars", "hcl"})
SHELL_EXT = frozenset({"sh", "bash", "zsh", "ksh", "fish", "envrc"})


@dataclass(frozen=True, slots=True)
class GenericHit:
    key: str
    value: str
    start: int  # absolute offset of the line that carries the key
    context: str
    confidence: Confidence


# Code files that are an application's configuration (wp-config.php, settings.py,
# config/database.php, db.php, LocalSettings.php...): a password literal there is deployed.
_APPCONFIG = re.compile(r"^(?:wp-config|localsettings|local_settings|settings|config|configuration"
                        r"|database|db|dbconfig|db_config|db_connect|dbconnect|conn|connect"
                        r"|connection|conexion|parameters|credentials)"
                        r"(?:[._-](?:local|prod|production|dev|development|staging|stage|live|inc"
                        r"|default|common|base|app|site|db|database))*$")


def file_context(path: str) -> str:
    """``deploy`` | ``config`` | ``code`` | ``appconfig`` | ``shell`` | ``docs`` for a path."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.startswith(DOC_NAMES):
        return "docs"
    if name == ".env" or name.startswith(".env.") or name.endswith(".env") or name == "envfile":
        return "deploy"
    if name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile"):
        return "dockerfile"
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext in HCL_EXT:
        return "hcl"
    if ext in CODE_EXT:
        return "appconfig" if _APPCONFIG.match(name[:-len(ext) - 1]) and ext != "sql" else "code"
    if ext in SHELL_EXT:
        return "shell"
    if ext in DOC_EXT:
        return "docs"
    return "config"


def _unquote(raw: str) -> tuple[str, bool]:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'`":
        return raw[1:-1], True
    return raw, False


def judge(key: str, raw: str, context: str, passwords: bool = False) -> Confidence | None:
    """The confidence that ``key = raw`` is a real secret in ``context``; ``None`` when not.

    ``passwords``: the file is structured configuration (YAML, JSON, INI, properties, XML...)
    where a password-family key holds a human-chosen password (see :func:`judge_password`).
    """
    value, quoted = _unquote(raw.strip())
    value = value.strip()
    if not is_secret_key(key):
        return None
    if context == "appconfig":
        if not quoted:
            return None
        if is_password_key(key) and judge_password(value, words=True):
            return Confidence.LOW
        context = "code"
    elif context == "config" and passwords and is_password_key(key) and judge_password(value):
        return Confidence.LOW
    if context == "deploy":
        if is_strong_placeholder(value, key) or value.isdigit():
            return None
        return Confidence.MEDIUM
    if context == "code" and not quoted:
        return None
    if is_placeholder(value, key) or any(c in value for c in " \t"):
        return None
    bits = entropy(value)
    if context == "code":
        if len(value) < 8 or bits < 3.0:
            return None
    elif len(value) < 6 or (bits < 2.5 and not (len(value) >= 8 and _has_digit_and_alpha(value))):
        return None
    return Confidence.MEDIUM if bits >= 3.5 and len(value) >= 12 else Confidence.LOW


_PW_LAST = frozenset({"password", "passwd", "passwort", "passphrase", "pwd", "pass", "pw"})
_NOT_A_PASSWORD = ("example", "sample", "dummy", "fake", "mock", "placeholder", "lorem",
                   "password", "secret", "token", "changeme", "hunter2", "letmein", "qwerty")
_WEAK_PASSWORDS = frozenset({"test", "testing", "demo", "foo", "bar", "none", "null", "nil",
                             "empty", "unknown", "default"})


def is_password_key(key: str) -> bool:
    """A password-family key (``db_password``, ``storePass``, ``PWD``), whose values are
    human-chosen: entropy says nothing about them."""
    tokens = key_tokens(key)
    return bool(tokens) and (tokens[-1] in _PW_LAST or tokens[-1].endswith(("password", "passwd")))


def judge_password(value: str, words: bool = False) -> Confidence | None:
    """A password literal in configuration, whatever its entropy (``shop123``, ``Pg-Pr0d-7x``),
    unless it is a placeholder, a plain word or label (``files``, ``Passwort``), a sentence,
    a number, a reference or an encrypted value. ``words``: a quoted literal in application
    configuration code, where a lower-case word (``root``, ``postgres``) is the password."""
    v = value.strip()
    if not v or is_strong_placeholder(v):
        return None
    low = v.lower()
    if low in _WEAK_PASSWORDS or any(w in low for w in _NOT_A_PASSWORD):
        return None
    if any(c in v for c in " \t") or v.startswith(("!", "ENC(", "@")) or _CODE_REF.match(v):
        return None
    if len(v) < 4 or v.isdigit():
        return None
    label = v.isalpha() and v[0].isupper() and v[1:].islower()  # Passwort, Contraseña
    if label or (v.isalpha() and v.islower() and not words):  # or a setting: files
        return None
    return Confidence.LOW


def judge_constant(key: str, raw: str, context: str = "code") -> Confidence | None:
    """A PHP ``define()``: long random values (WordPress salts hold spaces and ``<>``) are
    keys whatever characters they use; shorter ones are judged as code literals."""
    value, _ = _unquote(raw.strip())
    if not is_secret_key(key):
        return None
    low = value.lower()
    if len(value) >= 32 and entropy(value) >= 4.5 and "unique phrase" not in low:
        return Confidence.MEDIUM
    return judge(key, raw, "appconfig" if context == "appconfig" else "code")


def _has_digit_and_alpha(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


STRUCTURED_EXT = frozenset({"yml", "yaml", "json", "properties", "ini", "cfg", "conf", "cnf",
                            "toml", "xml", "config", "env", "plist"})


def structured_config(path: str) -> bool:
    """YAML, JSON, INI, properties, XML... where password keys hold human-chosen values."""
    name = path.rsplit("/", 1)[-1].lower()
    return "." in name and name.rsplit(".", 1)[-1] in STRUCTURED_EXT


def scan_line(text: str, start: int, end: int, context: str,
              passwords: bool = False) -> list[GenericHit]:
    """Secret-named assignments on the line ``text[start:end]``; ``passwords`` as in
    :func:`judge`."""
    line = text[start:end]
    out: list[GenericHit] = []
    hcl = context == "hcl"
    if hcl:
        context = "config"
    if context == "docs":
        return out
    if (context != "dockerfile" and "=" not in line and ":" not in line and "<" not in line
            and "define" not in line):
        return out  # no assignment, key, element or constant (a Python ``pass``, ``passed``...)
    if context == "dockerfile":
        m = _DOCKER_ENV.match(line)
        if m:
            conf = judge(m.group("key"), m.group("val"), "deploy")
            if conf:
                out.append(GenericHit(m.group("key"), _clean(m.group("val")), start, "deploy", conf))
            return out
    kname = _K8S_NAME.match(line) if context == "config" else None
    if kname:
        value = _k8s_value_after(text, end)
        if value is not None:
            conf = judge(kname.group("key"), value, "deploy")
            if conf:
                out.append(GenericHit(kname.group("key"), _clean(value), start, "deploy", conf))
        return out
    for m in _ASSIGN.finditer(line):
        if m.group("op") in ("==", "!=") or m.group("val").startswith(":"):
            continue  # a comparison, or a C++/Ruby scope (stop_token::_Stop_state_ref)
        key = m.group("key").rsplit(".", 1)[-1]
        if not is_secret_key(key) or (hcl and not m.group("val").startswith('"')):
            continue
        ctx = _line_context(context, key, m.group("op"), line)
        conf = judge(key, m.group("val"), ctx, passwords)
        if conf:
            out.append(GenericHit(key, _clean(m.group("val")), start, ctx, conf))
    if not out and "(" in line:
        # a literal fallback of an environment read: env('DB_PASSWORD', 'x') (Laravel),
        # os.environ.get('SECRET_KEY', 'x'), os.getenv, ENV.fetch: used whenever the variable
        # is unset
        for e in _ENV_DEFAULT.finditer(line):
            name = e.group("name")
            if is_secret_key(name):
                conf = judge(name, e.group("val"), context if context == "appconfig" else "code")
                if conf:
                    out.append(GenericHit(name, _clean(e.group("val")), start, context, conf))
    if not out and "define" in line:
        for d in _DEFINE.finditer(line):
            conf = judge_constant(d.group("key"), d.group("val"), context)
            if conf:
                out.append(GenericHit(d.group("key"), _clean(d.group("val")), start,
                                      "appconfig" if context == "appconfig" else "code", conf))
    if not out and "value" in line:
        for kv in _KV_ATTR.finditer(line):
            conf = judge(kv.group("key").rsplit(".", 1)[-1], kv.group("val"), "config", passwords)
            if conf:
                out.append(GenericHit(kv.group("key"), _clean(kv.group("val")), start, "config",
                                      conf))
    if not out and "</" in line:
        for x in _XML.finditer(line):
            conf = judge(x.group("key"), x.group("val"), "config", passwords)
            if conf:
                out.append(GenericHit(x.group("key"), x.group("val"), start, "config", conf))
    return out


def _line_context(context: str, key: str, op: str, line: str) -> str:
    if context in ("dockerfile", "deploy"):
        return "deploy"
    if context == "shell":
        return "deploy" if op == "=" and _UPPER_SNAKE.match(key) else "code"
    if context == "config" and _UPPER_SNAKE.match(key) and "_" in key:
        return "deploy"
    return context


def _clean(raw: str) -> str:
    value, _ = _unquote(raw.strip())
    return value.strip()


def _k8s_value_after(text: str, end: int) -> str | None:
    """The ``value:`` of a Kubernetes env entry whose ``name:`` line ends at ``end``."""
    pos = end + 1
    for _ in range(3):
        if pos >= len(text):
            return None
        nxt = text.find("\n", pos)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos:nxt]
        stripped = line.lstrip()
        if stripped.startswith("- ") or stripped.startswith("valueFrom"):
            return None
        m = _K8S_VALUE.match(line)
        if m:
            return m.group("val")
        pos = nxt + 1
    return None
