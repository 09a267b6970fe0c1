"""API Gateway, REST (v1) and HTTP/WebSocket (v2): APIs, stages with their throttling, access
logs and web ACL, resources and methods (REST) or routes (v2) with their authorizers,
authorizers, integrations, usage plans."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.elbv2 import WAF_ABSENT
from meshward.loaders.aws.translate import Reader, policy_json


def method_settings(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "throttling_burst_limit": values.get("throttlingBurstLimit", -1),
        "throttling_rate_limit": values.get("throttlingRateLimit", -1),
        "logging_level": values.get("loggingLevel", "OFF"),
        "metrics_enabled": bool(values.get("metricsEnabled")),
        "data_trace_enabled": bool(values.get("dataTraceEnabled")),
        "caching_enabled": bool(values.get("cachingEnabled")),
        "require_authorization_for_cache_control": bool(
            values.get("requireAuthorizationForCacheControl")),
    }


def route_settings(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "throttling_burst_limit": values.get("ThrottlingBurstLimit", 0),
        "throttling_rate_limit": values.get("ThrottlingRateLimit", 0),
        "detailed_metrics_enabled": bool(values.get("DetailedMetricsEnabled")),
        "logging_level": values.get("LoggingLevel", ""),
        "data_trace_enabled": bool(values.get("DataTraceEnabled")),
    }


def _web_acl(r: Reader, stage_arn: str, given: str | None) -> str | None:
    """The stage's web ACL: the stage names it; otherwise WAFv2 is asked."""
    if given:
        return given
    got = r.get("wafv2", "get_web_acl_for_resource", absent=WAF_ABSENT, ResourceArn=stage_arn)
    acl = (got or {}).get("WebACL")
    return str(acl.get("ARN")) if acl else None


