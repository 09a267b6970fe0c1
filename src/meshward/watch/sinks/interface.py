"""The sink contract: one alert (a Finding) in, delivered or a :class:`SinkError`."""

from __future__ import annotations

import datetime as dt
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from meshward.errors import MeshwardError
from meshward.findings.finding import Finding
from meshward.reporters.json_report import finding_dict


class SinkError(MeshwardError):
    """An alert could not be delivered."""


@dataclass
class Delivery:
    sink: str
    ok: bool
    detail: str


class Sink(ABC):
    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def label(self) -> str:
        return self.url

    @abstractmethod
    def send(self, finding: Finding) -> None:
        """Deliver one alert; raise :class:`SinkError` when it cannot be."""

    def confirm(self, marker: str, timeout: float) -> Delivery:
        """After a test alert holding ``marker`` was sent: is it known to have arrived?"""
        return Delivery(self.label, True, "sent")

    def close(self) -> None:
        return None


def alert_document(f: Finding) -> dict[str, Any]:
    """The JSON-lines shape of one alert: the JSON report's finding plus when and where."""
    doc = finding_dict(f)
    doc["emitted_at"] = now_iso()
    doc["host"] = socket.gethostname()
    return doc


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def extra(f: Finding, name: str) -> str:
    for k, v in f.extra:
        if k == name:
            return v
    return ""
