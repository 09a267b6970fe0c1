"""Cloud findings name what they are about (the IAM user, the bucket), and one literal secret
in an environment is one finding, not one per rule."""

from __future__ import annotations

from pathlib import Path

from meshward.pipeline import scan


def _findings(tmp_path: Path, text: str, *rules: str) -> list[tuple[str, int, str]]:
    (tmp_path / "main.tf").write_text(text)
    result = scan([tmp_path], select=list(rules))
    assert result.errors == []
    return sorted((f.rule_id, f.location.line, f.message) for f in result.findings)


def test_access_key_names_its_user(tmp_path: Path) -> None:
    assert _findings(tmp_path, (
        'resource "aws_iam_user" "ci" {\n  name = "ci-deployer"\n}\n'
        'resource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n'), "MWC24") == [
        ("MWC24", 5, "access key aws_iam_access_key.ci for IAM user ci-deployer: a credential "
                     "that never expires")]


def test_public_bucket_grant_names_the_bucket_resource(tmp_path: Path) -> None:
    assert _findings(tmp_path, (
        'resource "google_storage_bucket" "assets" {\n  name = "shop-assets"\n'
        '  location = "EU"\n}\n'
        'resource "google_storage_bucket_iam_member" "pub" {\n'
        '  bucket = google_storage_bucket.assets.name\n'
        '  role   = "roles/storage.objectViewer"\n  member = "allUsers"\n}\n'), "MWC72") == [
        ("MWC72", 8, "google_storage_bucket_iam_member.pub grants roles/storage.objectViewer on "
                     "bucket google_storage_bucket.assets to allUsers")]


def test_literal_secret_is_mwc31_only_a_reference_is_mwc32(tmp_path: Path) -> None:
    got = _findings(tmp_path, (
        'variable "token" {}\n'
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n'
        '  environment {\n    variables = {\n'
        '      STRIPE_KEY = "sk_live_51HxQmZ2eZvKYlo2C8pYq3vN6b0T"\n'
        '      API_TOKEN  = var.token\n    }\n  }\n}\n'), "MWC31", "MWC32")
    assert [(r, line) for r, line, _ in got] == [("MWC31", 4), ("MWC32", 4)]
    assert "STRIPE_KEY holds a literal Stripe live secret key" in got[0][2]
    assert "API_TOKEN is set in clear from var.token" in got[1][2]
