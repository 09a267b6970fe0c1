"""Tools that store passwords in their own configuration: FTP/SFTP clients and editor
plugins, database GUIs, mail clients, browser password stores."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from collections.abc import Iterator
from xml.parsers import expat

from meshward.secrets.files import FileDetector, Found, Parser, plain_ok, unquote
from meshward.secrets.files_dbeaver import DBEAVER
from meshward.secrets.files_home import ini_keys

_JSON_PAIR = re.compile(r"\"(?P<k>[A-Za-z_][\w.\-]*)\"\s*:\s*\"(?P<v>(?:[^\"\\\n]|\\.)*)\"")


def json_keys(keys: tuple[str, ...]) -> Parser:
    """String values of ``keys`` anywhere in a JSON (or JSON-with-comments) file; lines
    commented out with ``//`` are skipped."""
    wanted = frozenset(k.lower() for k in keys)

    def parse(text: str) -> Iterator[Found]:
        for n, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("//") or '"' not in line:
                continue
            for m in _JSON_PAIR.finditer(line):
                if m.group("k").lower() in wanted:
                    value = _json_string(m.group("v"))
                    if plain_ok(value):
                        yield Found(n, value, m.group("k"))

    return parse


def _json_string(body: str) -> str:
    """A JSON string literal's value (escapes decoded; as written when they are invalid)."""
    if "\\" not in body:
        return body
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return body
    return value if isinstance(value, str) else body


class _Xml:
    """Elements and attributes of an XML file with their line numbers (stdlib expat)."""

    def __init__(self, text: str) -> None:
        self.elements: list[tuple[int, str, dict[str, str], str]] = []  # line, tag, attrs, text
        self._stack: list[tuple[int, str, dict[str, str], list[str]]] = []
        p = expat.ParserCreate()
        p.StartElementHandler = lambda tag, attrs: self._stack.append(
            (p.CurrentLineNumber, tag, attrs, []))
        p.CharacterDataHandler = lambda data: self._stack[-1][3].append(data) if self._stack else None
        p.EndElementHandler = self._end
        self.error: tuple[int, str] | None = None
        try:
            p.Parse(text, True)
        except expat.ExpatError as exc:
            self.error = (exc.lineno, expat.errors.messages[exc.code] if exc.code else str(exc))

    def _end(self, _tag: str) -> None:
        line, tag, attrs, chunks = self._stack.pop()
        self.elements.append((line, tag, attrs, "".join(chunks).strip()))


def filezilla(text: str) -> Iterator[Found]:
    """``<Pass>`` of FileZilla servers, plain or ``encoding="base64"``."""
    doc = _Xml(text)
    if doc.error is not None:  # a damaged file still leaks: fall back to the element regex
        for n, line in enumerate(text.splitlines(), start=1):
            for m in re.finditer(r"<Pass(?P<a>[^>]*)>(?P<v>[^<]+)</Pass>", line):
                yield from _pass(n, m.group("v"), "base64" in m.group("a"))
        return
    for at, tag, attrs, value in doc.elements:
        if tag == "Pass" and value:
            yield from _pass(at, value, attrs.get("encoding") == "base64")


def _pass(line: int, value: str, b64: bool) -> Iterator[Found]:
    if b64:
        with contextlib.suppress(binascii.Error, ValueError):
            value = base64.b64decode(value, validate=True).decode("utf-8", "replace")
    if plain_ok(value):
        yield Found(line, value, "Pass")


_PW_ATTR = frozenset({"password", "pass", "passwd", "pwd"})
_PW_ELEM = _PW_ATTR | {"passphrase", "privatekey", "secret", "apitoken", "secretkey"}
_URL_PW = re.compile(r"[?&;](?:password|pwd)=(?P<v>[^&;<\s]+)", re.IGNORECASE)


def xml_passwords(text: str) -> Iterator[Found]:
    """JetBrains ``WebServers.xml`` / ``dataSources*.xml`` and similar: ``password``
    attributes, ``<password>`` elements, ``password=`` in a JDBC URL element."""
    doc = _Xml(text)
    for line, tag, attrs, value in doc.elements:
        for name, v in attrs.items():
            if name.lower() in _PW_ATTR and plain_ok(v):
                yield Found(line, v, f"{tag}@{name}")
        if tag.lower() in _PW_ELEM and value and plain_ok(value):
            yield Found(line, value, tag)
        m = _URL_PW.search(value) if "url" in tag.lower() else None
        if m and plain_ok(m.group("v")):
            yield Found(line, m.group("v"), f"{tag}.password")


