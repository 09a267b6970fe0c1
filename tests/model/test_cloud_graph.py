"""Cloud workloads in the inventory and the service graph, beside Kubernetes."""

from __future__ import annotations

from meshward.model.graph import EXTERNAL
from meshward.pipeline import build_context, scan
from tests.conftest import FIXTURES

FLEET = FIXTURES / "terraform" / "fleet"


def test_ecs_and_kubernetes_deployments_of_one_service() -> None:
    ctx = build_context([FLEET])
    inv = ctx.inventory
    assert sorted(inv.services) == ["orders", "orders-db", "payments", "shop-api", "shop-public"]
    orders = inv.services["orders"]
    assert [(d.environment, d.scope, d.kind, str(d.location)) for d in orders.deployments] == [
        ("kubernetes", "shop", "Deployment", "k8s/orders.yaml:1"),
        ("terraform", "infra", "aws_ecs_service", "infra/services.tf:39"),
    ]
    ecs = orders.deployments[1]
    assert ecs.images == ["111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2"]
    assert ecs.ports == [8080]
    assert ecs.identity == "aws_iam_role.orders"
    assert (ecs.exposure.value, ecs.exposure_reasons) == (
        "public", ["behind internet-facing load balancer aws_lb.public"])
    assert orders.environments == ["kubernetes:shop", "terraform:infra"]
    db = inv.services["orders-db"].deployments[0]
    assert (db.kind, db.ports, db.exposure.value) == ("aws_db_instance", [5432], "cluster")
    assert inv.services["payments"].deployments[0].exposure_reasons == [
        "behind public API aws_apigatewayv2_api.public"]


def test_edges_from_security_groups_target_groups_env_and_integrations() -> None:
    graph = build_context([FLEET]).graph
    got = {(e.source, e.target): sorted((ev.kind, str(ev.location), ev.detail)
                                        for ev in e.evidence)
           for e in graph.edges.values()}
    assert got == {
        ("orders", "orders-db"): [
            ("env", "infra/services.tf:28", "DB_HOST = aws_db_instance.orders"),
            ("security-group", "infra/network.tf:23",
             "aws_security_group.db admits aws_security_group.orders on port 5432"),
        ],
        ("orders", "payments"): [
            ("env", "infra/services.tf:28", "PAYMENTS_URL=https://payments.shop.internal")],
        ("shop-public", "orders"): [
            ("security-group", "infra/network.tf:13",
             "aws_security_group.orders admits aws_security_group.lb on port 8080"),
            ("target-group", "infra/services.tf:46",
             "aws_lb.public forwards to aws_ecs_service.orders"),
        ],
        ("shop-api", "payments"): [
            ("integration", "infra/services.tf:91",
             "aws_apigatewayv2_integration.payments: aws_apigatewayv2_api.public -> "
             "aws_lambda_function.payments")],
        (EXTERNAL, "orders"): [
            ("exposure", "infra/services.tf:39",
             "behind internet-facing load balancer aws_lb.public")],
        (EXTERNAL, "payments"): [
            ("exposure", "infra/services.tf:71", "behind public API aws_apigatewayv2_api.public")],
        (EXTERNAL, "shop-api"): [
            ("exposure", "infra/services.tf:86", "API endpoint aws_apigatewayv2_api.public")],
        (EXTERNAL, "shop-public"): [
            ("exposure", "infra/services.tf:1", "internet-facing load balancer aws_lb.public")],
    }


def test_public_hosts_are_not_fleet_services(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "main.tf").write_text(
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n'
        '  role = "arn:aws:iam::111122223333:role/api"\n}\n'
        'resource "aws_lambda_function" "billing" {\n  function_name = "billing"\n'
        '  role = "arn:aws:iam::111122223333:role/billing"\n'
        '  environment {\n    variables = {\n      STRIPE_URL = "https://api.stripe.com/v1"\n'
        '      API_URL = "http://api.billing.internal:8080"\n    }\n  }\n}\n')
    graph = build_context([root]).graph
    assert [(e.source, e.target, [ev.variable for ev in e.evidence])
            for e in graph.edges.values()] == [("billing", "api", ["API_URL"])]


