"""Docker Compose files (the compose specification), with ``${VAR:-x}`` interpolation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.loaders.interface import LoadResult, SourceFile
from meshward.loaders.yamlsrc import Document
from meshward.model.compose import (
    ComposeFile,
    ComposeNetwork,
    ComposePort,
    ComposeService,
    ComposeVolume,
)
from meshward.model.kubernetes import EnvVar
from meshward.model.source import Location, YMap, as_map, as_seq, line_of

_VAR = re.compile(
    r"\$(?:(?P<esc>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


_NUMBER = re.compile(r"[0-9]{1,5}")


def _is_number(text: str) -> bool:
    """An ASCII port number (``str.isdigit`` also accepts ``²`` and other digits)."""
    return _NUMBER.fullmatch(text) is not None


def looks_like_compose(value: Any, path: str) -> bool:
    if not isinstance(value, dict) or "apiVersion" in value or "kind" in value:
        return False
    services = value.get("services")
    if isinstance(services, dict) and services:
        return all(isinstance(v, dict) or v is None for v in services.values())
    name = Path(path).name.lower()
    return name.startswith(("docker-compose", "compose")) and isinstance(services, dict)


def read_dotenv(text: str) -> dict[str, str]:
    """``KEY=value`` lines of a ``.env`` file (quotes removed, comments ignored)."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def interpolate(text: str, env: dict[str, str]) -> tuple[str, bool]:
    """Compose interpolation. Returns the value and whether it referred to variables."""
    used = False

    def sub(m: re.Match[str]) -> str:
        nonlocal used
        if m.group("esc"):
            return "$"
        used = True
        name = m.group("braced") or m.group("named") or ""
        op, arg = m.group("op") or "", m.group("arg") or ""
        value = env.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                return arg
        elif op in (":+", "+"):
            return arg if value is not None and (op == "+" or value != "") else ""
        return value or ""

    return _VAR.sub(sub, text), used


def _port(value: Any, line: int, errors: list[InputError], path: str, svc: str) -> list[ComposePort]:
    if isinstance(value, dict):
        target = value.get("target")
        published = value.get("published")
        if target is not None and (isinstance(target, bool) or not _is_number(str(target))):
            errors.append(InputError(path, line, f"service {svc}: port target {target!r} is not a number"))
            return []
        return [ComposePort(int(target) if target is not None else None,
                            None if published in (None, "") else str(published),
                            str(value.get("host_ip") or ""), str(value.get("protocol") or "tcp"),
                            line_of(value, line), raw=str(dict(value)))]
    raw = str(value)
    text, _, proto = raw.partition("/")
    host_ip = ""
    if text.startswith("["):
        end = text.find("]")
        host_ip, text = text[1:end], text[end + 2:]
    parts = text.split(":")
    if len(parts) == 3:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    elif len(parts) == 1:
        published, target = "", parts[0]
    else:
        errors.append(InputError(path, line, f"service {svc}: cannot read port {raw!r}",
                                 "use [HOST:]PUBLISHED:TARGET[/PROTOCOL]"))
        return []
    first = target.split("-")[0]
    pub_first = (published or "").split("-")[0]
    if pub_first and not _is_number(pub_first):
        errors.append(InputError(path, line, f"service {svc}: published port {published!r} in "
                                 f"{raw!r} is not a number", "ports are numbers or ranges like 8000-8010"))
        return []
    if not _is_number(first):
        errors.append(InputError(path, line, f"service {svc}: port {raw!r} is not a number",
                                 "ports are numbers or ranges like 8000-8010"))
        return []
    return [ComposePort(int(first), published or None, host_ip, proto or "tcp", line, raw=raw)]