_SPACED = re.compile(r"^\s*(?:set\s+)?(?P<k>password|passwd|pass|passwordeval)\s+(?P<v>\"[^\"]*\"|'[^']*'|\S+)")


def spaced_password(text: str) -> Iterator[Found]:
    """``password VALUE`` lines of esmtp/msmtp/fetchmail configurations."""
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        m = _SPACED.match(line)
        if m and m.group("k") != "passwordeval":
            value = unquote(m.group("v"))
            if plain_ok(value):
                yield Found(n, value, m.group("k"))
        for fm in re.finditer(r"\bpassword\s+(\"[^\"]*\"|'[^']*')", line) if not m else ():
            value = unquote(fm.group(1))
            if plain_ok(value):
                yield Found(n, value, "password")


_CLIENT_HISTORY = (
    re.compile(r"^\s*AUTH\s+(?:\S+\s+)?(?P<v>\S+)\s*$", re.IGNORECASE),  # redis-cli
    re.compile(r"\bpwd\s*:\s*(?P<v>\"[^\"]*\"|'[^']*')"),  # mongo createUser
    re.compile(r"\.auth\(\s*[\"'][^\"']+[\"']\s*,\s*(?P<v>\"[^\"]*\"|'[^']*')"),  # db.auth
)


def client_history(text: str) -> Iterator[Found]:
    """redis-cli ``AUTH pw``; mongo shell ``db.auth("u", "pw")``, ``createUser({pwd: ...})``."""
    for n, line in enumerate(text.splitlines(), start=1):
        for rx in _CLIENT_HISTORY:
            m = rx.search(line)
            if m and plain_ok(unquote(m.group("v"))):
                yield Found(n, unquote(m.group("v")), "password")
                break


def ircservers(text: str) -> Iterator[Found]:
    """HexChat ``servlist.conf``: ``P=`` is a network's server password."""
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("P=") and plain_ok(line[2:]):
            yield Found(n, line[2:], "P")


_MUTT = re.compile(r"^\s*set\s+(?P<k>\w*pass(?:word)?)\s*=\s*(?P<v>\"[^\"]*\"|'[^']*'|\S+)")


def muttrc(text: str) -> Iterator[Found]:
    """``set imap_pass = ...`` / ``smtp_pass`` in mutt and neomutt configurations."""
    for n, line in enumerate(text.splitlines(), start=1):
        m = _MUTT.match(line)
        if m:
            value = unquote(m.group("v"))
            if plain_ok(value):
                yield Found(n, value, m.group("k"))


def _t(id: str, title: str, parse: Parser, names: tuple[str, ...] = (),
       paths: tuple[str, ...] = (), ref: str = "", example: str = "",
       needs: tuple[str, ...] = ()) -> FileDetector:
    return FileDetector(id=id, family="tool-config", title=title, parse=parse, names=names,
                        paths=paths, reference=ref, example=example, needs=needs)


_FTP_KEYS = ("password", "pass", "passphrase", "ftp_password", "sftp_password")

