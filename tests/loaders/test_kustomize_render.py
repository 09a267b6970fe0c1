from __future__ import annotations

from pathlib import Path

import pytest

from meshward.config import Config
from meshward.loaders.kustomize import kustomize_command
from meshward.pipeline import load_inventory

needs_kustomize = pytest.mark.skipif(kustomize_command() is None,
                                     reason="neither kustomize nor kubectl is installed")

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1.0
        securityContext:
          privileged: false
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "kustomization.yaml").write_text(
        "namespace: prod\nnamePrefix: prod-\nresources: [../base]\npatches:\n- path: priv.yaml\n")
    (tmp_path / "prod" / "priv.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
        "    spec:\n      containers:\n      - name: web\n        securityContext: {privileged: true}\n")
    return tmp_path


@needs_kustomize
def test_overlay_is_rendered_and_points_at_the_base_file(tmp_path: Path) -> None:
    inv = load_inventory([_tree(tmp_path)], Config())
    assert inv.errors == []
    assert [(o.kind, o.name, o.namespace, str(o.location), o.origin) for o in inv.objects] == [
        ("Deployment", "prod-web", "prod", "base/deploy.yaml:1", "kustomize")]
    w = inv.workloads[0]
    # the patch was applied, and the field points at the base line that it replaced
    assert w.containers[0].security_context.get("privileged") is True
    assert w.containers[0].line("securityContext", "privileged") == 16


def test_without_kustomize_reads_plain_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    inv = load_inventory([_tree(tmp_path)], Config())
    assert inv.errors == []
    assert [(o.name, o.namespace, str(o.location)) for o in inv.objects] == [
        ("web", "prod", "base/deploy.yaml:1")]
    assert inv.notices == ["kustomize/kubectl is not installed: prod read as plain resources "
                           "(namespace applied; patches, prefixes and generators not applied)"]
