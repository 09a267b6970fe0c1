"""A progress indicator on stderr for long runs, only when stderr is a terminal.

Work that can take a while (reading a large tree, walking git history, probing endpoints)
asks for a step function::

    step = progress.task("reading files", total=len(files), min_total=FILES_MIN)
    for path in files:
        ...
        step()

When no terminal indicator is active (the default: tests, pipes, CI logs) or the work is
small, ``step`` does nothing. The CLI turns the indicator on with :func:`on_terminal`; it
is drawn with ``rich``, imported only then, so plain runs do not pay for it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

FILES_MIN = 300  # a scan shows progress from this many files on


class Step(Protocol):
    def __call__(self, n: int = 1) -> None: ...


def _nothing(n: int = 1) -> None:
    return None


class _Terminal:
    """One ``rich`` progress display; tasks come and go while it lives."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.display: Any = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=Console(file=stream, stderr=True), transient=True)
        self.display.start()

    def task(self, label: str, total: int) -> Step:
        task_id = self.display.add_task(label, total=total)

        def step(n: int = 1) -> None:
            self.display.advance(task_id, n)

        return step

    def stop(self) -> None:
        self.display.stop()


_ACTIVE: contextvars.ContextVar[_Terminal | None] = contextvars.ContextVar(
    "meshward_progress", default=None)


def task(label: str, total: int, min_total: int = 1) -> Step:
    """A step function for ``total`` units of work (does nothing off a terminal)."""
    active = _ACTIVE.get()
    if active is None or total < max(1, min_total):
        return _nothing
    return active.task(label, total)


@contextmanager
def on_terminal(stream: TextIO) -> Iterator[bool]:
    """Show progress on ``stream`` while the block runs, if it is a terminal."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        yield False
        return
    terminal = _Terminal(stream)
    token = _ACTIVE.set(terminal)
    try:
        yield True
    finally:
        _ACTIVE.reset(token)
        terminal.stop()
