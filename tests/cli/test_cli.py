"""The CLI as a user runs it: exit codes, formats, baselines, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from meshward.cli.main import main
from tests.conftest import REPO

PRIV = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
        "    image: x:1\n    securityContext: {privileged: true}\n")


def _tree(tmp_path: Path, text: str = PRIV) -> Path:
    (tmp_path / "pod.yaml").write_text(text)
    return tmp_path


def test_exit_codes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(tmp_path)
    assert main(["scan", str(tree), "--select", "MW101"]) == 1
    assert main(["scan", str(tree), "--select", "MW101", "--fail-on", "critical"]) == 1
    assert main(["scan", str(tree), "--select", "MW201"]) == 0
    assert main(["scan", str(tree), "--fail-on", "bogus"]) == 2
    assert "unknown severity 'bogus'" in capsys.readouterr().err
    assert main(["scan", str(tmp_path / "missing")]) == 2
    (tmp_path / "bad.yaml").write_text("a: [\n")
    assert main(["scan", str(tree), "--select", "MW201"]) == 2
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_json_output_and_baseline(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "t").mkdir()
    tree = _tree(tmp_path / "t")
    out = tmp_path / "report.json"
    assert main(["scan", str(tree), "--select", "MW101", "-f", "json", "-o", str(out)]) == 1
    data = json.loads(out.read_text())
    assert [(f["rule_id"], f["location"]["path"], f["location"]["line"]) for f in data["findings"]] == [
        ("MW101", "pod.yaml", 8)]
    base = tmp_path / "base.json"
    assert main(["baseline", str(tree), "-o", str(base)]) == 0
    assert main(["scan", str(tree), "--select", "MW101", "--baseline", str(base)]) == 0
    assert main(["scan", str(tree), "--select", "MW101", "--baseline", str(tmp_path / "none.json")]) == 2


def test_every_output_format_renders(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(tmp_path)
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        assert main(["scan", str(tree), "--select", "MW101", "-f", fmt]) == 1
        assert "MW101" in capsys.readouterr().out


def test_rules_explain_and_graph(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules"]) == 0
    assert "MW101" in capsys.readouterr().out
    assert main(["explain", "mw101"]) == 0
    doc = capsys.readouterr().out
    assert doc.startswith("# MW101: Container runs privileged") and "AUTH-LEASTPRIV" in doc
    assert main(["explain", "MW000"]) == 2
    assert main(["graph", str(REPO / "examples" / "shop"), "-f", "mermaid"]) == 0
    assert "flowchart LR" in capsys.readouterr().out


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(b"\x00\xff" * 50)
    proc = subprocess.run([sys.executable, "-m", "meshward.cli.main", "scan", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "x.yaml: binary file where a text manifest was expected" in proc.stdout + proc.stderr
