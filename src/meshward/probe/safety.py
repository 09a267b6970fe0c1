"""What the probe may touch, and how hard: host allowlist, request budget, per-host rate.

The allowlist is checked for every host before the first byte is sent, so a run
that would touch a host nobody named is refused as a whole.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Iterable

from meshward.errors import UsageError
from meshward.probe.targets import SAFE_METHODS


class ProbeRefused(UsageError):
    """The probe would touch a host, or send a method, nobody allowed."""


class BudgetExhausted(Exception):
    """The global request budget is spent; the check that hit it stops."""


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Allowlist:
    """Loopback, plus hosts the targets file's ``allow:`` or ``--allow`` name explicitly."""

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = {h.strip().strip("[]").lower().rstrip(".") for h in hosts if h.strip()}

    def allows(self, host: str) -> bool:
        return is_loopback(host) or host.strip("[]").lower().rstrip(".") in self.hosts

    def check(self, host: str, why: str) -> None:
        if not self.allows(host):
            raise ProbeRefused(
                f"refusing to probe {host} ({why}): only loopback and hosts named in the "
                "targets file's `allow:` list or with --allow are touched; nothing was sent",
                f"if you own {host} and may test it, add it to `allow:` or pass --allow {host}")


def check_method(method: str, configured: Iterable[str]) -> None:
    if method.upper() not in SAFE_METHODS and method.upper() not in {m.upper() for m in configured}:
        raise ProbeRefused(f"refusing to send {method}: only GET, HEAD and OPTIONS are sent "
                           "unless the endpoint lists the method under `methods:`")


class Budget:
    """A global count of requests: checks reserve what they need before they start."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.reserved = 0
        self.sent = 0

    def reserve(self, n: int) -> bool:
        if self.reserved + n > self.total:
            return False
        self.reserved += n
        return True

    def spend(self) -> None:
        if self.sent >= self.total:
            raise BudgetExhausted(f"request budget of {self.total} spent")
        self.sent += 1


class HostRate:
    """Space requests to one host at most ``rate`` per second (first ones go at once)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next: dict[str, float] = {}

    async def wait(self, host: str) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        slot = max(now, self._next.get(host, now))
        self._next[host] = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
