"""A literal secret in a Terraform cloud resource is reported once: by MWC31 at the value's
line (the secrets engine's twin is dropped); one outside any cloud resource stays the engine's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.config import Config
from meshward.pipeline import scan

TF = '''variable "fallback" {
  default = "sk_live_9fQ2mLz7vKt4sWbXeR3pN8yT"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api"
  image_uri     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1"
  package_type  = "Image"
  environment {
    variables = {
      STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    }
  }
}
'''


def test_terraform_literal_secret_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF)
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23),
                  select=["MWC31", "MW90*"])
    got = sorted((f.rule_id, f.location.line, str(f.resource) if f.resource else "", f.service,
                  f.key) for f in result.findings)
    assert got == [
        # the variable's default belongs to no cloud resource: the engine's alone
        ("MW901", 2, "", None, "stripe-secret-key::" + _digest("sk_live_9fQ2mLz7vKt4sWbXeR3pN8yT")),
        ("MWC31", 12, "aws_lambda_function/api", "api",
         "aws_lambda_function.api:STRIPE_KEY:" + _digest("sk_live_4eC39HqLyjWDarjtT1zdp7dc")),
    ]


def _digest(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:8]
