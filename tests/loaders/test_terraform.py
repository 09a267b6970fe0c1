"""Terraform source: modules, variables, tfvars, locals, count/for_each/dynamic, JSON syntax,
bad input. Values are checked exactly, with the file:line of each resource and attribute."""

from __future__ import annotations

import json
from pathlib import Path

from meshward.loaders.interface import SourceFile
from meshward.loaders.terraform import load_terraform
from meshward.loaders.walk import load_tree
from meshward.model.cloud import CloudResource, is_unknown
from tests.conftest import FIXTURES

TF = FIXTURES / "terraform"


def _by_address(root: Path) -> dict[str, CloudResource]:
    return {r.address: r for r in load_tree(root).cloud_resources}


def test_root_module_with_tfvars_locals_modules_and_meta_arguments() -> None:
    tree = load_tree(TF / "shop")
    got = {r.address: r for r in tree.cloud_resources}
    assert sorted(got) == [
        'aws_instance.bastion', 'aws_security_group.lb', 'aws_sqs_queue.dead["orders"]',
        'aws_sqs_queue.dead["payments"]', "module.net.aws_vpc.this",
        "module.orders.aws_ecs_service.this", "module.orders.aws_ecs_task_definition.this",
        "module.orders.aws_security_group.task", "random_password.db",
    ]  # count = var.enable_jobs ? 1 : 0 with enable_jobs = false in terraform.tfvars: none
    lb = got["aws_security_group.lb"]
    assert (lb.location.path, lb.location.line, lb.environment) == ("main.tf", 39, "terraform:shop")
    assert lb.attributes["name"] == "shop-prod-lb"  # local from var.env of terraform.tfvars
    assert lb.attributes["ingress"] == [  # dynamic block over a literal local map
        {"description": "http", "from_port": 80, "to_port": 80, "protocol": "tcp",
         "cidr_blocks": ["0.0.0.0/0"]},
        {"description": "https", "from_port": 443, "to_port": 443, "protocol": "tcp",
         "cidr_blocks": ["0.0.0.0/0"]},
    ]
    assert lb.block_lines["ingress"] == [43, 43]
    # a module output that names the module's resource, as the caller sees it
    assert is_unknown(lb.attributes["vpc_id"])
    assert lb.attributes["vpc_id"].expression == "module.net.aws_vpc.this.id"
    assert got['aws_sqs_queue.dead["payments"]'].attributes == {"name": "shop-prod-payments-dlq"}
    vpc = got["module.net.aws_vpc.this"]
    assert (vpc.location.path, vpc.location.line) == ("modules/net/main.tf", 9)
    assert vpc.attributes == {"cidr_block": "10.40.0.0/16", "tags": {"Name": "shop-prod"}}
    task = got["module.orders.aws_ecs_task_definition.this"]
    assert json.loads(task.attributes["container_definitions"]) == [{
        "name": "orders", "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2",
        "portMappings": [{"containerPort": 8080}],
        "environment": [{"name": "PAYMENTS_URL", "value": "http://payments:8080"},
                        {"name": "LOG_LEVEL", "value": "info"}],
    }]  # jsonencode of a for expression over a module input
    assert task.attribute_lines == {"family": 28, "container_definitions": 29}
    bastion = got["aws_instance.bastion"]
    assert bastion.attributes["user_data"] == '#!/bin/bash\necho "env=prod" > /etc/shop-env\n'
    assert bastion.attributes["ami"].expression == "data.aws_ami.al2023.id"
    assert tree.errors == []
    assert tree.notices == [
        "main.tf:34: module vpc_registry (source terraform-aws-modules/vpc/aws) is not in the "
        "scanned tree: not followed (run `terraform init` to install it, or scan a plan)",
        "Terraform: 1 attribute value(s) depend on variables without a value, data sources or "
        "functions meshward does not evaluate (first: main.tf:70 ami = data.aws_ami.al2023.id); "
        "rules do not judge them: give the variables in terraform.tfvars, or scan a plan "
        "(`terraform show -json plan.out`)",
        "Terraform resources of providers meshward has no cloud rules for were read but not "
        "judged: random (1)",
    ]


