"""The history file: one SQLite database (standard library) holding every recorded run.

The file says what it is: ``PRAGMA application_id`` is meshward's and ``PRAGMA user_version``
is the schema version. A file that is not SQLite, belongs to another program or has a newer
schema is refused with :class:`HistoryError` (the CLI exits 2) and is never written. A run is
recorded in one transaction: either all its findings are stored or none.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from meshward.errors import MeshwardError
from meshward.history.delta import Tracked

APPLICATION_ID = 0x4D574859  # "MWHY"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    command TEXT NOT NULL,
    root TEXT NOT NULL,
    tool_version TEXT NOT NULL
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    practices TEXT NOT NULL,
    service TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);
"""


class HistoryError(MeshwardError):
    """The history file cannot be used; nothing was written to it."""


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    recorded_at: str
    command: str
    root: str
    tool_version: str


def _fail(path: Path, what: str) -> HistoryError:
    return HistoryError(f"history file {path}: {what}",
                        "give another --history file; this one was left as it was")


class History:
    """An open history file. Use :func:`open_history` as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    def runs(self) -> list[Run]:
        rows = self.conn.execute(
            "SELECT id, recorded_at, command, root, tool_version FROM runs ORDER BY id").fetchall()
        return [Run(*row) for row in rows]

    def findings(self, run_id: int) -> list[Tracked]:
        rows = self.conn.execute(
            "SELECT fingerprint, rule_id, severity, practices, service, path, line, message "
            "FROM findings WHERE run_id = ? ORDER BY fingerprint", (run_id,)).fetchall()
        return [Tracked(fp, rule, sev, tuple(p for p in prac.split(",") if p), svc, path, line,
                        msg) for fp, rule, sev, prac, svc, path, line, msg in rows]

    def practice_counts(self, limit: int = 20) -> list[tuple[Run, dict[str, int]]]:
        """Active findings per practice for the last ``limit`` runs, oldest first."""
        out: list[tuple[Run, dict[str, int]]] = []
        for run in self.runs()[-limit:]:
            counts: dict[str, int] = {}
            for (prac,) in self.conn.execute(
                    "SELECT practices FROM findings WHERE run_id = ?", (run.id,)):
                for code in str(prac).split(","):
                    if code:
                        counts[code] = counts.get(code, 0) + 1
            out.append((run, counts))
        return out

    def record(self, command: str, root: str, tool_version: str, findings: Iterable[Tracked],
               when: dt.datetime | None = None) -> Run:
        """Store one run and its (active) findings in one transaction."""
        stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = {t.fingerprint: t for t in findings}
        try:
            with self.conn:
                cur = self.conn.execute(
                    "INSERT INTO runs (recorded_at, command, root, tool_version) "
                    "VALUES (?, ?, ?, ?)", (stamp, command, root, tool_version))
                run_id = int(cur.lastrowid or 0)
                self.conn.executemany(
                    "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, t.fingerprint, t.rule_id, t.severity, ",".join(t.practices),
                      t.service, t.path, t.line, t.message) for t in rows.values()])
        except sqlite3.Error as exc:
            raise _fail(self.path, f"could not record this run ({exc}); "
                                   "the file keeps its earlier runs") from None
        return Run(run_id, stamp, command, root, tool_version)


def _check(path: Path, conn: sqlite3.Connection) -> None:
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise _fail(path, f"not a meshward history file ({exc})") from None
    if not tables and app == 0 and version == 0:
        with conn:
            conn.executescript("BEGIN;" + _SCHEMA
                               + f"PRAGMA application_id = {APPLICATION_ID};"
                               + f"PRAGMA user_version = {SCHEMA_VERSION};COMMIT;")
        return
    if app != APPLICATION_ID:
        raise _fail(path, "an SQLite database of another program (application_id "
                          f"{app:#x}, tables: {', '.join(sorted(tables)) or 'none'})")
    if version > SCHEMA_VERSION:
        raise _fail(path, f"written by a newer meshward (history schema {version}; this "
                          f"meshward reads up to {SCHEMA_VERSION})")
    if version < 1 or not {"runs", "findings"} <= tables:
        raise _fail(path, f"damaged meshward history (schema {version}, tables: "
                          f"{', '.join(sorted(tables)) or 'none'})")
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _fail(path, f"corrupt ({exc})") from None
    if result != "ok":
        raise _fail(path, f"corrupt ({result})")


@contextmanager
def open_history(path: Path) -> Iterator[History]:
    """Open (creating when missing or empty) and check a history file."""
    if path.is_dir():
        raise _fail(path, "is a folder")
    try:
        conn = sqlite3.connect(path, isolation_level="DEFERRED")
    except sqlite3.Error as exc:
        raise _fail(path, f"cannot open ({exc})") from None
    with closing(conn):
        _check(path, conn)
        yield History(path, conn)
