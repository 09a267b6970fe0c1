"""`meshward access`: exact inventory rows, JSON, subject filter and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshward.cli.main import main

RBAC = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice
  namespace: shop
  annotations: {meshward.io/expires: "2000-01-01", meshward.io/owner: lead}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: User, name: alice}
- {kind: ServiceAccount, name: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: gone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}
subjects:
- {kind: Group, name: ops}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "rbac.yaml").write_text(RBAC)
    return tmp_path


def test_table_rows_are_exact(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["access", str(tree)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line.split("  ") for line in out[1:4]]
    cleaned = [[c.strip() for c in row if c.strip()] for row in rows]
    assert cleaned == [
        ["Group ops", "(none: ClusterRole missing not found)", "cluster-wide",
         "ClusterRole missing", "ClusterRoleBinding gone (rbac.yaml:23)", "-", "-"],
        ["ServiceAccount shop/app", "get configmaps", "namespace shop", "Role shop/reader",
         "RoleBinding shop/alice (rbac.yaml:16)", "2000-01-01 (expired)", "lead"],
        ["User alice", "get configmaps", "namespace shop", "Role shop/reader",
         "RoleBinding shop/alice (rbac.yaml:15)", "2000-01-01 (expired)", "lead"],
    ]
    assert out[0].split() == ["SUBJECT", "PERMISSION", "SCOPE", "ROLE", "GRANTED", "BY",
                              "EXPIRES", "OWNER"]
    assert out[-1] == "3 grants to 3 subjects"


def test_json(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["access", str(tree), "--format", "json", "--subject", "User *"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"grants": [{
        "subject": {"kind": "User", "name": "alice", "namespace": ""},
        "permission": "get configmaps", "scope": "shop", "role": "Role shop/reader",
        "granted_by": {"binding": "RoleBinding shop/alice", "path": "rbac.yaml", "line": 15},
        "expires": "2000-01-01", "expired": True, "owner": "lead", "reason": None,
        "rule": {"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"],
                 "resourceNames": [], "nonResourceURLs": []},
    }]}


def test_aggregated_and_builtin_roles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "agg.yaml").write_text("""\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: team}
""")
    assert main(["access", str(tmp_path), "-f", "json"]) == 0
    grants = json.loads(capsys.readouterr().out)["grants"]
    perms = {g["permission"] for g in grants}
    # edit aggregates view, which aggregates the tree's widgets-view: all granted in dev only.
    assert "get example.com/widgets" in perms
    assert "get,list,watch secrets,pods/attach,pods/exec,pods/portforward,pods/proxy,services/proxy" in perms
    assert {g["scope"] for g in grants} == {"dev"}
    assert {g["role"] for g in grants} == {"built-in ClusterRole edit"}


def test_input_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("kind: RoleBinding\napiVersion: [\n")
    assert main(["access", str(tmp_path)]) == 2
    assert "bad.yaml:" in capsys.readouterr().err


def test_output_file(tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.json"
    assert main(["access", str(tree), "-f", "json", "-o", str(target)]) == 2  # folder missing
    target.parent.mkdir()
    assert main(["access", str(tree), "-f", "json", "-o", str(target)]) == 0
    assert len(json.loads(target.read_text())["grants"]) == 3
