"""`meshward secrets`: exit codes, formats that never leak, suppressions, git modes, Vault."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from meshward.cli.main import main
from tests.secrets.eval.tokens import Gen

G = Gen(99)
TOKEN = G.crc_token("ghp")
PASSWORD = "Zr8-" + G.r("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789", 14)


def _write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(tmp_path, "app/settings.env", f"GITHUB_TOKEN={TOKEN}\nDB_PASSWORD={PASSWORD}\n")
    _write(tmp_path, "app/clean.yaml", "password: ${DB_PASSWORD}\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_no_format_prints_a_secret(tree: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(tree), "-f", fmt, "--no-color"]) == 1
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err and PASSWORD not in out.out + out.err
    assert "MW901" in out.out


def test_json_findings(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", str(tree), "-f", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    got = [(f["rule_id"], f["location"]["path"], f["location"]["line"], f["evidence"])
           for f in doc["findings"]]
    assert got == [("MW901", "app/settings.env", 1, "ghp_…(40 chars)"),
                   ("MW902", "app/settings.env", 2, "DB_PASSWORD=Zr8-…(18 chars)")]


def test_exit_codes(tmp_path: Path, tree: Path) -> None:
    _write(tmp_path / "clean", "a.yaml", "password: ${X}\n")
    assert main(["secrets", str(tmp_path / "clean")]) == 0
    assert main(["secrets", str(tmp_path / "missing")]) == 2
    assert main(["secrets", str(tree), "--fail-on", "critical"]) == 0
    assert main(["secrets", str(tree), "--fail-on", "high"]) == 1


def test_inline_allow_and_baseline(tree: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    _write(tree, "app/settings.env",
           f"# meshward:allow MW901 rotated test token\nGITHUB_TOKEN={TOKEN}\nDB_PASSWORD={PASSWORD}\n")
    assert main(["secrets", str(tree), "-f", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], bool(f["suppressed_by"])) for f in doc["findings"]] == [
        ("MW901", True), ("MW902", False)]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"meshward_baseline": 1, "findings": [
        {"fingerprint": f["fingerprint"]} for f in doc["findings"]]}))
    assert main(["secrets", str(tree), "--baseline", str(baseline)]) == 0


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "GIT_AUTHOR_DATE": "2024-01-02T03:04:05+00:00",
           "GIT_COMMITTER_DATE": "2024-01-02T03:04:05+00:00"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    _git(r, "init", "-q", "-b", "main")
    _write(r, "README.md", "hello\n")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "first")
    _write(r, "deploy/.env", f"GITHUB_TOKEN={TOKEN}\n")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "add token")
    _write(r, "deploy/.env", "GITHUB_TOKEN=${GITHUB_TOKEN}\n")
    _write(r, "compose.yaml", f"services:\n  db:\n    environment:\n      DB_PASSWORD: {PASSWORD}\n")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "remove token, add password")
    return r


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code = main(args)
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_history(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shas = _git(repo, "rev-list", "--reverse", "HEAD").splitlines()
    code, findings = _json(["secrets", "--history", str(repo), "-f", "json"], capsys)
    assert code == 1
    got = [(f["rule_id"], f["location"]["path"], f["location"]["line"],  # type: ignore[index]
            dict((e["name"], e["value"]) for e in f["extra"])["commit"],  # type: ignore[index, union-attr]
            dict((e["name"], e["value"]) for e in f["extra"])["in_head"])  # type: ignore[index, union-attr]
           for f in findings]
    assert sorted(got) == [("MW901", "deploy/.env", 1, shas[1], "no"),
                           ("MW902", "compose.yaml", 4, shas[2], "yes")]


def test_since_and_staged(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _git(repo, "rev-list", "--reverse", "HEAD").splitlines()[1]
    code, findings = _json(["secrets", "--since", first, str(repo), "-f", "json"], capsys)
    assert code == 1 and [f["rule_id"] for f in findings] == ["MW902"]
    assert main(["secrets", "--staged", str(repo)]) == 0
    capsys.readouterr()
    _write(repo, "new.env", f"API_TOKEN={TOKEN}\n")
    _git(repo, "add", "new.env")
    code, findings = _json(["secrets", "--staged", str(repo), "-f", "json"], capsys)
    assert code == 1
    assert [(f["rule_id"], f["location"]["path"]) for f in findings] == [("MW901", "new.env")]  # type: ignore[index]
    assert main(["secrets", "--since", "no-such-rev", str(repo)]) == 2


def test_history_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["secrets", "--history", str(tmp_path)]) == 2


def test_vault_policies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "vault/orders.hcl", 'path "secret/data/orders/*" {\n  capabilities = ["read"]\n}\n'
           'path "secret/data/payments/db" {\n  capabilities = ["read"]\n}\n')
    _write(tmp_path, "vault/payments.hcl", 'path "secret/*" {\n  capabilities = ["read", "list"]\n}\n'
           '# operators\npath "sys/mounts/*" {\n  capabilities = ["create", "sudo"]\n}\n')
    _write(tmp_path, "vault/broken.hcl", 'path "x" {\n  capabilities = ["read"\n')
    code, findings = _json(["secrets", str(tmp_path), "-f", "json"], capsys)
    assert code == 2  # the broken policy is an input error
    got = sorted((f["rule_id"], f["location"]["path"], f["location"]["line"])  # type: ignore[index]
                 for f in findings)
    assert got == [("MW911", "vault/payments.hcl", 1), ("MW912", "vault/payments.hcl", 5),
                   ("MW913", "vault/orders.hcl", 4)]


def test_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "k8s.yaml", """apiVersion: apps/v1
kind: Deployment
metadata: {name: orders}
spec:
  template:
    metadata:
      annotations: {vault.hashicorp.com/agent-inject: "true"}
    spec:
      containers:
      - name: orders
        image: orders:1
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart}
spec:
  template:
    spec:
      containers:
      - name: cart
        image: cart:1
        env:
        - name: REDIS_PASSWORD
          value: Qz81-redis-pass
        - name: API_TOKEN
          valueFrom: {secretKeyRef: {name: cart, key: token}}
""")
    assert main(["secrets", "--sources", str(tmp_path), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {k: (v["managed"], sorted(s["kind"] for s in v["sources"])) for k, v in doc.items()} == {
        "cart": (False, ["k8s-secret", "literal"]), "orders": (True, ["vault-agent"])}
