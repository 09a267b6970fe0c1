from __future__ import annotations

from pathlib import Path

from meshward.config import Config
from meshward.loaders.interface import SourceFile
from meshward.loaders.kubernetes import build_workload, load_documents, parse_documents
from meshward.pipeline import load_inventory


def _load(text: str, name: str = "m.yaml", ns: str = "default"):
    src = SourceFile(name, text)
    docs, err = parse_documents(src)
    return load_documents(src, docs, ns), err


def test_multi_document_keeps_lines_and_namespaces() -> None:
    res, err = _load(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: shop\n---\n"
        "# comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
    )
    assert err is None and res.errors == []
    assert [(o.kind, o.name, o.namespace, o.location.line) for o in res.objects] == [
        ("Service", "a", "shop", 1), ("ConfigMap", "b", "default", 8)]
    assert res.objects[0].namespace_explicit and not res.objects[1].namespace_explicit


def test_list_kind_and_json_dump() -> None:
    text = ('{\n "apiVersion": "v1",\n "kind": "List",\n "items": [\n  {"apiVersion": "apps/v1", '
            '"kind": "Deployment",\n   "metadata": {"name": "web", "namespace": "prod"}}\n ]\n}\n')
    res, err = _load(text, "dump.json")
    assert err is None
    assert [(o.kind, o.name, o.namespace, o.location.line) for o in res.objects] == [
        ("Deployment", "web", "prod", 5)]


def test_kubectl_yaml_list_dump() -> None:
    res, _ = _load("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"
                   "  metadata: {name: p}\n  spec: {containers: []}\n- apiVersion: v1\n"
                   "  kind: Secret\n  metadata: {name: s}\n")
    assert [(o.kind, o.location.line) for o in res.objects] == [("Pod", 4), ("Secret", 8)]


def test_errors_have_file_and_line_and_good_documents_survive() -> None:
    res, err = _load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\na: [\n")
    assert [o.name for o in res.objects] == ["ok"]
    assert err is not None and err.path == "m.yaml" and err.line == 6
    res, _ = _load("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n")
    assert [e.render() for e in res.errors] == [
        "m.yaml:2: unknown kind 'Deploymnet' for apiVersion apps/v1 (did you mean Deployment?) "
        "(the object was kept but not checked)"]
    res, _ = _load("kind: Pod\nmetadata: {name: x}\n")
    assert [e.message for e in res.errors] == ["Pod has no `apiVersion`"]
    res, _ = _load("apiVersion: v1\nkind: Pod\nmetadata: [1]\n")
    assert [e.message for e in res.errors] == ["Pod: metadata must be a mapping"]


def test_workload_containers_env_and_ports() -> None:
    res, _ = _load(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: job}\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        metadata:\n          labels: {app: job}\n"
        "        spec:\n          initContainers:\n          - name: init\n            image: busybox\n"
        "          containers:\n          - name: main\n            image: app:1\n            env:\n"
        "            - name: A\n              value: x\n            - name: B\n              valueFrom:\n"
        "                secretKeyRef: {name: s, key: k}\n            ports:\n"
        "            - containerPort: 8080\n              hostPort: 80\n")
    errors: list = []
    w = build_workload(res.objects[0], errors)
    assert w is not None and errors == []
    assert [(c.name, c.role) for c in w.containers] == [("init", "init"), ("main", "container")]
    main = w.containers[1]
    assert [(e.name, e.value, e.source, e.ref_name, e.location.line) for e in main.env] == [
        ("A", "x", "literal", "", 18), ("B", None, "secretKeyRef", "s", 20)]
    assert [(p.port, p.host_port) for p in main.ports] == [(8080, 80)]
    assert w.pod_labels == {"app": "job"}


def test_port_as_word_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
        "    image: x\n    ports:\n    - containerPort: http\n")
    inv = load_inventory([tmp_path], Config())
    assert [e.render() for e in inv.errors] == [
        "p.yaml:9: container c: containerPort 'http' is not a number "
        "(containerPort must be an integer 1-65535)"]


def test_kustomization_namespace_applies_to_listed_resources(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n")
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [svc.yaml]\n")
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "kustomization.yaml").write_text("namespace: shop\nresources: [../base]\n")
    inv = load_inventory([tmp_path], Config())
    assert inv.errors == []
    assert sorted({(o.kind, o.name, o.namespace) for o in inv.objects}) == [("Service", "web", "shop")]
    assert all(o.location.path == "base/svc.yaml" for o in inv.objects)
