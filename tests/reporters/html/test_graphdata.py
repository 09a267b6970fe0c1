"""What the page's graph marks on each edge, from what the analyses computed."""

from __future__ import annotations

from pathlib import Path

from meshward.pipeline import scan
from meshward.reporters.html.graphdata import graph_data

MESHED = """\
apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  annotations: {{linkerd.io/inject: {inject}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: front, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: front}}}}
  template:
    metadata: {{labels: {{app: front}}}}
    spec:
      containers:
      - name: front
        image: front:1
        env:
        - {{name: API_URL, value: "http://api:8080/v1"}}
        - {{name: AUTH_URL, value: "https://auth:8443/"}}
        - {{name: CACHE_ADDR, value: "cache:11211"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers: [{{name: api, image: api:1, ports: [{{containerPort: 8080}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: {ns}}}
spec: {{selector: {{app: api}}, ports: [{{port: 8080}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: auth, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: auth}}}}
  template:
    metadata: {{labels: {{app: auth}}}}
    spec:
      containers: [{{name: auth, image: auth:1, ports: [{{containerPort: 8443}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: auth, namespace: {ns}}}
spec: {{selector: {{app: auth}}, ports: [{{port: 8443}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: cache, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: cache}}}}
  template:
    metadata: {{labels: {{app: cache}}}}
    spec:
      containers: [{{name: cache, image: memcached:1, ports: [{{containerPort: 11211}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: cache, namespace: {ns}}}
spec: {{selector: {{app: cache}}, ports: [{{port: 11211}}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: api-from-front, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: api}}}}
  policyTypes: [Ingress]
  ingress:
  - from: [{{podSelector: {{matchLabels: {{app: front}}}}}}]
    ports: [{{port: 8080}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: cache-closed, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: cache}}}}
  policyTypes: [Ingress]
"""


def _edges(tmp_path: Path, inject: str) -> dict[str, tuple[str, str]]:
    (tmp_path / "fleet.yaml").write_text(MESHED.format(ns="team", inject=inject))
    result = scan([tmp_path])
    data = graph_data(result.context, result.findings)
    assert [g["label"] for g in data["groups"]] == ["namespace team"]
    assert {e["source"] for e in data["edges"]} == {"front"}
    return {e["target"]: (e["enc"], e["seg"]) for e in data["edges"]}


def test_edges_without_a_mesh(tmp_path: Path) -> None:
    assert _edges(tmp_path, "disabled") == {
        "api": ("plaintext", "allowed"),  # http://, and a policy lets front in
        "auth": ("tls", "open"),  # https://, and nothing isolates auth
        "cache": ("plaintext", "blocked"),  # memcached's port, and its policy admits nobody
    }


def test_an_allowed_edge_names_the_rule_that_lets_the_caller_in(tmp_path: Path) -> None:
    (tmp_path / "fleet.yaml").write_text(MESHED.format(ns="team", inject="disabled"))
    result = scan([tmp_path])
    edges = {e["target"]: e for e in graph_data(result.context, result.findings)["edges"]}
    assert edges["api"]["seg_why"] == (
        "the callee is isolated by NetworkPolicy team/api-from-front; "
        "NetworkPolicy team/api-from-front ingress rule 1 lets this caller in")


def test_edges_inside_linkerd(tmp_path: Path) -> None:
    edges = _edges(tmp_path, "enabled")
    assert edges["api"] == ("mtls", "allowed")
    assert edges["auth"] == ("mtls", "open")
    assert edges["cache"][1] == "blocked"


def test_group_labels() -> None:
    from meshward.model.inventory import Deployment, Service
    from meshward.model.source import Location
    from meshward.reporters.html.graphdata import group_label

    def dep(env: str, scope: str) -> Deployment:
        return Deployment(env, scope, "Deployment", "x", Location("f.yaml", 1))

    # one environment per box: the namespace wins over compose and cloud, cloud over compose
    assert group_label(Service("a", deployments=[dep("compose", "c/docker-compose.yml"),
                                                 dep("kubernetes", "shop"),
                                                 dep("aws", "123456789012")])) == "namespace shop"
    assert group_label(Service("a", deployments=[dep("compose", "c/docker-compose.yml"),
                                                 dep("aws", "123456789012")])) == (
        "aws account 123456789012")
    assert group_label(Service("a", deployments=[dep("compose", "c/docker-compose.yml")])) == (
        "compose c/docker-compose.yml")
    many = Service("a", deployments=[dep("kubernetes", f"ns{i}") for i in (3, 0, 4, 1, 2)])
    assert group_label(many) == "namespace ns0"
    assert group_label(Service("a")) == "not deployed"