def collect_rest(r: Reader) -> None:
    for api in r.listing("apigateway", "get_rest_apis", "items") or []:
        aid, name = str(api["id"]), str(api.get("name", api["id"]))
        api_arn = r.arn("apigateway", f"/restapis/{aid}", account=False)
        r.add("aws_api_gateway_rest_api", name, {
            "id": aid, "name": name, "arn": api_arn, "description": api.get("description", ""),
            "endpoint_configuration": [{"types": list(
                (api.get("endpointConfiguration") or {}).get("types") or [])}],
            "policy": policy_json(api.get("policy")),
            "disable_execute_api_endpoint": bool(api.get("disableExecuteApiEndpoint")),
            "api_key_source": api.get("apiKeySource", "HEADER"),
            "tags": dict(api.get("tags") or {}),
        }, "apigateway", f"restapis/{aid}", api_arn)
        for st in r.listing("apigateway", "get_stages", "item", restApiId=aid) or []:
            sname = str(st["stageName"])
            sarn = f"{api_arn}/stages/{sname}"
            logs = st.get("accessLogSettings") or {}
            acl = _web_acl(r, sarn, st.get("webAclArn"))
            r.add("aws_api_gateway_stage", f"{name}/{sname}", {
                "rest_api_id": aid, "stage_name": sname, "arn": sarn,
                "deployment_id": st.get("deploymentId", ""),
                "xray_tracing_enabled": bool(st.get("tracingEnabled")),
                "cache_cluster_enabled": bool(st.get("cacheClusterEnabled")),
                "client_certificate_id": st.get("clientCertificateId", ""),
                "web_acl_arn": acl or "",
                "access_log_settings": [{
                    "destination_arn": logs.get("destinationArn"), "format": logs.get("format"),
                }] if logs.get("destinationArn") else [],
                "tags": dict(st.get("tags") or {}),
            }, "apigateway", f"restapis/{aid}/stages/{sname}", sarn)
            if acl:
                r.add("aws_wafv2_web_acl_association", f"{name}/{sname}",
                      {"resource_arn": sarn, "web_acl_arn": acl},
                      "wafv2", f"association/{name}/{sname}", "")
            for path, values in (st.get("methodSettings") or {}).items():
                r.add("aws_api_gateway_method_settings", f"{name}/{sname}/{path}", {
                    "rest_api_id": aid, "stage_name": sname, "method_path": path,
                    "settings": [method_settings(values or {})],
                }, "apigateway", f"restapis/{aid}/stages/{sname}/settings/{path}", "")
        for res in r.listing("apigateway", "get_resources", "items", restApiId=aid,
                             embed=["methods"]) or []:
            rid, path = str(res["id"]), str(res.get("path", ""))
            r.add("aws_api_gateway_resource", f"{name}{path}", {
                "id": rid, "rest_api_id": aid, "path": path, "path_part": res.get("pathPart", ""),
                "parent_id": res.get("parentId", ""),
            }, "apigateway", f"restapis/{aid}/resources/{rid}", "")
            for verb, method in (res.get("resourceMethods") or {}).items():
                if "authorizationType" not in (method or {}):
                    method = r.get("apigateway", "get_method", restApiId=aid, resourceId=rid,
                                   httpMethod=verb) or {}
                r.add("aws_api_gateway_method", f"{name} {verb} {path}", {
                    "rest_api_id": aid, "resource_id": rid, "http_method": verb,
                    "authorization": method.get("authorizationType", "NONE"),
                    "authorizer_id": method.get("authorizerId", ""),
                    "api_key_required": bool(method.get("apiKeyRequired")),
                    "authorization_scopes": list(method.get("authorizationScopes") or []),
                    "path": path,
                }, "apigateway", f"restapis/{aid}/resources/{rid}/methods/{verb}", "")
                integ = method.get("methodIntegration")
                if integ:
                    r.add("aws_api_gateway_integration", f"{name} {verb} {path}", {
                        "rest_api_id": aid, "resource_id": rid, "http_method": verb,
                        "type": integ.get("type"), "uri": integ.get("uri", ""),
                        "integration_http_method": integ.get("httpMethod", ""),
                        "connection_type": integ.get("connectionType", "INTERNET"),
                        "connection_id": integ.get("connectionId", ""),
                    }, "apigateway",
                        f"restapis/{aid}/resources/{rid}/methods/{verb}/integration", "")
        for au in r.listing("apigateway", "get_authorizers", "items", restApiId=aid) or []:
            r.add("aws_api_gateway_authorizer", f"{name}/{au.get('name')}", {
                "id": au.get("id"), "name": au.get("name"), "rest_api_id": aid,
                "type": au.get("type"), "identity_source": au.get("identitySource", ""),
                "provider_arns": list(au.get("providerARNs") or []),
                "authorizer_uri": au.get("authorizerUri", ""),
            }, "apigateway", f"restapis/{aid}/authorizers/{au.get('id')}", "")
    for plan in r.listing("apigateway", "get_usage_plans", "items") or []:
        throttle = plan.get("throttle") or {}
        quota = plan.get("quota") or {}
        r.add("aws_api_gateway_usage_plan", str(plan.get("name")), {
            "id": plan.get("id"), "name": plan.get("name"),
            "api_stages": [{"api_id": s.get("apiId"), "stage": s.get("stage")}
                           for s in plan.get("apiStages") or []],
            "throttle_settings": [{"burst_limit": throttle.get("burstLimit", 0),
                                   "rate_limit": throttle.get("rateLimit", 0)}] if throttle else [],
            "quota_settings": [{"limit": quota.get("limit"), "period": quota.get("period")}]
            if quota else [],
        }, "apigateway", f"usageplans/{plan.get('id')}",
            r.arn("apigateway", f"/usageplans/{plan.get('id')}", account=False))