def _str_list(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            if isinstance(v, dict):
                out.append(str(v.get("source") or v.get("path") or ""))
            elif v is not None:
                out.append(str(v))
        return out
    return [str(value)] if value else []


def _environment(svc: YMap, path: str, env: dict[str, str]) -> list[EnvVar]:
    raw = svc.get("environment")
    out: list[EnvVar] = []
    if isinstance(raw, dict):
        lines = raw.key_lines if isinstance(raw, YMap) else {}
        items = [(str(k), None if v is None else str(v), lines.get(str(k), 0)) for k, v in raw.items()]
    else:
        seq = as_seq(raw)
        items = []
        for i, item in enumerate(seq):
            key, sep, val = str(item).partition("=")
            items.append((key, val if sep else None, seq.line_at(i)))
    for key, value, line in items:
        if value is None:
            out.append(EnvVar(key, None, "host", Location(path, line)))
            continue
        resolved, used = interpolate(value, env)
        out.append(EnvVar(key, resolved, "interpolated" if used else "literal", Location(path, line)))
    return out


def _volumes(svc: YMap) -> list[ComposeVolume]:
    out: list[ComposeVolume] = []
    seq = as_seq(svc.get("volumes"))
    for i, item in enumerate(seq):
        line = seq.line_at(i)
        if isinstance(item, dict):
            out.append(ComposeVolume(str(item.get("source") or ""), str(item.get("target") or ""),
                                     str(item.get("type") or "volume"), bool(item.get("read_only")),
                                     line))
            continue
        parts = str(item).split(":")
        if len(parts) == 1:
            out.append(ComposeVolume("", parts[0], "volume", False, line))
            continue
        source, target = parts[0], parts[1]
        mode = parts[2] if len(parts) > 2 else ""
        kind = "bind" if source.startswith(("/", ".", "~", "$")) else "volume"
        out.append(ComposeVolume(source, target, kind, "ro" in mode.split(","), line))
    return out


def _service(name: str, body: YMap, path: str, env: dict[str, str],
             errors: list[InputError]) -> ComposeService:
    cs = ComposeService(name=name, path=path, body=body)

    def text(key: str) -> str:
        v = body.get(key)
        return interpolate(str(v), env)[0] if v is not None else ""

    cs.image = text("image")
    build = body.get("build")
    if isinstance(build, dict):
        cs.build_context = str(build.get("context") or ".")
        cs.dockerfile = str(build.get("dockerfile") or "")
    elif build is not None:
        cs.build_context = str(build)
    seq = as_seq(body.get("ports"))
    for i, item in enumerate(seq):
        value = item if isinstance(item, dict) else interpolate(str(item), env)[0]
        cs.ports.extend(_port(value, seq.line_at(i), errors, path, name))
    for item in as_seq(body.get("expose")):
        first = str(item).split("/")[0].split("-")[0]
        if _is_number(first):
            cs.expose.append(int(first))
    cs.networks = _str_list(body.get("networks"))
    cs.network_mode = text("network_mode")
    cs.environment = _environment(body, path, env)
    cs.env_files = _str_list(body.get("env_file"))
    cs.volumes = _volumes(body)
    cs.depends_on = _str_list(body.get("depends_on"))
    cs.links = [link.split(":")[0] for link in _str_list(body.get("links"))]
    cs.secrets = _str_list(body.get("secrets"))
    cs.configs = _str_list(body.get("configs"))
    cs.cap_add = [c.upper() for c in _str_list(body.get("cap_add"))]
    cs.cap_drop = [c.upper() for c in _str_list(body.get("cap_drop"))]
    cs.privileged = body.get("privileged") is True or str(body.get("privileged")).lower() == "true"
    cs.user = text("user")
    cs.pid = text("pid")
    cs.ipc = text("ipc")
    cs.read_only = body.get("read_only") is True
    cs.security_opt = _str_list(body.get("security_opt"))
    logging = as_map(body.get("logging"))
    cs.logging_driver = str(logging.get("driver") or "")
    health = as_map(body.get("healthcheck"))
    cs.has_healthcheck = bool(health) and not health.get("disable")
    replicas = as_map(body.get("deploy")).get("replicas")
    cs.replicas = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else None
    cs.hostname = text("hostname")
    labels = body.get("labels")
    if isinstance(labels, dict):
        cs.labels = {str(k): str(v) for k, v in labels.items()}
    else:
        cs.labels = {k: v for k, _, v in (str(x).partition("=") for x in as_seq(labels))}
    return cs


def load_compose(src: SourceFile, doc: Document, env: dict[str, str] | None = None) -> LoadResult:
    out = LoadResult()
    body = doc.value if isinstance(doc.value, YMap) else as_map(doc.value)
    env = dict(env or {})
    cf = ComposeFile(path=src.path, body=body, project=str(body.get("name") or ""))
    for name, raw in as_map(body.get("networks")).items():
        net = as_map(raw)
        cf.networks[name] = ComposeNetwork(name, net.get("internal") is True,
                                           bool(net.get("external")), str(net.get("driver") or ""),
                                           body["networks"].line_of(name)
                                           if isinstance(body.get("networks"), YMap) else 0)
    services = body.get("services")
    if not isinstance(services, dict):
        out.errors.append(InputError(src.path, body.line_of("services"), "`services` must be a mapping"))
        return LoadResult(errors=out.errors)
    for name, raw in services.items():
        if raw is None:
            raw = YMap()
        if not isinstance(raw, dict):
            out.errors.append(InputError(src.path, services.line_of(name) if isinstance(services, YMap)
                                         else 0, f"service {name} must be a mapping"))
            continue
        svc_body = raw if isinstance(raw, YMap) else as_map(raw)
        if not svc_body.line and isinstance(services, YMap):
            svc_body.line = services.line_of(name)
        cf.services.append(_service(str(name), svc_body, src.path, env, out.errors))
    out.compose_files.append(cf)
    return out
