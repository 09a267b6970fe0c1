"""POST JSON to an HTTP endpoint: the shared transport of the webhook, Splunk and ECS sinks."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from abc import abstractmethod
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from meshward.findings.finding import Finding
from meshward.watch.sinks.interface import Sink, SinkError

TIMEOUT_S = 5.0


class HttpSink(Sink):
    default_path = "/"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[-1]
        if scheme not in ("http", "https") or not parts.hostname:
            raise SinkError(f"{url}: not an http(s) URL")
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.endpoint = urlunsplit((scheme, parts.netloc, parts.path or self.default_path, "", ""))

    @property
    def label(self) -> str:
        return f"{type(self).__name__.removesuffix('Sink').lower()} {self.endpoint}"

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "User-Agent": "meshward-watch"}

    @abstractmethod
    def body(self, finding: Finding) -> Any:
        """The JSON document for one alert."""

    def send(self, finding: Finding) -> None:
        data = json.dumps(self.body(finding), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(self.endpoint, data=data, headers=self.headers(),
                                     method="POST")
        last = ""
        for _attempt in (1, 2):
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
                    resp.read(65536)
                    if 200 <= resp.status < 300:
                        return
                    last = f"HTTP {resp.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code} {exc.reason}"
                if 400 <= exc.code < 500:
                    break  # the request itself is wrong: sending it again will not help
            except (urllib.error.URLError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
        raise SinkError(f"{self.label}: not delivered: {last}")