def test_json_syntax_reads_into_the_same_shape() -> None:
    got = _by_address(TF / "json")
    sg = got["aws_security_group.catalog"]
    assert (sg.location.path, sg.location.line) == ("main.tf.json", 9)
    assert sg.attributes == {"name": "catalog-sg", "ingress": [
        {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}
    fn = got["aws_lambda_function.catalog"]
    assert fn.attributes["function_name"] == "catalog"
    assert is_unknown(fn.attributes["role"])


def test_malformed_hcl_is_an_input_error_and_other_files_are_read() -> None:
    tree = load_tree(TF / "bad")
    assert [r.address for r in tree.cloud_resources] == ["aws_ecr_repository.still_read"]
    assert [e.render() for e in tree.errors] == [
        "broken.tf:7: HCL syntax error: unexpected end of line (fix the syntax (`terraform "
        "fmt` points at it, offline); the rest was scanned)"]


def _load(files: dict[str, str]) -> tuple[list[CloudResource], list[str], list[str]]:
    out = load_terraform([SourceFile(k, v) for k, v in files.items()])
    return out.resources, [e.render() for e in out.errors], out.notices


def test_unresolvable_values_stay_unknown_with_their_expression() -> None:
    res, errors, _ = _load({"main.tf": (
        'variable "cidr" {}\n'
        'resource "aws_security_group" "a" {\n'
        '  name = "x-${random_id.suffix.hex}"\n'
        '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
        '    cidr_blocks = [var.cidr]\n  }\n'
        '  description = upper(var.cidr)\n'
        '  tags = { for k in var.unknown_list : k => k }\n'
        '}\n')})
    assert errors == []
    attrs = res[0].attributes
    assert attrs["name"].expression == "x-${random_id.suffix.hex}"
    assert attrs["ingress"][0]["cidr_blocks"][0].expression == "var.cidr"
    assert attrs["description"].expression == "upper(var.cidr)"
    assert attrs["tags"].expression == "{ for k in var.unknown_list : k => k }"


def test_count_and_for_each_that_cannot_be_resolved_give_one_instance() -> None:
    res, errors, _ = _load({"main.tf": (
        'resource "aws_sqs_queue" "q" {\n  count = length(var.names)\n'
        '  name = "q-${count.index}"\n}\n'
        'resource "aws_sqs_queue" "r" {\n  for_each = var.queues\n  name = each.key\n}\n'
        'resource "aws_sqs_queue" "s" {\n  count = 2\n  name = "s-${count.index}"\n}\n'
        'resource "aws_security_group" "d" {\n'
        '  dynamic "ingress" {\n    for_each = var.rules\n'
        '    content {\n      from_port = ingress.value.port\n      protocol = "tcp"\n    }\n'
        '  }\n}\n')})
    assert errors == []
    by = {r.address: r for r in res}
    assert sorted(by) == ["aws_security_group.d", "aws_sqs_queue.q", "aws_sqs_queue.r",
                          "aws_sqs_queue.s[0]", "aws_sqs_queue.s[1]"]
    assert by["aws_sqs_queue.q"].attributes["name"].expression == "q-${count.index}"
    assert by["aws_sqs_queue.s[1]"].attributes["name"] == "s-1"
    assert is_unknown(by["aws_sqs_queue.r"].attributes["name"])
    ingress = by["aws_security_group.d"].attributes["ingress"]
    assert len(ingress) == 1 and ingress[0]["protocol"] == "tcp"
    assert is_unknown(ingress[0]["from_port"])


def test_heredocs_keep_their_text_and_unresolved_templates_their_source() -> None:
    res, _, _ = _load({"main.tf": (
        'resource "aws_instance" "a" {\n  user_data = <<EOF\nline one\n  two\nEOF\n}\n'
        'resource "aws_instance" "b" {\n  user_data = <<-EOT\n    echo ${var.x}\n'
        '    echo ok\n  EOT\n}\n')})
    assert res[0].attributes["user_data"] == "line one\n  two\n"
    assert res[1].attributes["user_data"].expression == "echo ${var.x}\necho ok\n"


def test_module_cycle_and_missing_module_are_reported_not_followed() -> None:
    res, errors, notices = _load({
        "main.tf": 'module "a" {\n  source = "./a"\n}\nmodule "gone" {\n  source = "./nowhere"\n}\n',
        "a/main.tf": 'module "b" {\n  source = "../a"\n}\nresource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    })
    assert [r.address for r in res] == ["module.a.aws_vpc.v"]
    assert errors == ["a/main.tf:1: module b calls itself (cycle): not followed"]
    assert notices == ["main.tf:4: module gone source nowhere has no .tf files in the scanned "
                       "tree: not followed"]


def test_several_variable_files_are_not_guessed() -> None:
    res, _, notices = _load({
        "main.tf": 'variable "env" {\n  default = "dev"\n}\nresource "aws_sqs_queue" "q" {\n'
                   '  name = var.env\n}\n',
        "prod.tfvars": 'env = "prod"\n', "staging.tfvars": 'env = "staging"\n',
    })
    assert res[0].attributes["name"] == "dev"
    assert notices == [". : several variable files (prod.tfvars, staging.tfvars); none applied "
                       "beyond terraform.tfvars/*.auto.tfvars: plan with one and scan "
                       "`terraform show -json`".replace(". :", ".:")]


def test_parallel_parse_gives_the_same_resources(monkeypatch: object) -> None:
    """Large trees are parsed in worker processes: values and references must not change."""
    import meshward.loaders.terraform as terraform

    files = [SourceFile(p.relative_to(TF / "shop").as_posix(), p.read_text())
             for p in sorted((TF / "shop").rglob("*.tf*"))]
    serial = {r.address: (r.attributes, r.attribute_lines) for r in load_terraform(files).resources}
    monkeypatch.setattr(terraform, "PARALLEL_BYTES", 0)  # type: ignore[attr-defined]
    parallel = {r.address: (r.attributes, r.attribute_lines)
                for r in load_terraform(files).resources}
    assert repr(parallel) == repr(serial)


def test_module_idioms_keep_lengths_keys_and_references() -> None:
    """try/compact/concat, parenthesised object keys, dynamic blocks over collections whose
    elements are partly unknown, iterator names, `!= null` on collections, depends_on and
    lifecycle: values stay known where Terraform would know them."""
    tree = load_tree(TF / "idioms")
    got = {r.address: r for r in tree.cloud_resources}
    assert sorted(got) == ["module.storefront.aws_ecs_service.app[0]",
                           "module.storefront.aws_ecs_task_definition.app[0]",
                           "module.storefront.aws_security_group.app[0]"]
    svc = got["module.storefront.aws_ecs_service.app[0]"].attributes
    assert svc["deployment_configuration"] == [{"strategy": "BLUE_GREEN"}]
    lb = svc["load_balancer"]
    assert [(b["container_name"], b["container_port"]) for b in lb] == [("storefront", 3000)]
    assert lb[0]["target_group_arn"].expression == "module.edge.target_group_arn"
    net = svc["network_configuration"][0]
    assert (net["assign_public_ip"], net["subnets"]) == (False, ["subnet-0", "subnet-1"])
    assert "aws_security_group.app[0].id" in net["security_groups"].expression
    assert "depends_on" not in svc and "lifecycle" not in svc
    task = got["module.storefront.aws_ecs_task_definition.app[0]"].attributes
    assert json.loads(task["container_definitions"]) == [{
        "name": "storefront", "image": "public.ecr.aws/example/storefront:3.1.0",
        "portMappings": [{"containerPort": 3000, "protocol": "tcp"}]}]
    assert tree.errors == [] and tree.notices == []


def test_idioms_make_a_service_with_its_security_group() -> None:
    from meshward.pipeline import build_context

    inv = build_context([TF / "idioms"]).inventory
    dep = inv.services["storefront"].deployments[0]
    assert (dep.environment, dep.scope, dep.ports, dep.images) == (
        "terraform", "live", [3000], ["public.ecr.aws/example/storefront:3.1.0"])
    from meshward.model.cloud_facts import cloud_facts

    w = cloud_facts(inv).workloads[0]
    assert [g.address for g in w.security_groups] == ["module.storefront.aws_security_group.app[0]"]


def test_collection_functions_on_literal_values() -> None:
    res, errors, _ = _load({"main.tf": (
        'variable "zones" {\n  default = ["a", "b", "a"]\n}\n'
        'locals {\n  tags = { team = "pay", env = "prod" }\n}\n'
        'resource "aws_subnet" "s" {\n  count = length(distinct(var.zones))\n'
        '  availability_zone = element(var.zones, count.index)\n}\n'
        'resource "aws_sqs_queue" "q" {\n'
        '  name = join("-", compact(flatten([["q"], [""], [keys(local.tags)]])))\n'
        '  tags = { all = join(",", values(local.tags)), has = contains(var.zones, "b") }\n'
        '  policy = length(aws_iam_role.r.arn)\n}\n')})
    assert errors == []
    by = {r.address: r.attributes for r in res}
    assert by["aws_subnet.s[1]"] == {"availability_zone": "b"}
    assert sorted(by) == ["aws_sqs_queue.q", "aws_subnet.s[0]", "aws_subnet.s[1]"]
    assert by["aws_sqs_queue.q"]["name"] == "q-env-team"
    assert by["aws_sqs_queue.q"]["tags"] == {"all": "prod,pay", "has": True}
    assert by["aws_sqs_queue.q"]["policy"].expression == "length(aws_iam_role.r.arn)"


def test_tfvars_precedence_and_modules_with_count_zero() -> None:
    res, errors, notices = _load({
        "main.tf": ('variable "env" {\n  default = "dev"\n}\nvariable "size" {\n  default = 1\n}\n'
                    'resource "aws_sqs_queue" "q" {\n  name = "${var.env}-${var.size}"\n}\n'
                    'module "off" {\n  source = "./m"\n  count = 0\n}\n'),
        "m/main.tf": 'resource "aws_sqs_queue" "never" {\n  name = "x"\n}\n',
        "terraform.tfvars": 'env = "staging"\nsize = 2\n',
        "a.auto.tfvars": 'env = "prod"\n',
    })
    assert errors == [] and notices == []
    assert [(r.address, r.attributes["name"]) for r in res] == [("aws_sqs_queue.q", "prod-2")]


def test_values_unknown_for_want_of_input_are_counted_in_one_notice() -> None:
    _, _, notices = _load({"main.tf": (
        'variable "cidr" {}\n'
        'resource "aws_vpc" "v" {\n  cidr_block = var.cidr\n}\n'
        'resource "aws_subnet" "s" {\n  vpc_id = aws_vpc.v.id\n'
        '  availability_zone = data.aws_availability_zones.all.names[0]\n}\n')})
    assert notices == [
        "Terraform: 2 attribute value(s) depend on variables without a value, data sources or "
        "functions meshward does not evaluate (first: main.tf:3 cidr_block = var.cidr); rules "
        "do not judge them: give the variables in terraform.tfvars, or scan a plan (`terraform "
        "show -json plan.out`)"]


def test_modules_with_for_each_are_instantiated_per_key() -> None:
    res, errors, _ = _load({
        "main.tf": ('module "svc" {\n  source = "./svc"\n  for_each = toset(["orders", "payments"])\n'
                    '  name = each.key\n}\n'),
        "svc/main.tf": ('variable "name" {}\nresource "aws_sqs_queue" "q" {\n'
                        '  name = "${var.name}-jobs"\n}\n'),
    })
    assert errors == []
    assert [(r.address, r.attributes["name"], str(r.location)) for r in res] == [
        ('module.svc["orders"].aws_sqs_queue.q', "orders-jobs", "svc/main.tf:2"),
        ('module.svc["payments"].aws_sqs_queue.q', "payments-jobs", "svc/main.tf:2"),
    ]


def test_modules_installed_by_terraform_init_are_followed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "edge" {\n  source  = "example/edge/aws"\n  version = "1.2.0"\n'
        '  admin_cidr = "0.0.0.0/0"\n}\n')
    installed = tmp_path / ".terraform" / "modules" / "edge"
    (installed / "modules" / "logs").mkdir(parents=True)
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "edge", "Source": "registry.terraform.io/example/edge/aws", "Version": "1.2.0",
         "Dir": ".terraform/modules/edge"}]}))
    (installed / "main.tf").write_text(
        'variable "admin_cidr" {}\n'
        'resource "aws_security_group" "admin" {\n  ingress {\n    from_port = 22\n'
        '    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.admin_cidr]\n  }\n}\n'
        'module "logs" {\n  source = "./modules/logs"\n}\n')
    (installed / "modules" / "logs" / "main.tf").write_text(
        'resource "aws_cloudwatch_log_group" "this" {\n  name = "/edge"\n}\n')
    tree = load_tree(tmp_path)
    got = {r.address: (str(r.location), r.attributes) for r in tree.cloud_resources}
    assert got == {
        "module.edge.aws_security_group.admin": (
            ".terraform/modules/edge/main.tf:2",
            {"ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp",
                          "cidr_blocks": ["0.0.0.0/0"]}]}),
        "module.edge.module.logs.aws_cloudwatch_log_group.this": (
            ".terraform/modules/edge/modules/logs/main.tf:1", {"name": "/edge"}),
    }
    assert tree.errors == [] and tree.notices == []


def test_unreadable_terraform_files_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "blob.tf").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "ok.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    tree = load_tree(tmp_path)
    assert [r.address for r in tree.cloud_resources] == ["aws_sqs_queue.q"]
    assert [e.render() for e in tree.errors] == [
        "blob.tf: binary file where a text manifest was expected (exclude it or fix its "
        "encoding)"]


def test_tostring_and_tonumber_convert_like_terraform() -> None:
    res, errors, _ = _load({"main.tf": (
        'variable "ports" {\n  default = [22, 3389]\n}\n'
        'resource "aws_security_group_rule" "admin" {\n'
        '  for_each  = toset([for p in var.ports : tostring(p)])\n'
        '  from_port = tonumber(each.value)\n  to_port = tonumber("8.5")\n'
        '  protocol  = tonumber("tcp")\n}\n')})
    assert errors == []
    got = {r.address: (r.get("from_port"), r.get("to_port")) for r in res}
    assert got == {'aws_security_group_rule.admin["22"]': (22, 8.5),
                   'aws_security_group_rule.admin["3389"]': (3389, 8.5)}
    assert all(r.get("protocol").expression == 'tonumber("tcp")' for r in res)