def test_public_address_is_exposure_only_with_a_route_to_the_internet(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "main.tf").write_text('''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "edge" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "inner" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table" "inner" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table_association" "edge" {
  subnet_id      = aws_subnet.edge.id
  route_table_id = aws_route_table.edge.id
}
resource "aws_route_table_association" "inner" {
  subnet_id      = aws_subnet.inner.id
  route_table_id = aws_route_table.inner.id
}
resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "front" {
  subnet_id                   = aws_subnet.edge.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}
resource "aws_instance" "back" {
  subnet_id                   = aws_subnet.inner.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}
''')
    inv = build_context([root]).inventory
    got = {name: (svc.deployments[0].exposure.value, svc.deployments[0].exposure_reasons)
           for name, svc in inv.services.items()}
    assert got == {
        "front": ("public", ["associate_public_ip_address = true; security group "
                             "aws_security_group.web allows 0.0.0.0/0 on port 443"]),
        "back": ("cluster", ["EC2 instance inside its VPC"]),
    }


def test_event_sources_link_producers_to_the_functions_they_trigger() -> None:
    graph = build_context([FIXTURES / "terraform" / "events"]).graph
    got = sorted((e.source, e.target, ev.kind, str(ev.location), ev.variable)
                 for e in graph.edges.values() for ev in e.evidence)
    assert got == [
        ("api", "notifier", "event-source", "main.tf:26", "ORDERS_TOPIC_ARN"),
        ("api", "worker", "event-source", "main.tf:26", "JOBS_QUEUE_URL"),
    ]


def test_same_name_in_another_role_is_another_service(tmp_path: object) -> None:
    """An RDS instance named like the application is its database, not one more deployment of
    it; an ECS service named like a Kubernetes Deployment is the same service."""
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders}\nspec:\n"
        "  selector: {matchLabels: {app: orders}}\n  template:\n"
        "    metadata: {labels: {app: orders}}\n    spec:\n"
        "      containers: [{name: orders, image: example/orders:1.0.0}]\n")
    (root / "main.tf").write_text(
        'resource "aws_db_instance" "orders" {\n  identifier = "orders"\n  engine = "postgres"\n}\n'
        'resource "aws_ecs_service" "orders" {\n  name = "orders"\n}\n')
    inv = build_context([root]).inventory
    assert {n: [d.kind for d in s.deployments] for n, s in inv.services.items()} == {
        "orders": ["Deployment", "aws_ecs_service"], "orders-db": ["aws_db_instance"]}


def test_applications_keep_the_plain_name_whatever_the_order(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "main.tf").write_text(
        'resource "aws_db_instance" "orders" {\n  identifier = "orders"\n}\n'
        'resource "aws_elasticache_cluster" "orders" {\n  cluster_id = "orders"\n'
        '  engine = "redis"\n}\n'
        'resource "aws_lambda_function" "orders" {\n  function_name = "orders"\n'
        '  role = "arn:aws:iam::111122223333:role/orders"\n}\n')
    inv = build_context([root]).inventory
    assert {n: [d.kind for d in s.deployments] for n, s in inv.services.items()} == {
        "orders": ["aws_lambda_function"], "orders-cache": ["aws_elasticache_cluster"],
        "orders-db": ["aws_db_instance"]}


def test_instance_ports_come_from_its_security_groups(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "main.tf").write_text('''
resource "aws_security_group" "vm" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = 8080
    to_port     = 8081
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }
}
resource "aws_instance" "legacy" {
  vpc_security_group_ids = [aws_security_group.vm.id]
}
''')
    inv = build_context([root]).inventory
    assert inv.services["legacy"].deployments[0].ports == [22, 8080, 8081]


