"""Random documents never crash a loader: they load or become input errors."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshward.config import Config
from meshward.loaders.compose import load_compose
from meshward.loaders.dockerfile import parse_dockerfile
from meshward.loaders.interface import SourceFile
from meshward.loaders.kubernetes import build_workload, load_documents, parse_documents
from meshward.loaders.yamlsrc import Document
from meshward.pipeline import load_inventory

scalars = st.one_of(st.none(), st.booleans(), st.integers(-70000, 70000), st.text(max_size=12),
                    st.sampled_from(["Pod", "Deployment", "v1", "apps/v1", "80:80", "0.0.0.0:5432:5432",
                                     "${X:-y}", "host", "ALL", "[", "{{ .Values.x }}"]))
keys = st.sampled_from(["apiVersion", "kind", "metadata", "name", "namespace", "spec", "template",
                        "containers", "initContainers", "env", "value", "valueFrom", "ports",
                        "containerPort", "services", "image", "environment", "networks", "volumes",
                        "depends_on", "securityContext", "items", "selector", "labels", "data",
                        "hostPort", "build", "cap_add", "internal"])
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)
documents = st.dictionaries(keys, values, max_size=6)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents)
def test_kubernetes_loader_never_raises(doc: dict) -> None:  # type: ignore[type-arg]
    text = yaml.safe_dump(doc)
    src = SourceFile("f.yaml", text)
    docs, _ = parse_documents(src)
    res = load_documents(src, docs)
    errors: list = []
    for obj in res.objects:
        build_workload(obj, errors)
    assert all(e.path == "f.yaml" for e in [*res.errors, *errors])


@FAST
@given(st.dictionaries(st.text(min_size=1, max_size=6), documents, max_size=4))
def test_compose_loader_never_raises(services: dict) -> None:  # type: ignore[type-arg]
    text = yaml.safe_dump({"services": services})
    src = SourceFile("compose.yaml", text)
    docs, _ = parse_documents(src)
    res = load_compose(src, docs[0] if docs else Document(None, 1, 0))
    assert all(e.path == "compose.yaml" for e in res.errors)


@FAST
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    ["FROM a AS b", "RUN x \\", "RUN <<EOF", "EOF", "# escape=`", "USER", "COPY --from=b a b", "ARG"])),
    max_size=12))
def test_dockerfile_parser_never_raises(lines: list[str]) -> None:
    res = parse_dockerfile(SourceFile("Dockerfile", "\n".join(lines)))
    assert len(res.dockerfiles) == 1


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_as_yaml_and_json(data: bytes) -> None:
    for name in ("x.yaml", "x.json"):
        text = data.decode("utf-8", errors="replace")
        docs, err = parse_documents(SourceFile(name, text))
        load_documents(SourceFile(name, text), docs)
        assert err is None or err.path == name


def test_whole_tree_of_bad_files(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  b: [\n")
    (tmp_path / "empty.yml").write_text("")
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "huge.json").write_text(json.dumps({"a": "x" * 100}))
    (tmp_path / "nested.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "up").symlink_to(tmp_path)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n")
    inv = load_inventory([tmp_path], Config())
    assert [o.name for o in inv.objects] == ["ok"]
    rendered = sorted(e.render() for e in inv.errors)
    assert rendered == sorted([
        "bin.yaml: binary file where a text manifest was expected (exclude it or fix its encoding)",
        "broken.yaml:6: invalid YAML: did not find expected node content "
        "(fix the syntax; documents before it were still read)",
        "dangling.yaml: broken symlink (fix or remove the link)",
        "empty.yml: file is empty (remove it or list it in .meshwardignore)",
        "loop/up: symlink loop: folder already visited (remove the link or add it to .meshwardignore)",
        "nested.yaml: invalid YAML: nested too deeply to read "
        "(fix the syntax; documents before it were still read)",
    ])


def test_meshwardignore_skips_paths(tmp_path: Path) -> None:
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "bad.yaml").write_text("a: [\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "bad.yaml").write_text("a: [\n")
    (tmp_path / ".meshwardignore").write_text("gen/\n")
    inv = load_inventory([tmp_path], Config())
    assert inv.errors == [] and inv.files_read == 1
