"""Terraform through the CLI as a user runs it: findings as data, exit codes, bad input,
secrets never printed."""

from __future__ import annotations

import json
from pathlib import Path

from meshward.cli.main import main
from tests.conftest import FIXTURES


def test_json_findings_carry_resource_service_and_address(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code = main(["scan", str(FIXTURES / "terraform" / "planned"), "--select", "MWC02", "-f",
                 "json", "-o", str(out)])
    assert code == 1
    report = json.loads(out.read_text())
    [finding] = report["findings"]
    assert finding["rule_id"] == "MWC02"
    assert finding["location"] == {"path": "main.tf", "line": 25}
    assert finding["resource"] == {"kind": "aws_db_instance", "name": "orders", "namespace": ""}
    assert finding["service"] == "orders"
    assert finding["practices"] == ["ENV-PRIVATE", "ENV-PORTS"]
    assert finding["extra"] == [{"name": "environment", "value": "terraform:planned"},
                                {"name": "address", "value": "aws_db_instance.orders"}]


def test_malformed_terraform_exits_2_and_still_reports(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n')
    (tmp_path / "ok.tf").write_text('resource "aws_ecr_repository" "r" {\n  name = "r"\n}\n')
    code = main(["scan", str(tmp_path), "--select", "MWC50"])
    assert code == 2
    text = capsys.readouterr().out
    assert "MWC50 ok.tf:1" in text
    assert "broken.tf:2: HCL syntax error: unexpected end of line" in text


def test_literal_secrets_are_redacted_in_every_format(tmp_path: Path) -> None:
    tree = FIXTURES / "rules" / "MWC31" / "fail"
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        out = tmp_path / f"r.{fmt}"
        assert main(["scan", str(tree), "--select", "MWC31", "-f", fmt, "-o", str(out)]) == 1
        body = out.read_text()
        for secret in ("pR0d-9xQ2mLz7vKt4sWb", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEYq", "AKIAZ7R4BXQ3M5TWN2KD",
                       "Vx7-Lq2m-Pz9Rk4t"):
            assert secret not in body, (fmt, secret)
        assert "MWC31" in body


def test_comment_suppression_in_terraform(tmp_path: Path) -> None:
    from meshward.pipeline import scan

    (tmp_path / "main.tf").write_text(
        'resource "aws_db_instance" "a" {\n'
        '  # meshward:ignore MWC02 reporting replica, reachable by the BI vendor by contract\n'
        '  publicly_accessible = true\n}\n'
        'resource "aws_db_instance" "b" {\n  publicly_accessible = true\n}\n')
    result = scan([tmp_path], select=["MWC02"])
    got = sorted((f.location.line, bool(f.suppressed_by)) for f in result.findings)
    assert got == [(3, True), (6, False)]
