from __future__ import annotations

from meshward.loaders.compose import interpolate, load_compose, read_dotenv
from meshward.loaders.interface import SourceFile
from meshward.loaders.yamlsrc import iter_yaml_documents

COMPOSE = """\
name: shop
services:
  web:
    image: "shop/web:${TAG:-1.2}"
    ports:
      - "8080:80"
      - 127.0.0.1:5432:5432
      - "[::1]:6001:6001/udp"
      - 22:22
      - 9000
      - target: 443
        published: "8443"
        host_ip: 0.0.0.0
    environment:
      - DB_URL=postgres://db:5432/shop
      - PASSWORD
    networks: [front, back]
    depends_on:
      db:
        condition: service_healthy
    cap_add: [net_admin]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - data:/data
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
      POSTGRES_DB: shop
    networks: [back]
networks:
  front: {}
  back:
    internal: true
"""


def _load(text: str, env: dict[str, str] | None = None):
    src = SourceFile("docker-compose.yml", text)
    doc = next(iter(iter_yaml_documents(text)))
    return load_compose(src, doc, env)


def test_services_ports_env_and_networks() -> None:
    res = _load(COMPOSE)
    assert res.errors == []
    cf = res.compose_files[0]
    web, db = cf.services
    assert web.image == "shop/web:1.2"
    assert [(p.host_ip, p.published, p.target, p.protocol, p.line) for p in web.ports] == [
        ("", "8080", 80, "tcp", 6), ("127.0.0.1", "5432", 5432, "tcp", 7),
        ("::1", "6001", 6001, "udp", 8), ("", "22", 22, "tcp", 9), ("", None, 9000, "tcp", 10),
        ("0.0.0.0", "8443", 443, "tcp", 11)]
    assert [p.on_all_interfaces for p in web.ports] == [True, False, False, True, False, True]
    assert [(e.name, e.value, e.source, e.location.line) for e in web.environment] == [
        ("DB_URL", "postgres://db:5432/shop", "literal", 15), ("PASSWORD", None, "host", 16)]
    assert web.networks == ["front", "back"] and web.depends_on == ["db"]
    assert web.cap_add == ["NET_ADMIN"]
    assert [(v.source, v.target, v.type, v.read_only) for v in web.volumes] == [
        ("/var/run/docker.sock", "/var/run/docker.sock", "bind", True), ("data", "/data", "volume", False)]
    assert [(e.name, e.value, e.source) for e in db.environment] == [
        ("POSTGRES_PASSWORD", "", "interpolated"), ("POSTGRES_DB", "shop", "literal")]
    assert cf.networks["back"].internal and not cf.networks["front"].internal


def test_interpolation_forms() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert interpolate("${SET}-${UNSET:-d}-${EMPTY:-e}-${EMPTY-f}-$SET-$$x", env) == (
        "v-d-e--v-$x", True)
    assert interpolate("${SET:+alt}${UNSET:+no}", env) == ("alt", True)
    assert interpolate("plain", env) == ("plain", False)


def test_dotenv_reading() -> None:
    assert read_dotenv("# c\nA=1\nexport B='two'\nC=\"3\"\nbad line\n") == {"A": "1", "B": "two", "C": "3"}


def test_port_as_word_is_reported() -> None:
    res = _load("services:\n  web:\n    image: x\n    ports:\n      - 'http:80'\n")
    assert [e.render() for e in res.errors] == [
        "docker-compose.yml:5: service web: published port 'http' in 'http:80' is not a number "
        "(ports are numbers or ranges like 8000-8010)"]
