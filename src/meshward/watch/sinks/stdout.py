"""JSON lines on stdout (or any text stream): one alert per line, flushed at once."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from meshward.findings.finding import Finding
from meshward.watch.sinks.interface import Sink, SinkError, alert_document


class StreamSink(Sink):
    def __init__(self, url: str, stream: TextIO | None = None) -> None:
        super().__init__(url)
        self.stream = stream or sys.stdout

    def send(self, finding: Finding) -> None:
        try:
            self.stream.write(json.dumps(alert_document(finding), ensure_ascii=False) + "\n")
            self.stream.flush()
        except OSError as exc:
            raise SinkError(f"{self.label}: cannot write: {exc}") from None
