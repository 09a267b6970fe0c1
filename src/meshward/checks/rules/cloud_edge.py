"""MWC10-MWC14: the cloud edge: WAF, throttling and authorizers on API Gateway and load
balancers, plaintext listeners, datastores without TLS in transit."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import facts, hit, resources, truthy
from meshward.findings.finding import Confidence, Severity
from meshward.model.cloud import CloudResource, blocks_of, is_unknown

_WAF_ASSOC = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")


def _protected(ctx: ScanContext, r: CloudResource) -> bool | None:
    """True when a WAF is associated; None when an association exists but its ACL is unknown."""
    f = facts(ctx)
    found: bool | None = False
    for assoc in resources(ctx, *_WAF_ASSOC):
        if r in f.index.follow(assoc.get("resource_arn"), assoc, r.type):
            acl = assoc.first("web_acl_arn", "web_acl_id")
            if is_unknown(acl) and "aws_wafv2_web_acl" not in str(getattr(acl, "expression", "")):
                found = None
            else:
                return True
    return found


def _public_rest_api(ctx: ScanContext, stage: CloudResource) -> CloudResource | None:
    for api in facts(ctx).index.follow(stage.get("rest_api_id"), stage, "aws_api_gateway_rest_api"):
        w = facts(ctx).by_resource.get(id(api))
        if w is not None and w.public:
            return api
    return None


@rule(
    id="MWC10",
    title="Internet-facing load balancer or API stage without a WAF",
    severity=Severity.MEDIUM,
    practices=("ENV-EDGE",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-693",
    references=("https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html",),
    rationale=(
        "An internet-facing Application Load Balancer or API Gateway REST stage with no AWS "
        "WAF web ACL passes injection, scanner and bot traffic straight to the services, and "
        "has no place for IP reputation lists or rate-based rules."
    ),
    remediation=(
        "Associate a WAFv2 web ACL (`aws_wafv2_web_acl_association` with `resource_arn` = the "
        "load balancer or stage ARN) with the AWS managed rule groups and a rate-based rule."
    ),
    example_fail='resource "aws_lb" "public" {\n  internal = false\n}',
    example_pass=('resource "aws_wafv2_web_acl_association" "public" {\n'
                  '  resource_arn = aws_lb.public.arn\n  web_acl_arn  = aws_wafv2_web_acl.edge.arn\n}'),
)
def no_waf(ctx: ScanContext) -> Iterator[Hit]:
    for w in facts(ctx).workloads:
        r = w.resource
        if r.type not in ("aws_lb", "aws_alb") or not w.public:
            continue
        if str(r.get("load_balancer_type") or "application") != "application":
            continue  # WAF attaches to ALBs only
        if _protected(ctx, r) is False:
            yield hit(ctx, r, f"internet-facing load balancer {r.ref} has no WAF web ACL",
                      r.at("internal"), "no aws_wafv2_web_acl_association")
    for stage in resources(ctx, "aws_api_gateway_stage"):
        api = _public_rest_api(ctx, stage)
        if api is None or stage.get("web_acl_arn"):
            continue
        if _protected(ctx, stage) is False:
            yield hit(ctx, stage, f"API Gateway stage {stage.ref} of public API {api.ref} has no "
                      "WAF web ACL", evidence="no aws_wafv2_web_acl_association")


def _limited(settings: dict[str, object], prefix: str = "throttling_") -> bool:
    rate = settings.get(f"{prefix}rate_limit")
    burst = settings.get(f"{prefix}burst_limit")
    return any((isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0)
               or is_unknown(v) for v in (rate, burst))


def _same_api(ctx: ScanContext, api_id: object, plan: CloudResource,
              stage: CloudResource) -> bool:
    """Does a usage plan's ``api_id`` name the stage's REST API (a stage name alone is not
    enough: every API may have a ``prod`` stage)?"""
    mine = stage.get("rest_api_id")
    if isinstance(api_id, str) and isinstance(mine, str):
        return api_id == mine
    idx = facts(ctx).index
    theirs = idx.follow(api_id, plan, "aws_api_gateway_rest_api")
    ours = idx.follow(mine, stage, "aws_api_gateway_rest_api")
    return bool(theirs and ours and any(a is b for a in theirs for b in ours))


@rule(
    id="MWC11",
    title="API Gateway stage without throttling",
    severity=Severity.MEDIUM,
    practices=("ENV-EDGE",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-770",
    references=("https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",),
    rationale=(
        "Without a stage or route throttle, one client can use the whole account-level quota "
        "(10,000 requests per second shared by every API of the region): a flood on one API "
        "denies service to all, and brute force against login routes is unbounded."
    ),
    remediation=(
        "Set `throttling_rate_limit`/`throttling_burst_limit` in `aws_api_gateway_method_settings` "
        "(REST) or the stage's `default_route_settings` (HTTP APIs), or a usage plan with "
        "`throttle_settings` for the stage."
    ),
    example_fail='resource "aws_apigatewayv2_stage" "prod" {\n  api_id = aws_apigatewayv2_api.shop.id\n  name = "prod"\n}',
    example_pass=('resource "aws_apigatewayv2_stage" "prod" {\n  api_id = aws_apigatewayv2_api.shop.id\n'
                  '  name = "prod"\n  default_route_settings {\n    throttling_rate_limit  = 100\n'
                  '    throttling_burst_limit = 50\n  }\n}'),
)
def no_throttling(ctx: ScanContext) -> Iterator[Hit]:
    f = facts(ctx)
    idx = f.index
    for stage in resources(ctx, "aws_apigatewayv2_stage"):
        settings = stage.blocks("default_route_settings") + stage.blocks("route_settings")
        if not any(_limited(s) for s in settings):
            yield hit(ctx, stage, f"HTTP API stage {stage.ref} sets no throttling limit",
                      evidence="no throttling_rate_limit/throttling_burst_limit")
    for stage in resources(ctx, "aws_api_gateway_stage"):
        apis = idx.follow(stage.get("rest_api_id"), stage, "aws_api_gateway_rest_api")
        name = stage.get("stage_name")
        limited = False
        for ms in resources(ctx, "aws_api_gateway_method_settings"):
            same_api = not apis or any(a in idx.follow(ms.get("rest_api_id"), ms) for a in apis)
            same_stage = ms.get("stage_name") == name or stage in idx.follow(
                ms.get("stage_name"), ms, "aws_api_gateway_stage")
            if same_api and same_stage and any(_limited(s) for s in ms.blocks("settings")):
                limited = True
        for plan in resources(ctx, "aws_api_gateway_usage_plan"):
            if not any(_limited(t, "") for t in plan.blocks("throttle_settings")):
                continue
            for block in plan.blocks("api_stages"):
                same_stage = block.get("stage") == name or stage in idx.follow(
                    block.get("stage"), plan, "aws_api_gateway_stage")
                if same_stage and _same_api(ctx, block.get("api_id"), plan, stage):
                    limited = True
        if not limited:
            yield hit(ctx, stage, f"REST API stage {stage.ref} sets no throttling limit",
                      evidence="no method settings or usage plan throttle")


@rule(
    id="MWC12",
    title="API route or method without an authorizer",
    severity=Severity.HIGH,
    practices=("AUTH-GATEWAY",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-306",
    references=("https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",),
    rationale=(
        "The gateway is where external requests should be authenticated. A REST method with "
        "`authorization = \"NONE\"` (and no API key) or an HTTP API route with no "
        "`authorization_type` forwards anonymous requests to the service behind it; a Lambda "
        "function URL with `authorization_type = \"NONE\"` is such an entry point with no gateway "
        "at all. CORS preflight (OPTIONS) routes are not reported."
    ),
    remediation=(
        "Attach an authorizer: JWT/Cognito (`authorization_type = \"JWT\"`, `COGNITO_USER_POOLS`), "
        "a Lambda authorizer (`CUSTOM`) or IAM (`AWS_IAM`). Routes that must stay public "
        "deserve a suppression with a reason."
    ),
    example_fail=('resource "aws_apigatewayv2_route" "orders" {\n  api_id    = aws_apigatewayv2_api.shop.id\n'
                  '  route_key = "POST /orders"\n}'),
    example_pass=('resource "aws_apigatewayv2_route" "orders" {\n  api_id    = aws_apigatewayv2_api.shop.id\n'
                  '  route_key          = "POST /orders"\n  authorization_type = "JWT"\n'
                  '  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id\n}'),
)
def no_authorizer(ctx: ScanContext) -> Iterator[Hit]:
    for method in resources(ctx, "aws_api_gateway_method"):
        auth = method.get("authorization")
        verb = str(method.get("http_method") or "")
        if auth == "NONE" and verb.upper() != "OPTIONS" and not truthy(method.get("api_key_required")):
            yield hit(ctx, method, f"API Gateway method {method.ref} ({verb}) has "
                      "authorization NONE and no API key", method.at("authorization"),
                      "authorization = NONE")
    for route in resources(ctx, "aws_apigatewayv2_route"):
        auth = route.get("authorization_type", "NONE")
        key = str(route.get("route_key") or "")
        if key.upper().startswith("OPTIONS ") or key == "$disconnect":
            continue
        if auth in (None, "NONE"):
            where = route.at("authorization_type") if "authorization_type" in route.attributes \
                else route.location
            yield hit(ctx, route, f"API route {key or route.ref} ({route.ref}) has no authorizer",
                      where, f"authorization_type = {auth or 'NONE'}")
    for url in resources(ctx, "aws_lambda_function_url"):
        if url.get("authorization_type") == "NONE":
            yield hit(ctx, url, f"function URL {url.ref} answers anyone: authorization_type NONE, "
                      "outside any gateway", url.at("authorization_type"),
                      "authorization_type = NONE")


@rule(
    id="MWC13",
    title="Load balancer listener on plain HTTP without a redirect to HTTPS",
    severity=Severity.MEDIUM,
    practices=("TLS-PLAINTEXT", "ENV-EDGE"),
    targets=("cloud",),
    cwe="CWE-319",
    references=("https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",),
    rationale=(
        "A listener with `protocol = \"HTTP\"` that forwards instead of redirecting carries "
        "sessions, tokens and form data in clear between the client and the load balancer."
    ),
    remediation=(
        "Serve on HTTPS (port 443, `certificate_arn`, a current `ssl_policy`) and make the HTTP "
        "listener's default action a `redirect` with `protocol = \"HTTPS\"` and "
        "`status_code = \"HTTP_301\"`."
    ),
    example_fail=('resource "aws_lb_listener" "http" {\n  port = 80\n  protocol = "HTTP"\n'
                  '  default_action {\n    type = "forward"\n  }\n}'),
    example_pass=('resource "aws_lb_listener" "http" {\n  port = 80\n  protocol = "HTTP"\n'
                  '  default_action {\n    type = "redirect"\n    redirect {\n'
                  '      protocol    = "HTTPS"\n      port        = "443"\n'
                  '      status_code = "HTTP_301"\n    }\n  }\n}'),
)
def http_listener(ctx: ScanContext) -> Iterator[Hit]:
    f = facts(ctx)
    for lis in resources(ctx, "aws_lb_listener", "aws_alb_listener"):
        if str(lis.get("protocol") or "").upper() != "HTTP":
            continue
        actions = lis.blocks("default_action")
        redirects = [a for a in actions if a.get("type") == "redirect"
                     and any(str(r.get("protocol", "#{protocol}")).upper() == "HTTPS"
                             for r in blocks_of(a, "redirect"))]
        if redirects or any(a.get("type") == "fixed-response" for a in actions):
            continue
        lbs = f.index.follow(lis.get("load_balancer_arn"), lis, "aws_lb", "aws_alb")
        public = any(f.by_resource.get(id(lb)) is not None and f.by_resource[id(lb)].public
                     for lb in lbs)
        yield hit(ctx, lis, f"listener {lis.ref} serves plain HTTP on port {lis.get('port')} "
                  f"{'of an internet-facing load balancer ' if public else ''}without "
                  "redirecting to HTTPS", lis.at("protocol"), "protocol = HTTP",
                  severity=Severity.HIGH if public else None)


def _rds_parameters(ctx: ScanContext, r: CloudResource) -> dict[str, str] | None:
    """The parameters of the instance's (or cluster's) parameter group; None when unknown."""
    key = "db_cluster_parameter_group_name" if r.type == "aws_rds_cluster" \
        else "parameter_group_name"
    ref = r.get(key)
    if ref is None:
        return {}  # the engine's default parameter group
    groups = facts(ctx).index.follow(ref, r, "aws_db_parameter_group",
                                     "aws_rds_cluster_parameter_group")
    if not groups:
        return {} if isinstance(ref, str) and ref.startswith("default.") else None
    out: dict[str, str] = {}
    for p in groups[0].blocks("parameter"):
        name, value = p.get("name"), p.get("value")
        if isinstance(name, str) and isinstance(value, (str, int)):
            out[name] = str(value)
    return out


def _rds_plaintext(ctx: ScanContext, r: CloudResource) -> str:
    """Why an RDS engine accepts plaintext clients ("" when it does not, or cannot be told)."""
    engine = r.get("engine")
    if not isinstance(engine, str):
        return ""
    params = _rds_parameters(ctx, r)
    if params is None:
        return ""
    engine = engine.lower()
    if "mysql" in engine or "mariadb" in engine:
        value = params.get("require_secure_transport")
        if value is None:
            return "require_secure_transport is not set (OFF by default)"
        if value.upper() not in ("1", "ON"):
            return f"require_secure_transport = {value}"
    elif "postgres" in engine:
        if params.get("rds.force_ssl") == "0":
            return "rds.force_ssl = 0"
        version = r.get("engine_version")
        major = version.split(".")[0] if isinstance(version, str) else ""
        if major.isdigit() and int(major) < 15 and "rds.force_ssl" not in params:
            return f"rds.force_ssl defaults to 0 before PostgreSQL 15 (engine {version})"
    return ""


@rule(
    id="MWC14",
    title="Datastore without TLS in transit",
    severity=Severity.MEDIUM,
    practices=("TLS-PLAINTEXT",),
    targets=("cloud",),
    cwe="CWE-319",
    references=("https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html",
                "https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html",
                "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html"),
    rationale=(
        "ElastiCache without `transit_encryption_enabled`, MSK clusters accepting PLAINTEXT "
        "clients, RDS MySQL/MariaDB without `require_secure_transport` (off by default) and RDS "
        "PostgreSQL with `rds.force_ssl = 0` (the default before version 15) carry credentials "
        "and data in clear inside the VPC, readable by anything that can sniff or spoof on the "
        "path."
    ),
    remediation=(
        "Set `transit_encryption_enabled = true` (ElastiCache; with an `auth_token`), "
        "`encryption_in_transit { client_broker = \"TLS\" }` for MSK, and a DB parameter group "
        "with `require_secure_transport = 1` (MySQL) or `rds.force_ssl = 1` (PostgreSQL); "
        "connect with TLS clients."
    ),
    example_fail='resource "aws_elasticache_replication_group" "cache" {\n  engine = "redis"\n}',
    example_pass=('resource "aws_elasticache_replication_group" "cache" {\n  engine = "redis"\n'
                  '  transit_encryption_enabled = true\n}'),
)
def datastore_plaintext(ctx: ScanContext) -> Iterator[Hit]:
    for r in resources(ctx, "aws_elasticache_replication_group", "aws_elasticache_cluster"):
        if r.type == "aws_elasticache_cluster" and r.get("replication_group_id"):
            continue  # a member: the replication group says
        value = r.get("transit_encryption_enabled")
        if value is None or value is False:
            where = r.at("transit_encryption_enabled") if value is False else r.location
            yield hit(ctx, r, f"{r.type} {r.ref} does not encrypt traffic in transit", where,
                      "transit_encryption_enabled unset" if value is None
                      else "transit_encryption_enabled = false")
    for r in resources(ctx, "aws_db_instance", "aws_rds_cluster"):
        verdict = _rds_plaintext(ctx, r)
        if verdict:
            yield hit(ctx, r, f"{r.type} {r.ref} accepts unencrypted connections: {verdict}",
                      r.at("parameter_group_name") if "parameter_group_name" in r.attributes
                      else r.at("engine"), verdict)
    for r in resources(ctx, "aws_msk_cluster"):
        for info in r.blocks("encryption_info"):
            for transit in blocks_of(info, "encryption_in_transit"):
                mode = transit.get("client_broker")
                if mode in ("PLAINTEXT", "TLS_PLAINTEXT"):
                    yield hit(ctx, r, f"MSK cluster {r.ref} accepts {mode} clients",
                              r.at("encryption_info"), f"client_broker = {mode}")
