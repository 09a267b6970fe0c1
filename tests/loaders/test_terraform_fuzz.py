"""Random Terraform never crashes the loaders or the cloud facts: it loads or becomes an input
error naming the file."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshward.loaders.interface import SourceFile
from meshward.loaders.terraform import load_terraform
from meshward.loaders.terraform_plan import load_all
from meshward.model.cloud_facts import build_facts

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = st.sampled_from([
    'resource "aws_security_group" "a" {', 'resource "aws_iam_role" "r" {',
    'resource "aws_ecs_service" "s" {', 'module "m" {', 'source = "./m"', "}", "{", "\n",
    'dynamic "ingress" {', "content {", "for_each = var.x", "count = 2", "count = var.n",
    "ingress {", 'cidr_blocks = ["0.0.0.0/0"]', "from_port = 22", "to_port = 22",
    "name = var.name", "x = local.y", "locals {", "y = local.x", 'variable "name" {',
    "default = 1", "policy = jsonencode({ Statement = [{ Action = \"*\" }] })",
    "user_data = <<-EOT\n  hi ${var.x}\nEOT", "<<EOF", "EOF", "${", "%{ if x }", "[for a in b : a]",
    "a ? b : c", "x = [1, 2,", "\"unterminated", "# comment", "/* block", "*/", "=", ".", "*",
    "security_groups = [aws_security_group.a.id]", "task_definition = aws_ecs_task_definition.t.arn",
    "role = aws_iam_role.r.arn", "z = upper(1)", "w = merge({}, 1)", "q = file(\"../../etc\")",
])


@FAST
@given(st.lists(TOKENS, max_size=40))
def test_token_soup_never_raises(tokens: list[str]) -> None:
    text = " ".join(tokens)
    files = [SourceFile("main.tf", text), SourceFile("m/main.tf", text),
             SourceFile("terraform.tfvars", text)]
    out = load_terraform(files)
    assert all(e.path in ("main.tf", "m/main.tf", "terraform.tfvars") for e in out.errors)
    build_facts(out.resources)


@FAST
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    out = load_terraform([SourceFile("x.tf", text), SourceFile("y.tf.json", text)])
    assert all(e.path in ("x.tf", "y.tf.json") for e in out.errors)
    build_facts(out.resources)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
              st.sampled_from(["managed", "data", "aws_security_group", "a", "aws_instance.a",
                               "0.0.0.0/0", "${var.x}"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(
        st.sampled_from(["address", "mode", "type", "name", "values", "resources",
                         "child_modules", "root_module", "ingress", "after_unknown", "change",
                         "after", "actions", "configuration", "expressions", "references",
                         "module_calls", "module", "resource"]), inner, max_size=5)),
    max_leaves=30)


@FAST
@given(json_values)
def test_random_plans_and_json_configs_never_raise(value: object) -> None:
    plan = {"format_version": "1.2", "planned_values": value, "resource_changes": value,
            "configuration": value}
    out = load_all([SourceFile("c.tf.json", json.dumps(value))],
                   [SourceFile("p.json", json.dumps(plan))])
    assert all(e.path in ("c.tf.json", "p.json") for e in out.errors)
    build_facts(out.resources)


def test_deep_nesting_is_an_input_error_not_a_crash() -> None:
    deep_value = 'resource "aws_s3_bucket" "b" {\n  tags = ' + "[" * 3000 + "]" * 3000 + "\n}\n"
    deep_blocks = 'resource "aws_s3_bucket" "c" {\n' + "a {\n" * 2000 + "}\n" * 2000 + "}\n"
    deep_json = json.dumps({"resource": {"aws_s3_bucket": {"d": {
        "x": json.loads("[" * 900 + "]" * 900)}}}})
    out = load_terraform([SourceFile("deep.tf", deep_value), SourceFile("blocks.tf", deep_blocks),
                          SourceFile("deep.tf.json", deep_json)])
    assert [e.render() for e in out.errors] == [
        "blocks.tf: HCL nested too deeply to read (flatten the nesting; the rest was scanned)",
        "deep.tf.json: Terraform JSON nested too deeply to read (flatten the nesting; the rest "
        "was scanned)"]
    [bucket] = out.resources
    assert bucket.address == "aws_s3_bucket.b"  # a value too deep to evaluate stays unknown
    build_facts(out.resources)
