"""What is not a secret: placeholders, references, templates, hashes, UUIDs, test paths.

Two strengths: *strong* placeholders are never secrets anywhere (``${VAR}``,
``<password>``, ``xxxx``, ``changeme``); *weak* ones (``example``, ``dummy``,
``test``...) are dropped in code and config, but a literal that a deployment
file actually hands to a container is a deployed secret whatever it reads.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TEMPLATE = re.compile(
    r"\$\{|\$\(|\{\{|\}\}|\{%|<%|#\{|%\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^@@.*@@$|^__.*__$"
    r"|^\[\[.*\]\]$|%s|\{\d*\}|^\{[a-z_]+\}$|^:[a-z_]+$",
)
_REFERENCE = re.compile(
    r"^(?:ENC\[|ENC\(|vault:|ref\+|op://|awssm:|arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):"
    r"|projects/[^/]+/secrets/|sm://|gcp:|azurekeyvault|@microsoft\.keyvault|secretref|"
    r"k8s://|file://|/run/secrets/|/var/run/secrets/|/etc/|/var/|/tmp/|~/|\./|\.\./)",
    re.IGNORECASE,
)
_ANGLE = re.compile(r"^<[^<>]*>$|^\[[A-Za-z _-]+\]$|^\([A-Za-z _-]+\)$")
_REPEATED = re.compile(r"^(.)\1{2,}$|x{4,}|X{4,}|\*{3,}|•{3,}|\.{3}|…|^0+$|^(?:abc|123|qwe)")
_BOOLEAN = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil",
                      "undefined", "enabled", "disabled", "required", "optional", "empty",
                      "string", "str", "int", "bool", "secret", "password", "token", "value",
                      "default", "auto", "random", "generated", "redacted", "hidden", "masked",
                      "unset", "nan", "n/a", "na", "tbd", "todo", "fixme", "pass", "passwd",
                      "pwd", "user", "username", "admin:admin", "key", "apikey", "api_key"})
_REGEX = re.compile(r"\.\*|\\[dswDSW.]|\(\?|\[\^|\.\+|\{\d+,\d*\}")
_CAMEL_WORDS = re.compile(r"^(?:[A-Z]{2,5}(?=[A-Z][a-z]|$)|[A-Z]?[a-z]{2,})+$")
_IDENTIFIER = re.compile(r"^[A-Za-z]+(?:[_.\-][A-Za-z]+\d*)*$")  # storage_v1_client
_STRONG_WORDS = ("changeme", "change_me", "change-me", "changeit", "replaceme", "replace_me",
                 "replace-me", "replace_with", "your_", "your-", "yourpassword", "yoursecret",
                 "yourtoken", "yourkey", "insert_", "insert-", "put_your", "enter_your",
                 "placeholder", "redacted", "notasecret", "not_a_secret", "not-a-secret",
                 "_here", "-here", "<", ">", "data+omitted")  # kubectl config view
_WEAK_WORDS = ("example", "sample", "dummy", "fake", "mock", "test", "demo", "foo", "bar",
               "lorem", "ipsum", "default", "anonymous", "password", "secret", "token", "fixme", "todo",
               "none", "empty", "invalid", "abcdef", "12345", "qwerty", "letmein", "hunter2")
_HASH = re.compile(
    r"^(?:\$(?:2[abxy]?|5|6|argon2(?:id|i|d)?|pbkdf2[-\w]*|scrypt|apr1|y|sha1)\$"
    r"|\{(?:SSHA|SHA|SSHA256|SSHA512|MD5|CRYPT|BCRYPT)\}|(?:sha1|sha256|sha384|sha512|md5)[:-])",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX_DIGEST = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}"
                         r"|[0-9a-f]{128})$")
# a version range, date or address (``3.0-3.12``), a command-line option (``--username=``)
# a lower-case file path (/path/to/key), a file glob (*.pkpass)
_NOT_WORDS = re.compile(r"^[\d.\-:/]+$|^--?[A-Za-z][A-Za-z\-]*=?$|^~?/(?:[a-z0-9_.\-]+/)+[a-z0-9_.\-]*$"
                        r"|^(?:[a-z0-9_.\-]+/){2,}[a-z0-9_.\-]+$"
                        r"|^\*\.[\w.]+$|^[\[({][^\])}]*$")  # and an unclosed bracket: a fragment
_VAR_ECHO = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CODE_REF = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?$"
                       r"|^[A-Za-z_][A-Za-z0-9_.]*\(.*\)$")
# Values that look like secrets but are published with their software: reporting them would
# only be noise (the Google Cloud SDK's installed-app OAuth client secret, in every
# application_default_credentials.json it writes).
PUBLIC_VALUES = frozenset({"d-FL95Q19q7MQmFpd7hHD0Ty"})
TEST_DIRS = frozenset({"test", "tests", "testdata", "test_data", "fixtures", "fixture",
                       "__tests__", "__mocks__", "mocks", "mock", "spec", "specs", "testing",
                       "e2e", "examples", "example", "samples", "sample", "docs", "doc"})
_TEST_FILE = re.compile(r"(?:^test_.*|.*_test\.[a-z]+|.*\.(?:test|spec)\.[a-z]+|.*Test\.java"
                        r"|.*Tests?\.cs|conftest\.py)$")


def is_strong_placeholder(value: str, key: str = "") -> bool:
    """Never a secret: empty, templated, a reference, a masked value, a ``<hole>``."""
    v = value.strip()
    if len(v) < 3:
        return True
    low = v.lower()
    if low in _BOOLEAN or _TEMPLATE.search(v) or _REFERENCE.search(v) or _ANGLE.search(v):
        return True
    if _REPEATED.search(v) or any(w in low for w in _STRONG_WORDS):
        return True
    if _VAR_ECHO.match(v) and (v.endswith(("_VAL", "_VALUE", "_HERE", "_PLACEHOLDER"))
                               or (key and key.upper() in v)):
        return True
    return bool(_HASH.search(v))


def is_placeholder(value: str, key: str = "") -> bool:
    """Strong placeholders plus example/dummy/test words, UUIDs, digests and plain numbers."""
    if is_strong_placeholder(value, key):
        return True
    v = value.strip()
    low = v.lower()
    if any(w in low for w in _WEAK_WORDS):
        return True
    if _UUID.match(v) or _HEX_DIGEST.match(v) or _NOT_WORDS.match(v) or _REGEX.search(v):
        return True
    if _CODE_REF.match(v):
        return True
    return looks_like_identifier(v)


def looks_like_identifier(v: str) -> bool:
    """A word, ``camelCase`` or ``snake_case`` name (a constant or field), not random letters."""
    v = v.lstrip("_")  # a private name: _DSAPrivateKey
    if not _IDENTIFIER.match(v):
        return False
    letters = [c for c in v if c.isalpha()]
    uppers = sum(1 for c in letters if c.isupper())
    if uppers == len(letters):
        return "_" in v or "-" in v or len(v) <= 12
    # CamelCase with acronyms (DSAPrivateKey, HTTPBasicAuth): each part a word or acronym
    return uppers <= max(2, len(letters) // 5) or bool(_CAMEL_WORDS.match(v))


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def is_test_path(path: str) -> bool:
    """A test, fixture, example or documentation file, where generic matches are not kept."""
    parts = path.split("/")  # string work: this runs once per scanned file
    if any(part.lower() in TEST_DIRS for part in parts[:-1]):
        return True
    return bool(_TEST_FILE.match(parts[-1]))


# --- secret-named keys -------------------------------------------------------------------

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_STRONG_TOKENS = ("password", "passwd", "passphrase", "secret", "apikey", "accesskey",
                  "privatekey", "secretkey", "authtoken", "accesstoken", "credential",
                  "clientsecret", "apitoken", "bearertoken", "refreshtoken", "sessionkey")
# "salt" last: WordPress AUTH_SALT/NONCE_SALT, Flask SECURITY_PASSWORD_SALT, Hashids salts
_SHORT = frozenset({"pass", "pwd", "pw", "token", "creds", "passwort", "pat", "psk", "salt"})
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "signing", "encryption",
                             "master", "auth", "account", "app", "client", "webhook", "hmac",
                             "session", "jwt", "crypto", "consumer", "license", "storage",
                             "admin", "root", "service", "sign", "enc", "shared", "cookie"})
_NOT_SECRET = frozenset({
    "name", "names", "file", "files", "path", "paths", "dir", "directory", "url", "uri", "urls",
    "endpoint", "host", "length", "len", "size", "type", "types", "enabled", "enable", "disabled",
    "ttl", "timeout", "expiry", "expires", "expiration", "expire", "policy", "policies", "regex",
    "pattern", "field", "fields", "header", "prefix", "suffix", "id", "ids", "format", "count",
    "min", "max", "mode", "ref", "refs", "rotation", "version", "hash", "hashed", "digest",
    "algorithm", "alg", "provider", "store", "manager", "method", "reset", "label", "hint",
    "description", "desc", "message", "msg", "error", "valid", "validation", "validator",
    "strength", "char", "chars", "required", "kind", "location", "template", "env", "var",
    "variable", "arn", "existing", "source", "from", "mount", "volume", "key_ref", "selector",
    "class", "generator", "secrets", "tokens", "passwords", "keys", "reference", "lookup",
    "placeholder", "example", "param", "parameter", "question", "prompt", "input", "output",
    "list", "map", "rule", "rules", "check", "checks", "scope", "scopes", "usage", "used",
    "email", "issuer", "audience", "allow", "allowed", "deny",
    "forgot", "confirm", "confirmation", "show", "hide",
    "visible", "widget", "form", "storage_class", "encoding", "bytes",
    "bits", "annotation", "annotations", "env_var", "envvar", "resource", "resources",
    "backend", "engine", "path_prefix", "mapping", "keyring", "index", "position",
    "cache", "exists", "present", "missing", "invalid", "expired", "regexp",
    "handler", "request", "response", "response_type", "grant",
    "introspection", "revocation", "refresh_interval", "interval", "period", "duration",
    # a command that fetches the secret (AWS credential_process, git credential.helper,
    # password_command), not the secret
    "process", "helper", "command", "cmd",
    # systemd ConditionCredential=, ImportCredential=, LoadCredential= name a credential
    "condition", "import", "load", "set",
})
_NOT_SECRET_JOINED = ("secretname", "secretref", "keyref", "existingsecret", "secretkeyref",
                      "secretfile", "passwordfile", "tokenfile", "secretpath", "tokenpath",
                      "secretsmanager", "passwordpolicy", "tokenurl", "tokentype", "secretstore",
                      "passwordreset", "secretprovider", "secretversion", "tokenizer",
                      "tokenendpoint", "passwordless", "bypass", "compass", "passthrough",
                      "passenger", "passive", "keypass", "passwordeval", "passwordencryption", "notsosecret",
                      # keys that browsers are given: public by design
                      "pusherappkey", "publishablekey", "sitekey")


def key_tokens(key: str) -> list[str]:
    return [t.lower() for t in _SPLIT.split(_CAMEL.sub("_", key)) if t]


@lru_cache(maxsize=8192)
def is_secret_key(key: str) -> bool:
    """Does this variable, field or data key name a secret (and not its name, file or policy)?"""
    if not key or len(key) > 80:
        return False
    tokens = key_tokens(key)
    if not tokens:
        return False
    joined = "".join(tokens)
    if any(j in joined for j in _NOT_SECRET_JOINED) and not joined.endswith("keypassword"):
        return False
    for i, t in enumerate(tokens):
        # "store" names a key store in storePassword / key-store-password, not a setting
        if t in _NOT_SECRET and not (t == "store" and tokens[i + 1:i + 2] in (["password"],
                                                                             ["pass"])):
            return False
    for i, t in enumerate(tokens):
        if any(s in t for s in _STRONG_TOKENS):
            return True
        if t in _SHORT and i == len(tokens) - 1:
            return True
        if t == "key" and i > 0 and tokens[i - 1] in _KEY_QUALIFIERS:
            return True
        if t.endswith("key") and t[:-3] in _KEY_QUALIFIERS:
            return True
        if t.endswith(("pass", "pwd", "token")) and len(t) <= 14 and i == len(tokens) - 1:
            return True
    return False
