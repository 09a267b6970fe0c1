"""``.meshward.yaml`` or ``[tool.meshward]`` in pyproject.toml: the project's settings."""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.loaders.yamlsrc import ParseError, iter_yaml_documents
from meshward.model.source import line_of

CONFIG_NAMES = (".meshward.yaml", ".meshward.yml")


@dataclass(frozen=True)
class Ignore:
    """A suppression from the config file; it must say why, and may expire."""

    rule: str  # a rule id or a glob of ids ("MW1*"), "*" for all
    reason: str
    path: str = ""  # glob on the finding's file path
    resource: str = ""  # glob on "Kind/namespace/name"
    service: str = ""
    expires: dt.date | None = None
    line: int = 0
    source: str = ""

    def matches(self, rule_id: str, path: str, resource: str, service: str) -> bool:
        if not fnmatch.fnmatchcase(rule_id.upper(), self.rule.upper()):
            return False
        if self.path and not (fnmatch.fnmatch(path, self.path)
                              or fnmatch.fnmatch(path, f"*/{self.path}")):
            return False
        if self.resource and not fnmatch.fnmatch(resource, self.resource):
            return False
        return not (self.service and not fnmatch.fnmatch(service, self.service))

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass
class Config:
    path: str = ""
    ignores: list[Ignore] = field(default_factory=list)
    disabled_rules: set[str] = field(default_factory=set)
    registries: list[str] = field(default_factory=list)  # empty: no allowlist configured
    exclude: list[str] = field(default_factory=list)
    fail_on: str = ""
    gateways: list[str] = field(default_factory=list)  # names of services that are the API gateway
    jwt_max_lifetime_hours: int = 24
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)


def find_config(start: Path) -> Path | None:
    """The nearest config at ``start`` or above it (stopping at a git root)."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        py = folder / "pyproject.toml"
        if py.is_file() and "[tool.meshward]" in py.read_text(encoding="utf-8", errors="replace"):
            return py
        if (folder / ".git").exists():
            break
    return None


def load_config(path: Path | None) -> Config:
    """Read a config file; problems become input errors, never exceptions."""
    if path is None:
        return Config()
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return Config(path=shown, errors=[InputError(shown, 0, f"cannot read config: {exc.strerror}")])
    data: Any
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("meshward", {})
        except tomllib.TOMLDecodeError as exc:
            return Config(path=shown, errors=[InputError(shown, 0, f"invalid TOML: {exc}")])
    else:
        try:
            docs = list(iter_yaml_documents(text))
        except ParseError as exc:
            return Config(path=shown, errors=[InputError(shown, exc.line, f"invalid YAML: {exc.message}")])
        data = docs[0].value if docs else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Config(path=shown, errors=[InputError(shown, 1, "the config must be a mapping")])
    return _from_mapping(data, shown)


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return []


def _from_mapping(data: dict[str, Any], shown: str) -> Config:
    cfg = Config(path=shown, raw=dict(data))
    cfg.registries = _str_list(data.get("registries") or data.get("allowed_registries"))
    cfg.exclude = _str_list(data.get("exclude"))
    cfg.disabled_rules = {r.upper() for r in _str_list(data.get("disable"))}
    cfg.gateways = _str_list(data.get("gateways"))
    fail_on = data.get("fail_on") or data.get("fail-on")
    cfg.fail_on = str(fail_on) if fail_on else ""
    lifetime = data.get("jwt_max_lifetime_hours")
    if isinstance(lifetime, int) and lifetime > 0:
        cfg.jwt_max_lifetime_hours = lifetime
    raw_ignores = data.get("ignore") or []
    if not isinstance(raw_ignores, list):
        cfg.errors.append(InputError(shown, line_of(raw_ignores, 1), "`ignore` must be a list"))
        raw_ignores = []
    for item in raw_ignores:
        line = line_of(item)
        if not isinstance(item, dict):
            cfg.errors.append(InputError(shown, line, "each ignore must be a mapping with rule and reason"))
            continue
        rule_id = str(item.get("rule") or item.get("id") or "").strip()
        reason = str(item.get("reason") or "").strip()
        if not rule_id:
            cfg.errors.append(InputError(shown, line, "ignore without `rule`", "name a rule id or `*`"))
            continue
        if not reason:
            cfg.errors.append(InputError(shown, line, f"ignore of {rule_id} has no `reason`",
                                         "say why the finding is accepted"))
            continue
        expires: dt.date | None = None
        raw_exp = item.get("expires")
        if raw_exp:
            try:
                expires = dt.date.fromisoformat(str(raw_exp)[:10])
            except ValueError:
                cfg.errors.append(InputError(shown, line, f"ignore expiry {raw_exp!r} is not a date",
                                             "write it as YYYY-MM-DD"))
                continue
        cfg.ignores.append(Ignore(
            rule=rule_id, reason=reason, path=str(item.get("path") or ""),
            resource=str(item.get("resource") or ""), service=str(item.get("service") or ""),
            expires=expires, line=line, source=shown,
        ))
    return cfg
