"""The tamper-evident archive: every kind of tampering is named by `meshward archive verify`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshward.cli.main import main
from meshward.watch.archive import ArchiveWriter, verify


def _write(folder: Path, key: Path, lines: list[bytes], per_segment: int = 4) -> ArchiveWriter:
    w = ArchiveWriter(folder, key, segment_lines=per_segment)
    for line in lines:
        w.add(line, True)
    w.close()
    return w


LINES = [f"line {i} GET /api/orders/{i} 200".encode() for i in range(1, 11)]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    _write(folder, tmp_path / "keys" / "archive.key", LINES)
    return folder


def _problems(folder: Path, key: Path | None = None) -> list[str]:
    return verify(folder, key).problems


def test_a_whole_archive_verifies(archive: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert sorted(p.name for p in archive.iterdir())[:4] == [
        "archive.pub", "seg-000001.idx", "seg-000001.log", "seg-000001.seal"]
    result = verify(archive)
    assert (result.ok, result.segments, result.lines) == (True, 3, 10)
    assert main(["archive", "verify", str(archive)]) == 0
    assert "ok: 3 segment(s), 10 line(s) verified" in capsys.readouterr().out


def test_key_generated_on_first_use_with_a_message(tmp_path: Path) -> None:
    w = _write(tmp_path / "a", tmp_path / "k" / "archive.key", LINES[:1])
    assert w.messages[0] == (f"generated a new Ed25519 archive signing key at "
                             f"{tmp_path / 'k' / 'archive.key'} (keep it private)")
    assert (tmp_path / "k" / "archive.key").stat().st_mode & 0o777 == 0o600
    again = _write(tmp_path / "a", tmp_path / "k" / "archive.key", LINES[1:2])
    assert not any("generated" in m for m in again.messages)
    assert verify(tmp_path / "a").lines == 2  # a second run continues the chain


def test_altered_line(archive: Path) -> None:
    log = archive / "seg-000002.log"
    log.write_bytes(log.read_bytes().replace(b"line 6 GET /api/orders/6 200",
                                             b"line 6 GET /api/orders/6 404"))
    assert _problems(archive) == ["segment 2 (seg-000002.log) line 2: altered"]


def test_deleted_line(archive: Path) -> None:
    log = archive / "seg-000001.log"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:1] + lines[2:]))
    assert _problems(archive) == [
        "segment 1 (seg-000001.log) line 2: deleted (the line now here was line 3)"]


def test_reordered_lines(archive: Path) -> None:
    log = archive / "seg-000001.log"
    a, b, c, d = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(a + c + b + d)
    assert _problems(archive) == [
        "segment 1 (seg-000001.log) line 2: reordered (this line was sealed as line 3)"]


def test_truncated_segment(archive: Path) -> None:
    log = archive / "seg-000002.log"
    data = log.read_bytes()
    log.write_bytes(data[: data.index(b"line 7")])
    assert _problems(archive) == ["segment 2 (seg-000002.log) truncated after line 2 "
                                  "(4 lines sealed)"]
    log.write_bytes(data[: data.index(b"line 7") + 3])
    assert _problems(archive) == ["segment 2 (seg-000002.log) line 3: truncated inside the line "
                                  "(the file ends in it)"]


def test_missing_segment(archive: Path) -> None:
    for ext in ("log", "idx", "seal"):
        (archive / f"seg-000002.{ext}").unlink()
    assert _problems(archive) == [
        "segment 2 is missing (deleted): seg-000002.log and seg-000002.seal are gone"]


def test_reordered_segments(archive: Path) -> None:
    for ext in ("log", "idx", "seal"):
        (archive / f"seg-000001.{ext}").rename(archive / f"tmp.{ext}")
        (archive / f"seg-000002.{ext}").rename(archive / f"seg-000001.{ext}")
        (archive / f"tmp.{ext}").rename(archive / f"seg-000002.{ext}")
    problems = _problems(archive)
    assert problems[0] == ("segment 1 (seg-000001.log) holds the seal of segment 2: segments "
                           "were renamed or reordered")


def test_forged_seal_and_other_key(archive: Path, tmp_path: Path) -> None:
    seal_path = archive / "seg-000003.seal"
    seal = json.loads(seal_path.read_text())
    seal["lines"] = 1
    seal_path.write_text(json.dumps(seal))
    assert _problems(archive) == [
        "segment 3 (seg-000003.log): seal altered or not signed by this key (seg-000003.seal)"]
    other = tmp_path / "other"
    _write(other, tmp_path / "otherkey" / "k", LINES[:2])
    problems = _problems(archive, other / "archive.pub")
    assert problems[0].startswith("segment 1 (seg-000001.log): seal altered or not signed")


def test_cli_names_first_problem_and_exits_1(archive: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    log = archive / "seg-000001.log"
    log.write_bytes(log.read_bytes().replace(b"line 1 ", b"line X "))
    assert main(["archive", "verify", str(archive), "--key", str(archive / "archive.pub")]) == 1
    out = capsys.readouterr().out
    assert "TAMPERED: segment 1 (seg-000001.log) line 1: altered" in out


def test_unsealed_tail_is_a_note_and_sealed_on_restart(tmp_path: Path) -> None:
    folder, key = tmp_path / "a", tmp_path / "k"
    w = ArchiveWriter(folder, key, segment_lines=100)
    w.add(b"one", True)
    w.log.flush()  # type: ignore[union-attr]
    w.idx.flush()  # type: ignore[union-attr]
    result = verify(folder)
    assert result.ok and "segment 1 (seg-000001.log) is not sealed yet" in result.notes[1]
    again = ArchiveWriter(folder, key)
    assert "segment 1 was left unsealed by a stopped writer" in again.messages[0]
    again.add(b"two", True)
    again.close()
    result = verify(folder)
    assert (result.ok, result.lines) == (True, 2)
    assert any("recovered" in n for n in result.notes)


def test_missing_public_key_says_what_to_do(archive: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (archive / "archive.pub").unlink()
    assert main(["archive", "verify", str(archive)]) == 2
    err = capsys.readouterr().err
    assert f"{archive / 'archive.pub'}: no public key there; pass --key PUB" in err
    assert "Errno" not in err


def test_writing_with_the_default_key_to_an_archive_of_another_key_names_it(
        archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from meshward.errors import UsageError
    from meshward.watch import archive as module

    default = tmp_path / "home" / "archive.key"
    monkeypatch.setattr(module, "default_key_path", lambda: default)
    with pytest.raises(UsageError, match=f"signed with another key than {default}$"):
        ArchiveWriter(archive, None)


def test_verify_reports_mww30_findings_in_every_format(archive: Path, tmp_path: Path,
                                                       capsys) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    from meshward.reporters.json_report import load_schema
    from tests.conftest import REPO

    log = archive / "seg-000002.log"
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"GET", b"PUT")
    log.write_bytes(b"\n".join(lines))
    out = tmp_path / "r.json"
    assert main(["archive", "verify", str(archive), "-f", "json", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, load_schema())
    [f] = doc["findings"]
    assert (f["rule_id"], f["mode"], f["severity"], f["practices"]) == (
        "MWW30", "verify", "critical", ["LOG-TAMPER"])
    assert f["location"] == {"path": str(archive / "seg-000002.log"), "line": 2}
    assert f["resource"] == {"kind": "ArchiveSegment", "namespace": "", "name": "seg-000002.log"}
    assert f["message"] == "segment 2 (seg-000002.log) line 2: altered"
    assert {e["name"]: e["value"] for e in f["extra"]} == {"archive": str(archive), "segment": "2"}
    assert doc["notices"][-1] == f"1 problem(s) in {archive}; the first one is where tampering starts"
    sarif = tmp_path / "r.sarif"
    assert main(["archive", "verify", str(archive), "-f", "sarif", "-o", str(sarif)]) == 1
    run = json.loads(sarif.read_text())
    for folder in (REPO.parent, REPO.parent.parent):  # /work/shared beside main or a worktree
        schema_file = folder / "shared" / "schemas" / "sarif-schema-2.1.0.json"
        if schema_file.is_file():
            jsonschema.Draft4Validator(json.loads(schema_file.read_text())).validate(run)
    [result] = run["runs"][0]["results"]
    assert (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"]) \
        == ("MWW30", 2)
    for fmt in ("junit", "markdown"):
        assert main(["archive", "verify", str(archive), "-f", fmt]) == 1
        assert "seg-000002.log" in capsys.readouterr().out
    assert main(["archive", "verify", str(archive)]) == 1
    assert "TAMPERED: segment 2 (seg-000002.log) line 2: altered" in capsys.readouterr().out


def test_a_whole_archive_has_no_finding_in_json(archive: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["archive", "verify", str(archive), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == []
    assert doc["notices"][-1] == f"ok: 3 segment(s), 10 line(s) verified in {archive}"
    practices = {p["code"]: p["status"] for p in doc["summary"]["practices"]}
    assert practices["LOG-TAMPER"] == "met"