TOOLS = (
    _t("filezilla", "FileZilla site manager / recent servers password", filezilla,
       names=("sitemanager.xml", "recentservers.xml", "filezilla.xml"),
       ref="FileZilla sitemanager.xml <Pass encoding=\"base64\">",
       example='<Pass encoding="base64">cGFzc3dvcmQ=</Pass>'),
    _t("winscp", "WinSCP stored session password", ini_keys(
        ("Password", "ProxyPassword", "TunnelPassword"), "Sessions\\"),
       names=("winscp.ini",), ref="WinSCP configuration: [Sessions\\...] Password (obfuscated)",
       example="Password=A35C4D..."),
    _t("editor-sftp", "Editor FTP/SFTP plugin password (Sublime SFTP, Atom, VS Code)",
       json_keys(_FTP_KEYS),
       names=("sftp-config.json", "sftp-settings.json", ".ftpconfig", ".remote-sync.json",
              "deployment-config.json", ".ftppass"),
       paths=("*/.vscode/sftp.json",),
       ref="Sublime SFTP sftp-config.json, Atom remote-ftp .ftpconfig, remote-sync, VS Code SFTP",
       example='"password": "<password>"'),
    _t("jetbrains-servers", "JetBrains deployment server / data source password", xml_passwords,
       names=("webservers.xml", "datasources.xml", "datasources.local.xml", "sshconfigs.xml"),
       ref="JetBrains .idea/WebServers.xml fileTransfer@password, dataSources.xml jdbc-url",
       example='<fileTransfer host="ftp.corp.net" login="deploy" password="..."/>'),
    _t("db-gui", "Database GUI saved connection password (DBeaver, Robo 3T, Studio 3T)",
       json_keys(("password", "userPassword", "sshUserPassword", "sshPassphrase",
                  "sshPassword")),
       names=("data-sources*.json", "robomongo.json", "robo3t.json",
              "studio3t.json"),
       ref="DBeaver data-sources.json configuration.password; Robomongo credentials.userPassword",
       example='"userPassword" : "<password>"'),
    _t("mail-client", "Mail client password (esmtp, msmtp, fetchmail)", spaced_password,
       names=(".esmtprc", "esmtprc", ".msmtprc", "msmtprc", ".fetchmailrc", "fetchmailrc"),
       ref="esmtprc(5), msmtp(1), fetchmail(1)", example='password "<password>"'),
    _t("muttrc", "Mutt IMAP/SMTP/POP password", muttrc,
       names=(".muttrc", "muttrc", "*.muttrc", ".neomuttrc", "neomuttrc"),
       ref="muttrc(5) imap_pass, smtp_pass, pop_pass", example='set imap_pass = "<password>"'),
    _t("db-client-history", "Password typed in a database shell (redis-cli, mongo)",
       client_history, names=(".rediscli_history", ".dbshell", "mongosh_repl_history"),
       ref="redis AUTH; MongoDB db.auth() / createUser({pwd})", example="AUTH <password>"),
    _t("build-tool-settings", "Build tool / CI server stored password (Maven, Jenkins)",
       xml_passwords, paths=("*/.m2/settings.xml", "*/jenkins*/credentials.xml",
                             "*/.jenkins/credentials.xml"),
       names=("credentials.xml",),
       needs=("<password>", "<passphrase>", "<privatekey>", "<secret>", "<apitoken>"),
       ref="Maven settings.xml <server><password>; Jenkins credentials.xml (decryptable with "
           "secrets/master.key)", example="<password>...</password>"),
    _t("composer-auth", "Composer auth.json registry credentials",
       json_keys(("password", "github.com", "gitlab.com", "token", "consumer-secret")),
       names=("auth.json",),
       needs=("http-basic", "github-oauth", "gitlab-token", "gitlab-oauth", "bitbucket-oauth",
              "bearer"),
       ref="Composer: authentication for privately hosted packages (auth.json)",
       example='"http-basic": {"repo.corp.net": {"username": "u", "password": "..."}}'),
    _t("irc-client", "IRC client server password (HexChat)", ircservers,
       names=("servlist.conf", "servlist_.conf"), ref="HexChat servlist.conf P= lines",
       example="P=<password>"),
    FileDetector(id="azure-cli-tokens", family="credential-file",
                 title="Azure CLI token cache / service principal secrets",
                 parse=json_keys(("accessToken", "refreshToken", "secret", "client_secret",
                                  "servicePrincipalSecret")),
                 paths=("*/.azure/accesstokens.json", "*/.azure/msal_token_cache.json",
                        "*/.azure/service_principal_entries.json"),
                 reference="Azure CLI ~/.azure: accessTokens.json (CLI < 2.30), MSAL token cache, "
                           "service_principal_entries.json", example='"secret": "<refresh token>"'),
    FileDetector(id="gcloud-adc", family="credential-file",
                 title="Google Cloud application default / legacy credentials",
                 parse=json_keys(("refresh_token", "private_key", "client_secret")),
                 names=("application_default_credentials.json", "adc.json"),
                 paths=("*/gcloud/legacy_credentials/*/adc.json",),
                 reference="gcloud auth application-default login: "
                           "~/.config/gcloud/application_default_credentials.json",
                 example='"refresh_token": "1//0g..."'),
    FileDetector(id="docker-config-tokens", family="credential-file",
                 title="Docker CLI identity / registry tokens",
                 parse=json_keys(("identitytoken", "registrytoken", "password")),
                 names=(".dockercfg",), paths=("*/.docker/config.json",),
                 reference="docker login: ~/.docker/config.json auths (auth is MW901 "
                           "docker-config-auth)", example='"identitytoken": "<token>"'),
    _t("firefox-logins", "Firefox saved logins (decryptable with key4.db)",
       json_keys(("encryptedPassword",)), names=("logins.json", "signons.json"),
       ref="Firefox profile logins.json: encryptedPassword, key in key4.db (no primary password "
           "by default)", example='"encryptedPassword":"MEIEEPgAAA..."'),
    DBEAVER,
)

__all__ = ["TOOLS", "json_keys", "xml_passwords"]
