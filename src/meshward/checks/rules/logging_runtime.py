"""MW971-MW973: logs are shipped somewhere, and runtime threats are detected (LOG-*)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.helpers import compose_services
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.model.kubernetes import Workload

# Image names (last path segment, before the tag) of log shippers and runtime detectors.
LOG_AGENTS = re.compile(
    r"(^|[/-])(fluentd|fluent-bit|fluentbit|promtail|grafana-agent|alloy|vector|filebeat|logstash|"
    r"datadog-agent|agent|splunk-otel-collector|opentelemetry-collector|otel-collector|"
    r"opentelemetry-collector-contrib|wazuh-agent|logspout|loki-canary|elastic-agent|"
    r"stackdriver-logging-agent|fluentd-kubernetes-daemonset|sumologic)([:@]|$)")
RUNTIME_AGENTS = re.compile(
    r"(^|[/-])(falco|falco-no-driver|tetragon|sysdig|sysdig-agent|tracee|kubearmor|"
    r"neuvector-enforcer|enforcer|aqua-enforcer|prisma-defender|twistlock-defender|"
    r"crowdstrike-falcon-sensor|falcon-sensor|wazuh-agent|datadog-agent)([:@]|$)")


def _image_name(image: str) -> str:
    return image.rsplit("/", 1)[-1]


def _has_agent(ctx: ScanContext, pattern: re.Pattern[str]) -> bool:
    for w in ctx.inventory.workloads:
        if any(pattern.search(_image_name(c.image)) or pattern.search(c.image) for c in w.containers):
            return True
    return any(pattern.search(_image_name(cs.image)) for cs in ctx.inventory.compose_services)


def _first_workload(ctx: ScanContext) -> Workload | None:
    long_running = [w for w in ctx.inventory.workloads if w.kind not in ("Job", "CronJob", "Pod")]
    pool = long_running or ctx.inventory.workloads
    return min(pool, key=lambda w: (w.obj.location.path, w.obj.location.line)) if pool else None


@rule(
    id="MW971",
    title="No log collector deployed alongside the Kubernetes workloads",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    practices=("LOG-COLLECT",),
    targets=("kubernetes",),
    rationale=(
        "Without an agent that ships container logs to a log system (Loki, Elasticsearch, Splunk, "
        "Datadog...), logs die with the pod, and an intrusion leaves no trail to investigate. "
        "The check looks for a log-shipping DaemonSet or Deployment (Fluent Bit, Fluentd, "
        "Promtail, Grafana Alloy, Vector, Filebeat, OpenTelemetry Collector, Datadog agent...) "
        "anywhere in the scanned tree."
    ),
    remediation=(
        "Deploy a log shipper as a DaemonSet (for example Fluent Bit or Grafana Alloy) that "
        "forwards container logs to your log system, and keep its manifests with the fleet's. "
        "If logs are collected by the platform (managed cluster logging), suppress this rule "
        "in .meshward.yaml with that reason."
    ),
    references=("https://kubernetes.io/docs/concepts/cluster-administration/logging/",),
    example_fail="# workloads, and no fluent-bit / promtail / vector DaemonSet in the tree",
    example_pass="kind: DaemonSet\n...\n  image: fluent/fluent-bit:3.1",
)
def no_log_collector(ctx: ScanContext) -> Iterator[Hit]:
    first = _first_workload(ctx)
    if first is None or _has_agent(ctx, LOG_AGENTS):
        return
    count = len(ctx.inventory.workloads)
    yield Hit(f"{count} Kubernetes workloads and no log shipper (Fluent Bit, Promtail, Vector, "
              "OpenTelemetry Collector...) in the scanned tree", first.obj.location,
              ResourceRef("Fleet", "kubernetes"), None, f"{count} workloads", key="fleet",
              extra=(("services", ",".join(sorted({s for w in ctx.inventory.workloads
                                                   if (s := ctx.inventory.service_name_of(w))}))),))


@rule(
    id="MW972",
    title="Compose service discards its logs",
    severity=Severity.MEDIUM,
    practices=("LOG-COLLECT",),
    targets=("compose",),
    rationale=(
        "`logging: driver: none` throws every line the container writes away: nothing reaches "
        "`docker logs`, let alone a log system, so a compromise of that service is invisible."
    ),
    remediation=(
        "Remove `driver: none`; use the default json-file driver with rotation, or a shipping "
        "driver (fluentd, gelf, syslog, awslogs...) that forwards to the log system."
    ),
    references=("https://docs.docker.com/engine/logging/configure/",),
    example_fail="logging:\n  driver: none",
    example_pass="logging:\n  driver: fluentd",
)
def compose_logging_none(ctx: ScanContext) -> Iterator[Hit]:
    for cs, svc in compose_services(ctx):
        if cs.logging_driver.lower() == "none":
            yield Hit(f"compose service {cs.name} uses logging driver `none`: its logs are discarded",
                      cs.at("logging", "driver"), cs.ref, svc, "logging.driver: none", key=cs.name)


@rule(
    id="MW973",
    title="No runtime threat detection agent deployed",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    practices=("LOG-RUNTIME",),
    targets=("kubernetes",),
    rationale=(
        "Static checks cannot see a shell spawned in a container, a crypto-miner or a process "
        "reading service-account tokens. A runtime detector (Falco, Tetragon, Tracee, KubeArmor, "
        "a commercial sensor) watches system calls on every node and raises alerts."
    ),
    remediation=(
        "Deploy a runtime detection agent as a DaemonSet (for example Falco with its default "
        "rules) and route its alerts to the on-call channel. If the platform provides it outside "
        "these manifests, suppress the rule in .meshward.yaml with that reason."
    ),
    references=("https://falco.org/docs/",),
    example_fail="# workloads, and no falco / tetragon DaemonSet in the tree",
    example_pass="kind: DaemonSet\n...\n  image: falcosecurity/falco:0.39.0",
)
def no_runtime_detection(ctx: ScanContext) -> Iterator[Hit]:
    first = _first_workload(ctx)
    if first is None or _has_agent(ctx, RUNTIME_AGENTS):
        return
    yield Hit("no runtime threat detection agent (Falco, Tetragon, Tracee, KubeArmor...) among "
              f"the {len(ctx.inventory.workloads)} Kubernetes workloads", first.obj.location,
              ResourceRef("Fleet", "kubernetes"), None, key="fleet")

