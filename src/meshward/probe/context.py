"""What a probe check sees: the HTTP client, the limits, and where results go."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from meshward.checks.registry import Hit
from meshward.findings.finding import Confidence, ResourceRef, Severity
from meshward.probe.http import ConnectFailed, HttpClient, Response, TlsOptions
from meshward.probe.keyserver import KeyServer
from meshward.probe.targets import Endpoint, Limits

ACCEPTED = "accepted"


@dataclass
class ProbeContext:
    client: HttpClient
    limits: Limits
    keyserver: KeyServer | None = None
    select: frozenset[str] = frozenset()
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    burst_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def selected(self, *rule_ids: str) -> bool:
        if not self.select:
            return True
        return any(r in self.select or any(r.startswith(s.rstrip("*")) for s in self.select
                                            if s.endswith("*")) for r in rule_ids)

    def hit(self, rule_id: str, ep: Endpoint, message: str, evidence: str, key: str = "",
            severity: Severity | None = None, confidence: Confidence | None = None) -> None:
        self.hits.append((rule_id, Hit(
            message=message, location=ep.location, resource=ResourceRef("Endpoint", ep.url),
            service=ep.service or ep.name, evidence=evidence,
            key=f"{ep.url}#{key}" if key else ep.url, severity=severity, confidence=confidence,
            extra=(("endpoint", ep.url),))))

    def skip(self, rule_ids: Iterable[str], ep: Endpoint, reason: str) -> None:
        """A check that could not run: said once per reason, never silently passed."""
        for rule_id in rule_ids:
            if self.selected(rule_id):
                self.skipped.setdefault((rule_id, reason), []).append(ep.name)

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def all_notices(self) -> list[str]:
        out = list(self.notices)
        by_reason: dict[str, list[tuple[str, list[str]]]] = {}
        for (rule_id, reason), names in sorted(self.skipped.items()):
            by_reason.setdefault(reason, []).append((rule_id, names))
        for reason, items in by_reason.items():
            rules = ", ".join(r for r, _ in items)
            names = sorted({n for _, ns in items for n in ns})
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            out.append(f"not run: {rules} on {shown}: {reason}")
        return out


@dataclass
class EndpointState:
    """What the first requests taught about one endpoint."""

    ep: Endpoint
    open_door: bool = False  # answered 2xx without any credential
    reachable: bool = True

    @property
    def tls(self) -> TlsOptions:
        """The endpoint's own client certificate (if any); server certificates unverified."""
        return TlsOptions(client_cert=self.ep.client_cert, client_key=self.ep.client_key)

    def token_headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}


async def send(ctx: ProbeContext, ep: Endpoint, headers: dict[str, str] | None = None,
               tls: TlsOptions | None = None, url: str = "", method: str = ""
               ) -> Response | None:
    """One request to the endpoint (or ``url``); ``None`` when nothing answered."""
    try:
        return await ctx.client.request(method or ep.methods[0], url or ep.url, headers,
                                        tls, ep.server_name, ep.methods)
    except ConnectFailed:
        return None


def describe(resp: Response | None) -> str:
    return "no answer" if resp is None else f"HTTP {resp.status}"
