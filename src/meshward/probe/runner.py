"""Run every selected probe check against every endpoint, concurrently, inside the limits.

Order per endpoint: one request with full credentials (is it there at all?) and one
with none (MWP01), then every other check at once, then the rate-limit burst last
so its throttling cannot mask what the others would see.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from meshward import progress
from meshward.checks.engine import finding_from_hit
from meshward.checks.registry import get_rule
from meshward.errors import InputError
from meshward.findings.finding import Finding, Mode
from meshward.probe import edge, forge, transport
from meshward.probe.context import EndpointState, ProbeContext, describe, send
from meshward.probe.http import ConnectFailed, HttpClient
from meshward.probe.keyserver import KeyServer
from meshward.probe.safety import Allowlist, Budget, HostRate, check_method
from meshward.probe.targets import Endpoint, Limits

PROBE_RULES = ("MWP01", *forge.ALL_RULES, "MWP20", "MWP21", "MWP22", *transport.CERT_RULES,
               "MWP26", "MWP27", "MWP30", "MWP31", "MWP32")


@dataclass
class ProbeResult:
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    endpoints: int = 0
    requests: int = 0
    duration_s: float = 0.0
    # rule id -> names of the endpoints it could not run on (see ProbeContext.skip)
    not_run: dict[str, set[str]] = field(default_factory=dict)


def refuse_unlisted(endpoints: Iterable[Endpoint], allow: Allowlist) -> None:
    """Raise :class:`ProbeRefused` for the first host nobody allowed, before any traffic."""
    for ep in endpoints:
        allow.check(ep.host, f"endpoint {ep.name}")
        if ep.jwks_url:
            allow.check(urlsplit(ep.jwks_url).hostname or "", f"jwks_url of {ep.name}")
        for method in ep.methods[:1]:
            check_method(method, ep.methods)


async def _endpoint(ctx: ProbeContext, ep: Endpoint) -> None:
    st = EndpointState(ep)
    try:
        full = await ctx.client.request(ep.methods[0], ep.url, st.token_headers(ep.valid_token),
                                        st.tls, ep.server_name, ep.methods)
    except ConnectFailed as exc:
        if not ep.private_ports:
            ctx.skip(PROBE_RULES, ep, f"the endpoint did not answer ({exc})")
            return
        ctx.skip([r for r in PROBE_RULES if r != "MWP32"], ep,
                 f"the endpoint did not answer ({exc})")
        await edge.private_ports(ctx, st)
        return
    if ep.valid_token and not full.ok:
        ctx.notice(f"{ep.name}: the valid_token was refused (HTTP {full.status}); is it expired? "
                   "Forged tokens that get a 2xx are still reported")
    if "token" in ep.expects:
        # Without a token, but with the endpoint's client certificate: whether mTLS is enforced
        # is MWP26's question, not this one's.
        bare = await send(ctx, ep, None, st.tls)
        if bare is not None and bare.ok:
            st.open_door = True
            if ctx.selected("MWP01"):
                ctx.hit("MWP01", ep, f"{ep.name} answered without a token",
                        f"{ep.methods[0]} {ep.url} without Authorization -> {describe(bare)}")
    await asyncio.gather(
        forge.jwt_checks(ctx, st), transport.plaintext(ctx, st),
        transport.legacy_versions(ctx, st), transport.certificate(ctx, st),
        transport.mtls(ctx, st), edge.debug_paths(ctx, st), edge.private_ports(ctx, st))
    await edge.rate_limit(ctx, st)


async def _run(endpoints: list[Endpoint], limits: Limits, allow: Allowlist,
               select: frozenset[str]) -> ProbeContext:
    client = HttpClient(allow, Budget(limits.requests), HostRate(limits.per_host_rate),
                        limits.timeout, limits.concurrency)
    ctx = ProbeContext(client, limits, select=select)
    if any("token" in ep.expects for ep in endpoints) and ctx.selected("MWP12", "MWP13"):
        ctx.keyserver = KeyServer()
        await ctx.keyserver.start()
    step = progress.task("probing endpoints", len(endpoints))

    async def one(ep: Endpoint) -> None:
        await _endpoint(ctx, ep)
        step()

    try:
        await asyncio.gather(*(one(ep) for ep in endpoints))
    finally:
        if ctx.keyserver is not None:
            await ctx.keyserver.stop()
    return ctx


def to_findings(ctx: ProbeContext) -> list[Finding]:
    out: dict[str, Finding] = {}
    for rule_id, hit in ctx.hits:
        rule = get_rule(rule_id)
        if rule is None:  # pragma: no cover - every probe id has a rule (tested)
            raise KeyError(rule_id)
        f = replace(finding_from_hit(rule, hit), mode=Mode.VERIFY)
        out.setdefault(f.fingerprint, f)
    return sorted(out.values(), key=Finding.sort_key)


def run_probe(endpoints: list[Endpoint], limits: Limits, allow: Allowlist,
              select: Iterable[str] = ()) -> ProbeResult:
    """Probe ``endpoints``; refuses (raising) before any traffic if a host is not allowed."""
    refuse_unlisted(endpoints, allow)
    started = time.perf_counter()
    wanted = frozenset(s.strip().upper() for s in select if s.strip())
    ctx = asyncio.run(_run(endpoints, limits, allow, wanted))
    sent = ctx.client.budget.sent
    notices = ctx.all_notices()
    if sent >= limits.requests:
        notices.append(f"the request budget ({limits.requests}) was spent; some checks did not "
                       "finish (raise it with --budget)")
    not_run: dict[str, set[str]] = {}
    for (rule_id, _), names in ctx.skipped.items():
        not_run.setdefault(rule_id, set()).update(names)
    return ProbeResult(to_findings(ctx), notices, [], len(endpoints), sent,
                       time.perf_counter() - started, not_run)
