"""The speed work's loader contracts: renders keep a user's Go settings, the walk is reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshward.loaders import kustomize, walk
from meshward.model.inventory import Inventory


def test_render_env_turns_go_collector_off_up_to_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.delenv("GOMEMLIMIT", raising=False)
    env = kustomize._render_env()
    assert env is not None
    assert (env["GOGC"], env["GOMEMLIMIT"]) == ("off", "256MiB")


@pytest.mark.parametrize("name", ["GOGC", "GOMEMLIMIT"])
def test_render_env_keeps_a_users_go_setting(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "100")
    assert kustomize._render_env() is None  # the inherited environment, unchanged


def test_tree_files_reuses_the_loaders_walk(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: ConfigMap\n")
    inv = Inventory(root=str(tmp_path), roots=[str(tmp_path)])
    walked = walk.iter_files(tmp_path, [], [])
    walk.remember_files(inv, tmp_path, [], walked)
    (tmp_path / "b.yaml").write_text("kind: ConfigMap\n")  # added after the walk: not seen again
    assert walk.tree_files(inv, tmp_path, []) == [tmp_path / "a.yaml"]
    # Another exclude list is another walk.
    assert walk.tree_files(inv, tmp_path, ["a.yaml"]) == [tmp_path / "b.yaml"]
    # Without a remembered walk, the tree is walked (once) for that owner.
    other = Inventory(root=str(tmp_path), roots=[str(tmp_path)])
    assert walk.tree_files(other, tmp_path, []) == [tmp_path / "a.yaml", tmp_path / "b.yaml"]


def test_meanwhile_runs_once_before_the_tree_is_returned(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    calls: list[int] = []
    tree = walk.load_tree(tmp_path, [], meanwhile=lambda: calls.append(len(calls)))
    assert calls == [0]
    assert [o.name for o in tree.objects] == ["x"]
    assert tree.files == [tmp_path / "cm.yaml"]


def test_a_kubernetes_scan_loads_no_optional_library(tmp_path: Path) -> None:
    """Start-up: libraries of other inputs and commands load only when used."""
    import subprocess
    import sys

    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    code = ("import sys; from meshward.cli.main import main\n"
            "try:\n    main(['scan', sys.argv[1], '-f', 'json', '-o', '/dev/null'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = ['boto3', 'rich', 'orjson', 'cryptography', 'hcl2', 'packaging.version',\n"
            "         'semver', 'debian.debian_support', 'cvss', 'concurrent.futures.process']\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
