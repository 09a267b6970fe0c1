"""meshward policy: exact output, schema validity, existing policies, dry-run, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from meshward.checks.context import ScanContext
from meshward.cli.main import main
from meshward.generate import compose_override, istio, linkerd, netpol
from meshward.generate.diff import dry_run, files
from meshward.generate.model import Generated, render_stream
from meshward.pipeline import build_context
from tests.generate.golden import FLEET, check
from tests.generate.schemas import SCHEMAS

K8S = FLEET / "k8s"
JWT = istio.Jwt("https://id.example.com", "https://id.example.com/.well-known/jwks.json")


@pytest.fixture(scope="module")
def ctx() -> ScanContext:
    return build_context([K8S])


@pytest.fixture(scope="module")
def gens(ctx: ScanContext) -> dict[str, Generated]:
    return {"netpol": netpol.generate(ctx), "istio": istio.generate(ctx, JWT),
            "linkerd": linkerd.generate(ctx)}


@pytest.mark.parametrize("kind", ["netpol", "istio", "linkerd"])
def test_golden(gens: dict[str, Generated], kind: str) -> None:
    check(f"{kind}.yaml", render_stream(gens[kind].manifests))


def test_compose_golden() -> None:
    gen = compose_override.generate(build_context([FLEET / "compose"]))
    check("compose.yaml", render_stream(gen.manifests))
    assert [m.file for m in gen.manifests] == ["compose/docker-compose.meshward-override.yml"]
    assert gen.notes[0].startswith("docker-compose.yml: db is a data store: its published "
                                   "port(s) 5432:5432 are removed")


def test_netpol_uses_real_labels_and_ports(gens: dict[str, Generated]) -> None:
    by_name = {m.name: m.body for m in gens["netpol"].manifests}
    # frontend: Service port 80 -> targetPort http -> containerPort 8080; the caller is the
    # ingress controller of another namespace; the Service selector, not every pod label.
    spec = by_name["meshward-frontend-from-ingress"]["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app": "frontend"}}
    assert spec["ingress"] == [{"from": [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}}}],
        "ports": [{"port": 8080, "protocol": "TCP"}]}]
    # cross-namespace edge: orders (ns orders) -> cart.shop:7070
    ing = by_name["meshward-cart-from-orders"]
    assert ing["metadata"]["namespace"] == "shop"
    assert ing["spec"]["ingress"][0]["from"][0]["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "orders"}}
    # the LoadBalancer entry: everyone, on the one serving port (443 -> named https)
    lb = by_name["meshward-ingress-nginx-controller-from-anywhere"]["spec"]["ingress"]
    assert lb == [{"ports": [{"port": 443, "protocol": "TCP"}]}]


def test_low_confidence_edges_set_apart(gens: dict[str, Generated]) -> None:
    for kind, names in (("netpol", ["meshward-stock-from-orders", "meshward-orders-to-stock"]),
                        ("istio", ["stock-from-orders"])):
        assert [m.name for m in gens[kind].pending] == names
    text = render_stream(gens["netpol"].manifests)
    assert "# TO CONFIRM: built from low-confidence evidence" in text
    assert "#   name: meshward-stock-from-orders\n" in text
    assert "to-confirm.yaml" in files(gens["netpol"])


def test_kubernetes_schema_valid(gens: dict[str, Generated]) -> None:
    assert gens["netpol"].manifests
    for m in gens["netpol"].manifests:
        kubernetes_validate.validate(m.body, "1.30", strict=True)


def test_kubernetes_schema_catches_errors() -> None:
    bad = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": "x"}, "spec": {"podSelector": {}, "ingres": []}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, "1.30", strict=True)


@pytest.mark.parametrize("kind", ["istio", "linkerd"])
def test_crd_schema_valid(gens: dict[str, Generated], kind: str) -> None:
    kinds = set()
    for m in gens[kind].manifests:
        schema = SCHEMAS[(m.api_version, m.kind)]
        jsonschema.validate(m.body, schema)
        kinds.add(m.kind)
    assert kinds == ({"PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"}
                     if kind == "istio" else
                     {"Server", "MeshTLSAuthentication", "NetworkAuthentication",
                      "AuthorizationPolicy"})


def test_crd_schema_catches_errors() -> None:
    bad = {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
           "metadata": {"name": "default", "namespace": "istio-system"},
           "spec": {"mtls": {"mode": "STRICTLY"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMAS[("security.istio.io/v1", "PeerAuthentication")])


def test_existing_policies_respected(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(K8S, tree)
    (tree / "policies.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
        "  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n"
        "  policyTypes: [Ingress, Egress]\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
        "  name: redis\n  namespace: shop\nspec:\n  podSelector:\n"
        "    matchLabels: {app: redis}\n  ingress:\n  - from:\n"
        "    - podSelector: {matchLabels: {tier: backend}}\n    ports:\n    - port: 6379\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
        "  name: meshward-allow-dns\n  namespace: orders\nspec:\n  podSelector: {}\n"
        "  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n")
    gen = netpol.generate(build_context([tree]))
    assert gen.kept == [
        "NetworkPolicy orders/meshward-allow-dns: already in the tree at policies.yaml:24",
        "NetworkPolicy shop/meshward-default-deny: already in the tree at "
        "policies.yaml:1 (NetworkPolicy deny)",
        "NetworkPolicy shop/meshward-redis-from-cart: already in the tree at "
        "policies.yaml:10 (NetworkPolicy redis allows it)",
    ]
    names = {(m.namespace, m.name) for m in gen.manifests}
    assert ("shop", "meshward-default-deny") not in names
    assert ("shop", "meshward-cart-to-redis") in names  # the egress side is still needed
    diff = dry_run(gen)
    assert diff.count("--- /dev/null") == len(files(gen))
    # same name, other content: kept, and the dry run shows what meshward would change
    assert ("# NetworkPolicy orders/meshward-allow-dns is kept as it is in policies.yaml; "
            "meshward proposes:\n--- a/policies.yaml (NetworkPolicy orders/meshward-allow-dns)\n"
            "+++ b/networkpolicy/orders/meshward-allow-dns.yaml\n") in diff
    assert "+    - to:\n" in diff


def test_rerun_on_own_output_is_a_no_op(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    out = tmp_path / "out"
    assert main(["policy", str(K8S), "--output-dir", str(out)]) == 0
    capsys.readouterr()
    # dry run against the folder just written: nothing to change
    assert main(["policy", str(K8S), "--output-dir", str(out), "--dry-run"]) == 0
    assert capsys.readouterr().out == ""
    # ... and scanning the tree with the output in it: everything kept, nothing new
    assert main(["policy", str(K8S), str(out), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "meshward: kept: NetworkPolicy shop/meshward-default-deny: already in the tree" in err


def test_cli_stream_and_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", str(K8S)]) == 0
    out, err = capsys.readouterr()
    assert out == render_stream(netpol.generate(build_context([K8S])).manifests)
    assert "meshward: to confirm: 2 object(s) built from low-confidence evidence " \
           "(commented out below)" in err
    assert main(["policy", str(K8S), "--dry-run"]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith("--- /dev/null\n+++ b/networkpolicy/ingress-nginx/meshward-allow-dns"
                          ".yaml\n@@ -0,0 +1,25 @@\n")
    assert not (tmp_path / "x").exists()


def test_cli_output_dir_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["policy", str(K8S), "--kind", "all", "--output-dir", str(out),
                 "--issuer", JWT.issuer, "--jwks-uri", JWT.jwks_uri]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "to-confirm.yaml" in written
    assert "istio/istio-system/peerauthentication-default.yaml" in written
    assert "linkerd/shop/server-cart-7070.yaml" in written
    assert "networkpolicy/shop/meshward-cart-from-frontend.yaml" in written
    for name in written:
        for doc in yaml.safe_load_all((out / name).read_text()):
            assert doc is None or doc["apiVersion"]
    assert f"meshward: wrote {len(written)} file(s) to {out}" in capsys.readouterr().err


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", str(K8S), "--issuer", "https://id.example.com"]) == 2
    assert "--issuer and --jwks-uri go together" in capsys.readouterr().err
    assert main(["policy", str(K8S), "--kind", "calico"]) == 2
    assert main(["policy", str(tmp_path / "missing")]) == 2
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: [\n")
    out = tmp_path / "out"
    assert main(["policy", str(bad), "--output-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "meshward: input error: " in err and "x.yaml:" in err
    assert "nothing written" in err and not out.exists()
