"""Fixtures for the watch tests: the fleet's context, and a helper feeding lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from meshward.checks.context import ScanContext
from meshward.findings.finding import Finding
from meshward.pipeline import build_context
from meshward.watch.context import Thresholds, WatchContext
from meshward.watch.detectors import all_detectors
from meshward.watch.engine import Watcher
from meshward.watch.reader import RawLine
from meshward.watch.state import State
from tests.conftest import REPO

FLEET = REPO / "tests" / "watch" / "fleet"


@pytest.fixture(scope="session")
def fleet() -> ScanContext:
    return build_context([FLEET], today=dt.date(2026, 12, 1))


Feed = Callable[..., list[Finding]]


@pytest.fixture
def feed(fleet: ScanContext) -> Feed:
    """Run lines through every detector; return the findings (alerts) they raised."""

    def run(lines: list[str], path: str = "access.log", state: State | None = None,
            thresholds: Thresholds | None = None, only: str = "") -> list[Finding]:
        ctx = WatchContext.build(fleet, state or State(), thresholds)
        out: list[Finding] = []
        w = Watcher(ctx, [d for d in all_detectors() if not only or d.info.id == only],
                    out.append)
        for i, line in enumerate(lines, 1):
            w.feed(RawLine(path, i, line.encode()))
        w.finish()
        run.watcher = w  # type: ignore[attr-defined]
        return out

    return run


def lines_of(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


@pytest.fixture
def rsyslog(tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.watch.servers import RSYSLOGD, Rsyslog

    if not Path(RSYSLOGD).exists():
        pytest.skip("rsyslogd is not installed (Debian package rsyslog)")
    server = Rsyslog(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def collector():  # type: ignore[no-untyped-def]
    from tests.watch.servers import Collector

    server = Collector().start()
    yield server
    server.stop()
