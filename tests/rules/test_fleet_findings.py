"""Fleet-wide findings (MW330, MW601, MW971) stand for no arbitrary workload or service:
no resource/service of their own, every affected service listed in the ``services`` extra."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.config import Config
from meshward.pipeline import scan

COMPOSE = """services:
  web:
    image: web:1
    environment:
      API_URL: http://api:8080
  api:
    image: api:1
    environment:
      DB_URL: postgres://db:5432/app
  db:
    image: postgres:16
"""

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: registry.example.com/{name}:1
"""


def _one(tmp_path: Path, rule: str):  # type: ignore[no-untyped-def]
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=[rule])
    [f] = result.findings
    return f


def test_no_mesh_names_every_service_and_no_arbitrary_one(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    f = _one(tmp_path, "MW601")
    assert (f.resource, f.service, f.key) == (None, None, "fleet")
    assert (f.location.path, f.location.line) == ("docker-compose.yml", 9)
    assert dict(f.extra) == {"services": "api,db,web", "connections": "2"}
    assert f.message == ("no service mesh and no application mTLS found: 2 service-to-service "
                         "connection(s) between 3 services authenticate no caller "
                         "(e.g. api -> db)")


def test_fleet_wide_kubernetes_findings_list_services(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("---\n".join(DEPLOY.format(name=n) for n in ("web", "api")))
    admission = _one(tmp_path, "MW330")
    assert (admission.resource, admission.service, admission.key) == (None, None, "fleet")
    assert dict(admission.extra) == {"services": "api,web", "workloads": "2"}
    assert (admission.location.path, admission.location.line) == ("app.yaml", 1)
    logs = _one(tmp_path, "MW971")
    assert (str(logs.resource), logs.service, logs.key) == ("Fleet/kubernetes", None, "fleet")
    assert dict(logs.extra) == {"services": "api,web"}
