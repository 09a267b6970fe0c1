"""Splunk HTTP Event Collector: ``splunk+https://HOST:8088?token=TOKEN[&index=I]``, POSTed
to ``/services/collector/event`` with ``Authorization: Splunk TOKEN``."""

from __future__ import annotations

import socket
import time
from typing import Any

from meshward.findings.finding import Finding
from meshward.watch.sinks.http import HttpSink
from meshward.watch.sinks.interface import alert_document


class SplunkSink(HttpSink):
    default_path = "/services/collector/event"

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "Authorization": f"Splunk {self.query.get('token', '')}"}

    def body(self, finding: Finding) -> Any:
        doc: dict[str, Any] = {"time": round(time.time(), 3), "host": socket.gethostname(),
                               "source": "meshward", "sourcetype": "_json",
                               "event": alert_document(finding)}
        if "index" in self.query:
            doc["index"] = self.query["index"]
        return doc
