"""Well-known ports and images: admin/debug surfaces and datastores, with their names.

Shared by the exposure rules. A datastore is recognised by its image (the last path
component of the repository, split into words) or by the port it listens on; an admin
or debug surface by its port number or by the name given to the port.
"""

from __future__ import annotations

import re
from functools import cache

from meshward.model.images import written_name

# Ports that give an operator (or an attacker) control or insight, not a product API.
# 8081 is deliberately absent: it is as often a plain application port as a Spring Boot
# management port, so the actuator is recognised by port name instead.
ADMIN_PORTS: dict[int, str] = {
    22: "SSH",
    23: "Telnet",
    2375: "Docker API (plaintext, unauthenticated)",
    2376: "Docker API (TLS)",
    2345: "Delve debugger",
    4848: "GlassFish admin console",
    5005: "Java debugger (JDWP)",
    5858: "Node.js legacy debugger",
    6060: "Go pprof/debug endpoint",
    8778: "Jolokia JMX-over-HTTP",
    9010: "JMX remote",
    1099: "JMX/RMI registry",
    9090: "Prometheus API",
    9093: "Alertmanager API",
    9100: "node-exporter metrics",
    9229: "Node.js inspector",
    9901: "Envoy admin",
    10250: "kubelet API",
    10255: "kubelet read-only API",
    15000: "Envoy (Istio sidecar) admin",
    15672: "RabbitMQ management",
}

# Words in a port's name that mark it as an admin/debug surface.
ADMIN_PORT_NAMES: dict[str, str] = {
    "metrics": "metrics endpoint",
    "pprof": "Go pprof/debug endpoint",
    "debug": "debug endpoint",
    "admin": "admin endpoint",
    "jmx": "JMX remote",
    "jdwp": "Java debugger (JDWP)",
    "actuator": "Spring Boot actuator",
    "management": "management endpoint",
}

DATASTORE_PORTS: dict[int, str] = {
    1433: "SQL Server",
    1521: "Oracle Database",
    2181: "ZooKeeper",
    2379: "etcd",
    2380: "etcd peer",
    3306: "MySQL/MariaDB",
    4222: "NATS",
    5432: "PostgreSQL",
    5672: "RabbitMQ (AMQP)",
    5984: "CouchDB",
    6379: "Redis",
    7687: "Neo4j (Bolt)",
    8086: "InfluxDB",
    9042: "Cassandra",
    9092: "Kafka",
    9200: "Elasticsearch",
    9300: "Elasticsearch transport",
    11211: "Memcached",
    26257: "CockroachDB",
    27017: "MongoDB",
}

# Image words (after splitting the image's last path component on - _ .) naming a datastore.
DATASTORE_IMAGES: dict[str, str] = {
    "postgres": "PostgreSQL", "postgresql": "PostgreSQL", "postgis": "PostgreSQL",
    "mysql": "MySQL", "mariadb": "MariaDB", "mongo": "MongoDB", "mongodb": "MongoDB",
    "redis": "Redis", "valkey": "Valkey", "keydb": "KeyDB", "memcached": "Memcached",
    "rabbitmq": "RabbitMQ", "kafka": "Kafka", "zookeeper": "ZooKeeper",
    "elasticsearch": "Elasticsearch", "opensearch": "OpenSearch", "cassandra": "Cassandra",
    "scylla": "ScyllaDB", "etcd": "etcd", "couchdb": "CouchDB", "neo4j": "Neo4j",
    "influxdb": "InfluxDB", "nats": "NATS", "cockroach": "CockroachDB", "mssql": "SQL Server",
    "clickhouse": "ClickHouse", "db": "database", "database": "database",
}

# Words that turn a datastore-looking image into a tool around the datastore.
NOT_DATASTORE_WORDS = frozenset(
    {"exporter", "express", "commander", "admin", "ui", "operator", "client", "cli", "web",
     "insight", "dashboard", "adminer", "proxy", "backup", "init", "migrate", "migrations",
     "migration", "seed", "sentinel", "connect", "manager", "browser"}
)

_WORD_SPLIT = re.compile(r"[-_.]+")


def image_repository(image: str) -> str:
    """The repository of an image reference, without tag or digest, lower-case."""
    return written_name(image)


@cache
def datastore_of_name(name: str) -> str | None:
    """The datastore a name (image repository's last part, or a service name) stands for."""
    words = [w for w in _WORD_SPLIT.split(name.lower()) if w]
    if not words or any(w in NOT_DATASTORE_WORDS for w in words):
        return None
    for w in words:
        if w in DATASTORE_IMAGES:
            return DATASTORE_IMAGES[w]
    return None


@cache
def datastore_of_image(image: str) -> str | None:
    """``redis:7`` -> ``Redis``; ``bitnami/postgresql`` -> ``PostgreSQL``; apps -> ``None``."""
    repo = image_repository(image)
    if not repo or "${" in repo:
        return None
    return datastore_of_name(repo.rsplit("/", 1)[-1])


def admin_port(port: int | None, name: str = "") -> str | None:
    """What admin/debug surface a port is, by number or by its name; ``None`` otherwise."""
    if port is not None and port in ADMIN_PORTS:
        return ADMIN_PORTS[port]
    words = [w for w in _WORD_SPLIT.split(name.lower()) if w]
    for w in words:
        if w in ADMIN_PORT_NAMES:
            return ADMIN_PORT_NAMES[w]
    return None


def datastore_port(port: int | None) -> str | None:
    return DATASTORE_PORTS.get(port) if port is not None else None
