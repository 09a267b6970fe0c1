"""A command imports only its own code: `meshward scan` must not pay for probe, policy or
catalog modules at start-up (corpus x1 scans in well under a second)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from meshward.cli.main import COMMANDS, main

OTHER_COMMANDS_ONLY = ("meshward.probe.runner", "meshward.cli.probe_cmd", "meshward.cli.policy_cmd",
                       "meshward.cli.catalog_cmd", "meshward.cli.access_cmd", "asyncio")


def test_scan_imports_only_what_it_uses(tmp_path: Path) -> None:
    code = ("import sys\nfrom meshward.cli.main import main\n"
            f"code = main(['scan', {str(tmp_path)!r}, '-f', 'json', '-o', {str(tmp_path / 'r.json')!r}])\n"
            f"print(code, sorted(m for m in {OTHER_COMMANDS_ONLY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"
    assert (tmp_path / "r.json").read_text().startswith("{")


def test_every_command_is_listed_in_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for name in COMMANDS:
        assert f"    {name}" in text


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nosuch"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nosuch'" in err and "probe" in err