def test_kubernetes_services_reach_managed_datastores_by_endpoint(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders}\nspec:\n"
        "  selector: {matchLabels: {app: orders}}\n  template:\n"
        "    metadata: {labels: {app: orders}}\n    spec:\n"
        "      containers:\n        - name: orders\n          image: example/orders:1.0.0\n"
        "          env:\n            - name: DATABASE_URL\n"
        "              value: postgres://app:pw@orders-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/orders\n"
        "            - name: REDIS_HOST\n"
        "              value: master.sessions.abc123.euw1.cache.amazonaws.com\n")
    (root / "main.tf").write_text(
        'resource "aws_db_instance" "orders" {\n  identifier = "orders-db"\n  engine = "postgres"\n}\n'
        'resource "aws_elasticache_replication_group" "sessions" {\n'
        '  replication_group_id = "sessions"\n  description = "sessions"\n}\n')
    graph = build_context([root]).graph
    got = sorted((e.source, e.target, ev.detail, str(ev.location))
                 for e in graph.edges.values() for ev in e.evidence)
    assert got == [
        ("orders", "orders-db", "DATABASE_URL=postgres://app:***@orders-db.c9akciq32.eu-west-1"
         ".rds.amazonaws.com:5432/orders", "app.yaml:13"),
        ("orders", "sessions", "REDIS_HOST=master.sessions.abc123.euw1.cache.amazonaws.com",
         "app.yaml:15"),
    ]


def test_instances_of_a_for_each_module_keep_their_own_resources() -> None:
    """Each instance of a ``for_each`` module refers to its own role, security group and task
    definition; its outputs (``module.svc[each.key].security_group_id``) and a ``for`` over a
    map with unresolved values (the environment) still lead to the resources they name."""
    ctx = build_context([FIXTURES / "terraform" / "instances"])
    inv = ctx.inventory
    got = {n: [(d.images, d.ports, d.identity) for d in s.deployments]
           for n, s in inv.services.items()}
    assert got == {
        "cart": [(["111122223333.dkr.ecr.eu-west-1.amazonaws.com/cart:2.0.1"], [8081],
                  'module.svc["cart"].aws_iam_role.task')],
        "orders": [(["111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2"], [8080],
                    'module.svc["orders"].aws_iam_role.task')],
        "shop-db": [([], [5432], "")],
    }
    edges = {(e.source, e.target): sorted((ev.kind, str(ev.location), ev.detail)
                                          for ev in e.evidence)
             for e in ctx.graph.edges.values()}
    assert edges == {
        (svc, "shop-db"): [
            ("env", "modules/svc/main.tf:19", "DB_HOST = aws_db_instance.main"),
            ("security-group", "main.tf:25", f'aws_security_group.db admits module.svc["{svc}"]'
             ".aws_security_group.this on port 5432")]
        for svc in ("cart", "orders")}
    result = scan([FIXTURES / "terraform" / "instances"], select=["MWC23"])
    assert result.findings == []
    assert not any("depend on variables without a value" in n for n in result.notices)


def test_unknown_exposure_is_said_not_guessed(tmp_path: object) -> None:
    """``internal = var.internal`` without a value: the load balancer is not called public, and
    its exposure says that it was not judged (not "inside its VPC")."""
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "main.tf").write_text(
        'variable "internal" {}\nvariable "public" {}\n'
        'resource "aws_lb" "web" {\n  name = "web"\n  internal = var.internal\n}\n'
        'resource "aws_db_instance" "db" {\n  identifier = "db"\n  engine = "postgres"\n'
        '  publicly_accessible = var.public\n}\n'
        'resource "aws_db_instance" "known" {\n  identifier = "known"\n  engine = "postgres"\n}\n')
    inv = build_context([root]).inventory
    got = {n: (s.deployments[0].exposure.value, s.deployments[0].exposure_reasons)
           for n, s in inv.services.items()}
    assert got == {
        "db": ("cluster", ["publicly_accessible = var.public is not known: public or not is "
                           "not judged"]),
        "known": ("cluster", ["RDS instance inside its VPC"]),
        "web": ("cluster", ["internal = var.internal is not known: public or not is not judged"]),
    }
