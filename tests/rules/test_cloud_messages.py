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
                     "bucket shop-assets to allUsers")]


def test_literal_secret_is_mwc31_only_a_reference_is_mwc32(tmp_path: Path) -> None:
    got = _findings(tmp_path, (
        'variable "token" {}\n'
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n'
        '  environment {\n    variables = {\n'
        '      STRIPE_KEY = "sk_live_51HxQmZ2eZvKYlo2C8pYq3vN6b0T"\n'
        '      API_TOKEN  = var.token\n    }\n  }\n}\n'), "MWC31", "MWC32")
    # MWC31 at the value's own line (the engine's twin), MWC32 at the environment block
    assert [(r, line) for r, line, _ in got] == [("MWC31", 6), ("MWC32", 4)]
    assert "STRIPE_KEY holds a literal Stripe live secret key" in got[0][2]
    assert "API_TOKEN is set in clear from var.token" in got[1][2]


def test_findings_on_shared_resources_carry_the_services_as_data(tmp_path: Path) -> None:
    """A separate rule resource of a security group, a role and the policy it holds: the
    services they serve are data of the finding (``service`` when there is one)."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "app" {\n  name = "app"\n}\n'
        'resource "aws_vpc_security_group_ingress_rule" "ssh" {\n'
        '  security_group_id = aws_security_group.app.id\n  cidr_ipv4 = "0.0.0.0/0"\n'
        '  from_port = 22\n  to_port = 22\n  ip_protocol = "tcp"\n}\n'
        'resource "aws_iam_role" "orders" {\n  name = "orders"\n}\n'
        'resource "aws_iam_role_policy" "all" {\n  role = aws_iam_role.orders.id\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*",'
        ' Resource = "*" }] })\n}\n'
        'resource "aws_instance" "web" {\n  tags = { Name = "web" }\n'
        '  vpc_security_group_ids = [aws_security_group.app.id]\n}\n'
        'resource "aws_instance" "admin" {\n  tags = { Name = "admin" }\n'
        '  vpc_security_group_ids = [aws_security_group.app.id]\n}\n'
        'resource "aws_lambda_function" "orders" {\n  function_name = "orders"\n'
        '  role = aws_iam_role.orders.arn\n}\n')
    result = scan([tmp_path], select=["MWC01", "MWC20"])
    got = sorted((f.rule_id, f.resource.name if f.resource else "", f.service,
                  dict(f.extra).get("services")) for f in result.findings)
    assert got == [("MWC01", "ssh", None, "admin, web"),
                   ("MWC20", "all", "orders", "orders")]


def test_no_trail_is_about_the_account_not_the_first_resource(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_ecr_repository" "app" {\n  name = "app"\n}\n')
    [finding] = scan([tmp_path], select=["MWC40"]).findings
    assert (finding.location.line, finding.resource, finding.service) == (1, None, None)
    assert finding.message == "the scanned Terraform: 1 AWS resource(s) and no CloudTrail trail"
    assert dict(finding.extra) == {"environment": f"terraform:{tmp_path.name}"}