def collect_v2(r: Reader) -> None:
    for api in r.listing("apigatewayv2", "get_apis", "Items") or []:
        aid, name = str(api["ApiId"]), str(api.get("Name", api["ApiId"]))
        api_arn = r.arn("apigateway", f"/apis/{aid}", account=False)
        r.add("aws_apigatewayv2_api", name, {
            "id": aid, "name": name, "arn": api_arn, "protocol_type": api.get("ProtocolType"),
            "api_endpoint": api.get("ApiEndpoint", ""),
            "disable_execute_api_endpoint": bool(api.get("DisableExecuteApiEndpoint")),
            "tags": dict(api.get("Tags") or {}),
        }, "apigateway", f"apis/{aid}", api_arn)
        for st in r.listing("apigatewayv2", "get_stages", "Items", ApiId=aid) or []:
            sname = str(st["StageName"])
            sarn = f"{api_arn}/stages/{sname}"
            logs = st.get("AccessLogSettings") or {}
            default = st.get("DefaultRouteSettings")
            r.add("aws_apigatewayv2_stage", f"{name}/{sname}", {
                "api_id": aid, "name": sname, "arn": sarn,
                "auto_deploy": bool(st.get("AutoDeploy")),
                "deployment_id": st.get("DeploymentId", ""),
                "default_route_settings": [route_settings(default)] if default else [],
                "route_settings": [{"route_key": key, **route_settings(values or {})}
                                   for key, values in (st.get("RouteSettings") or {}).items()],
                "access_log_settings": [{
                    "destination_arn": logs.get("DestinationArn"), "format": logs.get("Format"),
                }] if logs.get("DestinationArn") else [],
                "tags": dict(st.get("Tags") or {}),
            }, "apigateway", f"apis/{aid}/stages/{sname}", sarn)
        used: list[str] = []
        for route in r.listing("apigatewayv2", "get_routes", "Items", ApiId=aid) or []:
            key = str(route.get("RouteKey"))
            if route.get("AuthorizerId") and route["AuthorizerId"] not in used:
                used.append(str(route["AuthorizerId"]))
            r.add("aws_apigatewayv2_route", f"{name} {key}", {
                "id": route.get("RouteId"), "api_id": aid, "route_key": key,
                "authorization_type": route.get("AuthorizationType", "NONE"),
                "authorizer_id": route.get("AuthorizerId", ""),
                "api_key_required": bool(route.get("ApiKeyRequired")),
                "authorization_scopes": list(route.get("AuthorizationScopes") or []),
                "target": route.get("Target", ""),
            }, "apigateway", f"apis/{aid}/routes/{route.get('RouteId')}", "")
        for auid in used:  # the authorizers routes use (what the rules judge)
            au = r.get("apigatewayv2", "get_authorizer", ApiId=aid, AuthorizerId=auid)
            if not au:
                continue
            jwt = au.get("JwtConfiguration") or {}
            r.add("aws_apigatewayv2_authorizer", f"{name}/{au.get('Name')}", {
                "id": au.get("AuthorizerId"), "api_id": aid, "name": au.get("Name"),
                "authorizer_type": au.get("AuthorizerType"),
                "identity_sources": list(au.get("IdentitySource") or []),
                "authorizer_uri": au.get("AuthorizerUri", ""),
                "jwt_configuration": [{"audience": list(jwt.get("Audience") or []),
                                       "issuer": jwt.get("Issuer", "")}] if jwt else [],
            }, "apigateway", f"apis/{aid}/authorizers/{auid}", "")
        for integ in r.listing("apigatewayv2", "get_integrations", "Items", ApiId=aid) or []:
            iid = str(integ.get("IntegrationId"))
            r.add("aws_apigatewayv2_integration", f"{name}/{iid}", {
                "id": iid, "api_id": aid, "integration_type": integ.get("IntegrationType"),
                "integration_uri": integ.get("IntegrationUri", ""),
                "integration_method": integ.get("IntegrationMethod", ""),
                "connection_type": integ.get("ConnectionType", "INTERNET"),
                "connection_id": integ.get("ConnectionId", ""),
            }, "apigateway", f"apis/{aid}/integrations/{iid}", "")

