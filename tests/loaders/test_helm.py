"""Helm rendering. helm is not packaged for this platform's registries, so the test puts a
small stand-in `helm` on PATH that prints what `helm template` prints for a two-template chart
(`# Source:` headers included); meshward's own parsing and line mapping are what is tested."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from meshward.config import Config
from meshward.pipeline import load_inventory

RENDERED = """---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: meshward-shop
spec:
  type: NodePort
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: meshward-shop
spec:
  template:
    spec:
      containers:
      - name: shop
        image: shop:1
"""


@pytest.fixture
def chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    tpl = root / "shop" / "templates"
    tpl.mkdir(parents=True)
    (root / "shop" / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    (tpl / "service.yaml").write_text("apiVersion: v1\n{{- if .Values.svc }}\nkind: Service\n")
    (tpl / "deployment.yaml").write_text("# d\napiVersion: apps/v1\nkind: Deployment\n{{ end }}\n")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "rendered.yaml").write_text(RENDERED)
    helm = bindir / "helm"
    helm.write_text(f"#!/bin/sh\ncat {bindir / 'rendered.yaml'}\n")
    helm.chmod(helm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return root


def test_rendered_objects_point_at_their_templates(chart: Path) -> None:
    inv = load_inventory([chart], Config())
    assert inv.errors == []
    assert sorted((o.kind, o.name, str(o.location), o.origin) for o in inv.objects) == [
        ("Deployment", "meshward-shop", "shop/templates/deployment.yaml:3", "helm"),
        ("Service", "meshward-shop", "shop/templates/service.yaml:3", "helm"),
    ]
    assert not any("helm is not installed" in n for n in inv.notices)


def test_without_helm_says_so_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tpl = tmp_path / "c" / "templates"
    tpl.mkdir(parents=True)
    (tmp_path / "c" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    for i in range(5):
        (tpl / f"t{i}.yaml").write_text("kind: {{ .Values.kind }}\n{{- if x }}\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    inv = load_inventory([tmp_path], Config())
    assert inv.errors == [] and inv.objects == []
    assert inv.notices == ["helm is not installed: chart(s) c were not rendered and their templates "
                           "were not read (install helm, or scan `helm template` output)"]
