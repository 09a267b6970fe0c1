"""MWP30-MWP32: rate limiting, debug/admin paths, and ports that should be private."""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import time

from meshward.probe.context import EndpointState, ProbeContext, send
from meshward.probe.http import Response

THROTTLED = frozenset({429, 503})
BURST_WORKERS = 16


def _dotenv(body: bytes) -> bool:
    return re.search(rb"(?m)^[A-Za-z_][A-Za-z0-9_]*=\S", body) is not None


# path -> what its content must look like (so a catch-all 200 page is not mistaken for it)
DEBUG_PATHS: dict[str, tuple[str, object]] = {
    "/actuator/env": ("Spring Boot actuator environment", re.compile(
        rb'"(propertySources|activeProfiles)"')),
    "/debug/pprof/": ("Go pprof index", re.compile(rb"(?i)(goroutine|heap|/debug/pprof)")),
    "/.env": ("dotenv file", _dotenv),
    "/server-status": ("server status page", re.compile(
        rb"(?i)(Apache Server Status|Server Version:|Active connections:)")),
    "/metrics": ("Prometheus metrics", re.compile(rb"(?m)^# (HELP|TYPE) \w+")),
}


def _looks_like(test: object, body: bytes) -> bool:
    if isinstance(test, re.Pattern):
        return test.search(body) is not None
    return bool(callable(test) and test(body))


def burst_size(ctx: ProbeContext, st: EndpointState) -> tuple[int, str]:
    """How many requests to send; ``(0, why)`` when no bounded burst can prove anything."""
    cap, ours = ctx.limits.burst, ctx.limits.per_host_rate
    rl = st.ep.rate_limit
    if rl is None:
        return cap, ""
    if rl.requests * 1.2 >= ours:
        return 0, (f"the expected limit ({rl.requests:g}/s) is not below the probe's per-host "
                   f"rate ({ours:g}/s); raise --rate")
    needed = math.ceil(1.5 * (rl.burst + 1) / (1 - rl.requests / ours)) + 5
    if needed > cap:
        return 0, f"exceeding burst {rl.burst} at {rl.requests:g}/s needs {needed} requests " \
                  f"(> burst cap {cap})"
    return max(needed, 20), ""


async def rate_limit(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected("MWP30"):
        return
    if not (ep.public or ep.rate_limit):
        ctx.skip(["MWP30"], ep, "the endpoint is neither public nor said to rate limit")
        return
    n, why = burst_size(ctx, st)
    if not n:
        ctx.skip(["MWP30"], ep, why)
        return
    if ctx.client.budget.total - ctx.client.budget.sent < n:
        ctx.skip(["MWP30"], ep, f"the request budget has fewer than {n} requests left")
        return
    lock = ctx.burst_locks.setdefault(ep.host, asyncio.Lock())
    async with lock:  # one burst per host at a time, so each is measured alone
        started = time.monotonic()
        statuses, throttled = await _burst(ctx, st, n)
        elapsed = max(time.monotonic() - started, 1e-3)
    if throttled:
        return
    if not statuses:
        ctx.skip(["MWP30"], ep, "nothing answered the burst")
        return
    achieved = len(statuses) / elapsed
    rl = ep.rate_limit
    if rl is not None and len(statuses) <= rl.burst + rl.requests * elapsed:
        ctx.skip(["MWP30"], ep, f"inconclusive: the burst reached only {achieved:.0f} requests/s "
                 f"({len(statuses)} in {elapsed:.2f} s), within the expected limit")
        return
    counts = ", ".join(f"{s}x{statuses.count(s)}" for s in sorted(set(statuses)))
    ctx.hit("MWP30", ep, f"{ep.name} answered {len(statuses)} requests in a burst without "
            "throttling", f"{len(statuses)} requests in {elapsed:.2f} s ({achieved:.0f}/s): "
            f"HTTP {counts}; no 429/503")


async def _burst(ctx: ProbeContext, st: EndpointState, n: int) -> tuple[list[int], bool]:
    """Send up to ``n`` requests from a few workers; stop at the first 429/503."""
    headers = st.token_headers(st.ep.valid_token)
    statuses: list[int] = []
    throttled: list[Response] = []
    counter = iter(range(n))

    async def worker() -> None:
        for _ in counter:
            if throttled:
                return
            resp = await send(ctx, st.ep, headers, st.tls)
            if resp is not None:
                statuses.append(resp.status)
                if resp.status in THROTTLED:
                    throttled.append(resp)

    await asyncio.gather(*(worker() for _ in range(min(BURST_WORKERS, n))))
    return statuses, bool(throttled)


async def debug_paths(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected("MWP31"):
        return
    if not ep.public:
        ctx.skip(["MWP31"], ep, "debug paths are probed on public endpoints only")
        return
    control_url = f"{ep.origin}/meshward-probe-{secrets.token_hex(6)}"
    urls = [control_url] + [ep.origin + p for p in DEBUG_PATHS]
    answers = await asyncio.gather(*(send(ctx, ep, None, st.tls, url=u, method="GET")
                                     for u in urls))
    control = answers[0]
    for (path, (label, test)), resp in zip(DEBUG_PATHS.items(), answers[1:], strict=True):
        if resp is None or not resp.ok or not _looks_like(test, resp.body):
            continue
        if control is not None and control.ok and control.body == resp.body:
            continue  # a catch-all page, not the debug endpoint
        ctx.hit("MWP31", ep, f"{ep.name}: {path} answers without credentials ({label})",
                f"GET {ep.origin}{path} -> HTTP {resp.status}, {len(resp.body)} bytes of {label}",
                key=path)


async def private_ports(ctx: ProbeContext, st: EndpointState) -> None:
    ep = st.ep
    if not ctx.selected("MWP32"):
        return
    if not ep.private_ports:
        ctx.skip(["MWP32"], ep, "no private_ports listed for the host (targets file)")
        return
    ports = [p for p in ep.private_ports if p != ep.port]
    opened = await asyncio.gather(*(ctx.client.connects(ep.host, p) for p in ports))
    for port, ok in zip(ports, opened, strict=True):
        if ok:
            ctx.hit("MWP32", ep, f"{ep.name}: private port {port} accepts connections on "
                    f"{ep.host}", f"TCP connect {ep.host}:{port} succeeded", key=str(port))
