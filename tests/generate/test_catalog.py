"""meshward catalog: exact entities, schema validity, the inventory page, drift round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest

from meshward.cli.main import main
from meshward.generate import backstage, inventory_md
from meshward.generate.diff import files
from meshward.generate.model import render_stream
from meshward.pipeline import build_context, scan
from tests.generate.golden import FLEET, check
from tests.generate.schemas import SCHEMAS


def test_catalog_golden_and_valid() -> None:
    gen = backstage.generate(build_context([FLEET]))
    check("catalog.yaml", render_stream(gen.manifests))
    kinds = []
    for m in gen.manifests:
        jsonschema.validate(m.body, SCHEMAS[(m.api_version, m.kind)])
        kinds.append(m.kind)
    assert kinds.count("Resource") == 2  # redis and the compose postgres
    assert gen.notes == ["no owner label or annotation on api, db, redis, web: owner set to "
                         "`unknown` with a TODO"]
    cart = next(m.body for m in gen.manifests if m.name == "cart")
    assert cart["spec"] == {"type": "service", "owner": "team-cart", "lifecycle": "unknown",
                            "system": "shop", "dependsOn": ["resource:redis"],
                            "providesApis": ["cart-api"]}
    assert cart["metadata"]["annotations"]["meshward.io/callers"] == "frontend, orders"


def test_inventory_markdown_golden() -> None:
    result = scan([FLEET], select=["MW95*"])
    text = inventory_md.render(result.context, result.findings)
    check("inventory.md", text)
    assert "| secrets source | k8s Secret |" in text  # cart's REDIS_PASSWORD secretKeyRef


def test_generated_catalog_has_no_drift(tmp_path: Path) -> None:
    """Writing the catalog into the tree makes MW951/MW961/MW962 silent; editing it is drift."""
    tree = tmp_path / "tree"
    shutil.copytree(FLEET, tree)
    assert main(["catalog", str(tree), "--output-dir", str(tree / "catalog")]) == 0
    result = scan([tree], select=["MW951", "MW961", "MW962"])
    assert result.errors == [] and result.findings == []
    cart = tree / "catalog" / "cart" / "catalog-info.yaml"
    text = cart.read_text()
    cart.write_text(text.replace("meshward.io/ports: '7070'", "meshward.io/ports: 7070, 9090")
                    .replace("    - resource:redis\n", "    - component:stock\n"))
    (tree / "catalog" / "stock" / "catalog-info.yaml").unlink()
    got = sorted((f.rule_id, f.message) for f in scan([tree], select=[
        "MW951", "MW961", "MW962"]).findings)
    assert got == [
        ("MW951", "service stock is deployed (kubernetes:orders) but no catalog entity "
                  "describes it"),
        ("MW961", "catalog entity Component cart lists ports 7070, 9090 but service cart opens "
                  "7070 (in the catalog but not deployed: 9090)"),
        ("MW962", "catalog entity Component cart dependsOn differs from what service cart calls "
                  "(calls not in the catalog: redis; listed but not called by the deployment: "
                  "stock)"),
    ]


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", str(FLEET / "k8s")]) == 0
    out = capsys.readouterr().out
    assert out == render_stream(backstage.generate(build_context([FLEET / "k8s"])).manifests)
    md = tmp_path / "inv.md"
    assert main(["catalog", str(FLEET / "k8s"), "--markdown", str(md), "--output-dir",
                 str(tmp_path / "cat")]) == 0
    assert md.read_text().startswith("# Service inventory\n")
    names = sorted(p.relative_to(tmp_path / "cat").as_posix()
                   for p in (tmp_path / "cat").rglob("*.yaml"))
    assert names == sorted(files(backstage.generate(build_context([FLEET / "k8s"]))))
    assert main(["catalog", str(FLEET / "k8s"), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Service inventory\n\n6 services, 6 calls")
    assert main(["catalog", str(tmp_path / "nope")]) == 2
