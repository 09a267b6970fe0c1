"""Choose a sink by the scheme of its URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from meshward.errors import UsageError
from meshward.watch.sinks.ecs import EcsSink
from meshward.watch.sinks.interface import Sink
from meshward.watch.sinks.splunk import SplunkSink
from meshward.watch.sinks.stdout import StreamSink
from meshward.watch.sinks.syslog import SyslogSink
from meshward.watch.sinks.webhook import AlertmanagerSink, WebhookSink

SCHEMES = ("stdout", "syslog+udp", "syslog+tcp", "udp", "tcp", "http", "https", "webhook+http",
           "webhook+https", "alertmanager+http", "alertmanager+https", "splunk+http",
           "splunk+https", "ecs+http", "ecs+https")


def open_sink(url: str) -> Sink:
    if url in ("-", "stdout", "stdout:"):
        return StreamSink("stdout")
    scheme = urlsplit(url).scheme
    match scheme:
        case "syslog+udp" | "syslog+tcp" | "udp" | "tcp":
            return SyslogSink(url)
        case "http" | "https" | "webhook+http" | "webhook+https":
            return WebhookSink(url)
        case "alertmanager+http" | "alertmanager+https":
            return AlertmanagerSink(url)
        case "splunk+http" | "splunk+https":
            return SplunkSink(url)
        case "ecs+http" | "ecs+https":
            return EcsSink(url)
    raise UsageError(f"--sink {url}: unknown scheme {scheme or '(none)'}",
                     "use one of: " + ", ".join(SCHEMES))
