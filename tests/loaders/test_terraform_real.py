"""The Terraform fixtures are real Terraform: the terraform binary accepts their syntax and
formatting (`terraform fmt -check` works offline; validate would need providers)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

TERRAFORM = shutil.which("terraform")
TREES = [FIXTURES / "rules", REPO / "examples" / "shop" / "cloud",
         *sorted(p for p in (FIXTURES / "terraform").iterdir() if p.is_dir() and p.name != "bad")]


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")
@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_fixtures_are_terraform_syntax(tree: Path, tmp_path: Path) -> None:
    proc = subprocess.run([str(TERRAFORM), "fmt", "-check", "-recursive", "-no-color", str(tree)],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "CHECKPOINT_DISABLE": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed")
def test_the_broken_fixture_is_broken_for_terraform_too(tmp_path: Path) -> None:
    proc = subprocess.run([str(TERRAFORM), "fmt", "-check", "-no-color",
                           str(FIXTURES / "terraform" / "bad")], capture_output=True, text=True,
                          timeout=60, check=False,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "CHECKPOINT_DISABLE": "1"})
    assert proc.returncode != 0
    assert "broken.tf" in proc.stderr
