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
    """One ``rich`` progress display, drawn only while a task runs.

    It never takes over stdout or stderr (rich's default): the report written to stdout, or
    redirected to a file while stderr is the terminal, goes where it was sent, unwrapped.
    The display stops as soon as its last task is complete, and :func:`pause` stops it
    before anything is written, so a bar is never drawn over the output.
    """

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
            TimeElapsedColumn(), console=Console(file=stream, stderr=True), transient=True,
            redirect_stdout=False, redirect_stderr=False)
        self.running = False
        self.open: set[Any] = set()

    def task(self, label: str, total: int) -> Step:
        if not self.running:
            self.display.start()
            self.running = True
        task_id = self.display.add_task(label, total=total)
        self.open.add(task_id)
        done = 0

        def step(n: int = 1) -> None:
            nonlocal done
            if task_id not in self.open:
                return
            done += n
            self.display.advance(task_id, n)
            if done >= total:
                self.open.discard(task_id)
                if not self.open:
                    self.stop()  # drawn once more, complete, then taken off

        return step

    def stop(self) -> None:
        if self.running:
            self.display.stop()
            self.running = False
        for task_id in list(self.display.task_ids):
            self.display.remove_task(task_id)
        self.open.clear()


_ACTIVE: contextvars.ContextVar[_Terminal | None] = contextvars.ContextVar(
    "meshward_progress", default=None)


def task(label: str, total: int, min_total: int = 1) -> Step:
    """A step function for ``total`` units of work (does nothing off a terminal)."""
    active = _ACTIVE.get()
    if active is None or total < max(1, min_total):
        return _nothing
    return active.task(label, total)


def pause() -> None:
    """Take the display off the terminal before output is written (a task left unfinished,
    e.g. a probe that ran out of budget, must not leave a bar to be drawn over it)."""
    active = _ACTIVE.get()
    if active is not None:
        active.stop()


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
