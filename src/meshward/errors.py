"""Errors that carry their own user-facing diagnostics.

Only the CLI turns them into an exit code. Loaders never raise for bad input:
they record an :class:`InputError` and go on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputError:
    """A problem with one input file: what, where, and what to do."""

    path: str
    line: int
    message: str
    hint: str = ""

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class MeshwardError(Exception):
    """An error the user can act on; the CLI prints it and exits 2."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(MeshwardError):
    """The command line or configuration is wrong."""
