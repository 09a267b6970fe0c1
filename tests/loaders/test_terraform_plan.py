"""Terraform plan JSON: recognised by content, resolved values, source lines when in the tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from meshward.loaders.terraform_detect import looks_like_plan
from meshward.loaders.walk import load_tree
from meshward.model.cloud import is_unknown
from meshward.pipeline import scan
from tests.conftest import FIXTURES

PLANNED = FIXTURES / "terraform" / "planned"


def test_plan_values_replace_source_and_keep_source_lines() -> None:
    tree = load_tree(PLANNED)
    got = {r.address: r for r in tree.cloud_resources}
    assert sorted(got) == ["aws_db_instance.orders", "aws_security_group.db",
                           "module.ci.aws_iam_access_key.deploy"]
    db = got["aws_db_instance.orders"]
    assert (db.location.path, db.location.line) == ("main.tf", 17)
    assert db.attributes["publicly_accessible"] is True  # var.db_public, resolved by the plan
    assert db.line_of("publicly_accessible") == 25
    # known after apply: kept unknown, with the references the configuration names
    assert db.attributes["vpc_security_group_ids"].expression == \
        "aws_security_group.db.id, aws_security_group.db"
    assert is_unknown(db.attributes["arn"])
    sg = got["aws_security_group.db"]
    assert sg.attributes["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]  # var.db_cidrs
    assert sg.at("ingress", 0).line == 9
    key = got["module.ci.aws_iam_access_key.deploy"]  # module not in the tree: the plan's line
    assert (key.location.path, key.location.line, key.provider) == ("tfplan.json", 103, "aws")
    assert tree.errors == []


def test_rules_run_on_planned_values_at_source_lines() -> None:
    result = scan([PLANNED], select=["MWC01", "MWC02", "MWC24"])
    got = sorted((f.rule_id, str(f.location), f.service) for f in result.findings)
    assert got == [("MWC01", "main.tf:9", "orders"), ("MWC02", "main.tf:25", "orders"),
                   ("MWC24", "tfplan.json:103", None)]
    orders = result.inventory.services["orders"]
    assert [d.exposure.value for d in orders.deployments] == ["public"]
    assert orders.deployments[0].exposure_reasons == [
        "publicly_accessible = true; security group aws_security_group.db allows 0.0.0.0/0 on "
        "port 5432"]


def test_plan_alone_points_at_its_own_lines(tmp_path: Path) -> None:
    shutil.copy(PLANNED / "tfplan.json", tmp_path / "anything.json")
    got = {r.address: str(r.location) for r in load_tree(tmp_path).cloud_resources}
    assert got == {"aws_db_instance.orders": "anything.json:21",
                   "aws_security_group.db": "anything.json:52",
                   "module.ci.aws_iam_access_key.deploy": "anything.json:103"}


def test_recognised_by_content_not_name() -> None:
    text = (PLANNED / "tfplan.json").read_text()
    assert looks_like_plan(text)
    assert not looks_like_plan(json.dumps({"format_version": "1.0", "values": {}}))
    assert not looks_like_plan(json.dumps({"apiVersion": "v1", "kind": "ConfigMap"}))


def test_broken_plan_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text('{"format_version": "1.2", "planned_values": {')
    tree = load_tree(tmp_path)
    assert [e.render() for e in tree.errors] == [
        "plan.json:1: Terraform plan JSON does not parse (write it again with `terraform show "
        "-json plan.out`)"]


def test_state_json_reads_like_a_plan(tmp_path: Path) -> None:
    state = {"format_version": "1.0", "terraform_version": "1.9.5", "values": {
        "outputs": {}, "root_module": {"resources": [{
            "address": "aws_ecr_repository.orders", "mode": "managed",
            "type": "aws_ecr_repository", "name": "orders",
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": {"name": "orders", "image_tag_mutability": "MUTABLE",
                       "image_scanning_configuration": [{"scan_on_push": True}]},
            "sensitive_values": {}}]}}}
    (tmp_path / "state.json").write_text(json.dumps(state, indent=2))
    result = scan([tmp_path], select=["MWC50", "MWC51"])
    assert [(f.rule_id, str(f.location)) for f in result.findings] == [("MWC50", "state.json:9")]
