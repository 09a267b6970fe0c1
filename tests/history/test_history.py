"""History: runs recorded by fingerprint, new/fixed/still-open, and refusing files it must not touch."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from meshward.cli.main import main
from meshward.history.delta import Tracked, compare
from meshward.history.store import APPLICATION_ID, SCHEMA_VERSION, HistoryError, open_history
from meshward.pipeline import scan
from tests.conftest import REPO

SHOP = REPO / "examples" / "shop"


def _t(fp: str, sev: str = "high", practices: tuple[str, ...] = ("ENV-PORTS",)) -> Tracked:
    return Tracked(fp, "MW201", sev, practices, "web", "k8s/web.yaml", 3, f"finding {fp}")


def test_compare_matches_by_fingerprint_and_orders_most_severe_first() -> None:
    d = compare([_t("a"), _t("b"), _t("c")], [_t("b"), _t("c"), _t("d", "low"), _t("e", "critical")])
    assert [t.fingerprint for t in d.new] == ["e", "d"]
    assert [t.fingerprint for t in d.fixed] == ["a"]
    assert [t.fingerprint for t in d.still_open] == ["b", "c"]
    assert d.as_dict()["summary"] == {"new": 2, "fixed": 1, "still_open": 2}


def _page_data(html: Path) -> dict[str, object]:
    m = re.search(r'<script type="application/json" id="meshward-data">(.*?)</script>',
                  html.read_text(), re.S)
    assert m
    data: dict[str, object] = json.loads(m.group(1))
    return data


def test_two_report_runs_show_new_fixed_and_still_open(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "shop"
    shutil.copytree(SHOP, tree)
    hist = tmp_path / "history.db"
    assert main(["report", str(tree), "-o", str(tmp_path / "one.html"), "--history", str(hist)]) == 0
    first = {f.fingerprint for f in scan([tree]).findings if not f.suppressed_by}
    assert _page_data(tmp_path / "one.html")["history"] is None  # nothing to compare with yet

    worker = tree / "k8s" / "worker.yaml"
    worker.write_text(worker.read_text().replace("privileged: true", "privileged: false"))
    web = tree / "k8s" / "web.yaml"
    web.write_text(web.read_text().replace("image: registry.shop.example/web:", "image: web:"))
    second = {f.fingerprint for f in scan([tree]).findings if not f.suppressed_by}
    new, fixed = second - first, first - second
    assert new and fixed  # the edits above do add and remove findings
    capsys.readouterr()
    assert main(["report", str(tree), "-o", str(tmp_path / "two.html"), "--history", str(hist)]) == 0
    err = capsys.readouterr().err
    assert ("since run 1 (" in err and f"): {len(new)} new, {len(fixed)} fixed, "
            f"{len(first & second)} still open" in err)
    data = _page_data(tmp_path / "two.html")
    history = data["history"]
    assert isinstance(history, dict)
    assert set(history["new"]) == new
    assert {t["fingerprint"] for t in history["fixed"]} == fixed
    assert history["still_open"] == len(first & second)
    least = next(p for p in data["practices"] if p["code"] == "AUTH-LEASTPRIV")  # type: ignore[union-attr]
    assert len(least["trend"]) == 2 and least["trend"][1] == least["findings"]
    with open_history(hist) as h:
        assert [r.id for r in h.runs()] == [1, 2]
        assert {t.fingerprint for t in h.findings(2)} == second


def _refused(tmp_path: Path, hist: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = hist.read_bytes()
    code = main(["report", str(SHOP), "-o", str(tmp_path / "r.html"), "--history", str(hist)])
    assert code == 2
    assert hist.read_bytes() == before, "a refused history file must be left as it was"
    assert not (tmp_path / "r.html").exists()
    return capsys.readouterr().err


def test_a_corrupt_history_file_is_a_clear_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    hist = tmp_path / "history.db"
    hist.write_bytes(b"this is not a database\n" * 200)
    err = _refused(tmp_path, hist, capsys)
    assert f"meshward: error: history file {hist}: not a meshward history file" in err
    assert "Traceback" not in err


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    hist = tmp_path / "other.db"
    with sqlite3.connect(hist) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
        conn.execute("INSERT INTO invoices VALUES (1)")
    conn.close()
    err = _refused(tmp_path, hist, capsys)
    assert "an SQLite database of another program (application_id 0x0, tables: invoices)" in err


def test_a_newer_schema_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hist = tmp_path / "history.db"
    with open_history(hist):
        pass
    conn = sqlite3.connect(hist)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    err = _refused(tmp_path, hist, capsys)
    assert f"written by a newer meshward (history schema {SCHEMA_VERSION + 1}" in err


def test_a_new_file_says_what_it_is(tmp_path: Path) -> None:
    hist = tmp_path / "history.db"
    with open_history(hist):
        pass
    conn = sqlite3.connect(hist)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_run_is_recorded_whole_or_not_at_all(tmp_path: Path) -> None:
    hist = tmp_path / "history.db"
    with open_history(hist) as h:
        h.record("report", "x", "0", [_t("a"), _t("b")])
        # A failure half-way through the second run's findings...
        h.conn.execute("CREATE TRIGGER boom BEFORE INSERT ON findings WHEN NEW.fingerprint = 'z' "
                       "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        h.conn.commit()
        with pytest.raises(HistoryError, match=r"could not record this run .*disk full.*keeps"):
            h.record("report", "x", "0", [_t("c"), _t("z")])
        # ...leaves no trace of it: the first run alone, with its two findings.
        assert [r.id for r in h.runs()] == [1]
        assert h.conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 2
