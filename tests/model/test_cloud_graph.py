"""Cloud workloads in the inventory and the service graph, beside Kubernetes."""

from __future__ import annotations

from meshward.model.graph import EXTERNAL
from meshward.pipeline import build_context
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
