"""RBAC resolution scenarios that depend on several objects together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.pipeline import build_context, scan
from meshward.zerotrust.rbac import CLUSTER, resolve

TODAY = dt.date(2026, 11, 23)


def _write(tmp: Path, text: str) -> Path:
    (tmp / "rbac.yaml").write_text(text)
    return tmp


def test_rolebinding_to_clusterrole_is_namespace_scoped(tmp_path: Path) -> None:
    _write(tmp_path, """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: app}
- {kind: ServiceAccount, name: other, namespace: team-b}
""")
    rbac = resolve(build_context([tmp_path]).inventory)
    got = sorted((str(g.subject), g.scope) for g in rbac.grants)
    assert got == [("ServiceAccount team-a/app", "team-a"), ("ServiceAccount team-b/other", "team-a")]
    result = scan([tmp_path], today=TODAY, select=["MW804"])
    assert [(f.severity.value, f.location.line) for f in result.findings] == [
        ("medium", 12), ("medium", 13)]


def test_transitive_aggregation_and_cycle(tmp_path: Path) -> None:
    _write(tmp_path, """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top, labels: {tier: b}}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{key: tier, operator: In, values: [a]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: middle, labels: {tier: a}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {tier: b}}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {tier: b}}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: top}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}
subjects:
- {kind: User, name: "system:serviceaccount:tools:debugger"}
""")
    rbac = resolve(build_context([tmp_path]).inventory)
    assert [(str(g.subject), g.rule.describe(), g.scope) for g in rbac.grants] == [
        ("ServiceAccount tools/debugger", "create pods/exec", CLUSTER)]
    result = scan([tmp_path], today=TODAY, select=["MW805"])
    assert [f.message for f in result.findings] == [
        "ServiceAccount tools/debugger can run commands in pods cluster-wide: create pods/exec "
        "(ClusterRole top, granted by ClusterRoleBinding top)"]


def test_role_in_other_namespace_is_missing(tmp_path: Path) -> None:
    _write(tmp_path, """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: a}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: x}]
""")
    result = scan([tmp_path], today=TODAY, select=["MW8*"])
    assert [(f.rule_id, f.message) for f in result.findings] == [
        ("MW807", "RoleBinding b/b binds Role r in namespace b, which is not defined in the "
                  "scanned files (subjects: ServiceAccount b/x)")]
