from __future__ import annotations

import json
from pathlib import Path

from meshward.config import Config
from meshward.model.edges import addresses_in
from meshward.model.graph import EXTERNAL
from meshward.pipeline import build_context
from meshward.reporters.graph import GraphFormat, render_graph

FLEET = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
        envFrom:
        - configMapRef: {name: web-config}
        env:
        - name: API_URL
          value: http://api.shop.svc.cluster.local:8080/v1
        - name: MODE
          value: api
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  CACHE_ADDR: cache:6379
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: api:1, ports: [{containerPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop}
spec:
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - {name: redis, image: redis:7}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-public, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
"""

COMPOSE = """\
services:
  api:
    image: api:1
    environment:
      DATABASE_URL: postgres://app@db:5432/app?sslmode=disable
    depends_on: [db]
  db:
    image: postgres:16
"""


def _ctx(tmp_path: Path):
    (tmp_path / "k8s.yaml").write_text(FLEET)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    return build_context([tmp_path], Config())


def test_services_merge_across_environments(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    api = ctx.inventory.services["api"]
    assert api.environments == ["compose:docker-compose.yml", "kubernetes:shop"]
    assert "api.shop.svc.cluster.local" in api.dns_names
    assert ctx.inventory.services["web"].exposure.value == "public"


def test_edges_with_evidence(tmp_path: Path) -> None:
    g = _ctx(tmp_path).graph
    got = {(e.source, e.target): [(ev.kind, str(ev.location), ev.scheme, ev.port) for ev in e.evidence]
           for e in g.edges.values()}
    assert got == {
        ("web", "api"): [("env", "k8s.yaml:15", "http", 8080)],
        ("web", "cache"): [("configmap", "k8s.yaml:24", "", 6379)],
        ("api", "db"): [("env", "docker-compose.yml:5", "postgres", 5432),
                        ("depends_on", "docker-compose.yml:6", "", None)],
        (EXTERNAL, "web"): [("exposure", "k8s.yaml:1", "", None)],
    }
    # MODE=api is a bare word in a variable that is not an address: no edge from it
    assert all(ev.variable != "MODE" for e in g.edges.values() for ev in e.evidence)


def test_address_parsing() -> None:
    got = [(a.host, a.scheme, a.port) for a in addresses_in(
        "amqp://guest:guest@rabbitmq:5672,kafka-0.kafka:9092;mongodb://u:p@orders-db/db")]
    assert got == [("rabbitmq", "amqp", 5672), ("kafka-0.kafka", "", 9092),
                   ("orders-db", "mongodb", None), ("db", "", None)]


def test_graph_formats(tmp_path: Path) -> None:
    g = _ctx(tmp_path).graph
    data = json.loads(render_graph(g, GraphFormat.JSON))
    assert {(e["source"], e["target"]) for e in data["edges"]} == {
        ("web", "api"), ("web", "cache"), ("api", "db"), (EXTERNAL, "web")}
    dot = render_graph(g, GraphFormat.DOT)
    assert dot.startswith("digraph meshward {") and '"web" -> "api" [label="8080"];' in dot
    mermaid = render_graph(g, GraphFormat.MERMAID)
    assert "n_web -->|8080| n_api" in mermaid and mermaid.startswith("flowchart LR")
    text = render_graph(g, GraphFormat.TEXT)
    assert "  -> api  (port 8080; scheme http; confidence high)" in text
    assert "k8s.yaml:15  env: API_URL=http://api.shop.svc.cluster.local:8080/v1" in text


def test_online_boutique_frontend_calls(corpus: Path) -> None:
    ctx = build_context([corpus / "online-boutique" / "kubernetes-manifests"], Config())
    callees = {e.target for e in ctx.graph.callees("frontend")}
    # SHOPPING_ASSISTANT_SERVICE_ADDR names a service these manifests do not deploy: no edge.
    assert callees == {"adservice", "cartservice", "checkoutservice", "currencyservice",
                       "productcatalogservice", "recommendationservice", "shippingservice"}
    assert {e.target for e in ctx.graph.callees("checkoutservice")} == {
        "cartservice", "currencyservice", "emailservice", "paymentservice",
        "productcatalogservice", "shippingservice"}
    assert {e.target for e in ctx.graph.callees("cartservice")} == {"redis-cart"}
    assert {e.target for e in ctx.graph.callees(EXTERNAL)} == {"frontend"}
