"""Elastic Load Balancing v2: load balancers (with their attributes), listeners, target groups
and their targets, and the WAFv2 web ACL associated with each load balancer."""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader, arn_name, not_read

WAF_ABSENT = frozenset({"WAFNonexistentItemException", "WAFUnavailableEntityException"})


def action_block(action: dict[str, Any]) -> dict[str, Any]:
    redirect = action.get("RedirectConfig")
    fixed = action.get("FixedResponseConfig")
    forward = action.get("ForwardConfig") or {}
    target = action.get("TargetGroupArn") or next(
        (t.get("TargetGroupArn") for t in forward.get("TargetGroups") or []), "")
    return {
        "type": action.get("Type"),
        "order": action.get("Order"),
        "target_group_arn": target or "",
        "redirect": [{
            "protocol": redirect.get("Protocol"), "port": redirect.get("Port"),
            "host": redirect.get("Host"), "path": redirect.get("Path"),
            "query": redirect.get("Query"), "status_code": redirect.get("StatusCode"),
        }] if redirect else [],
        "fixed_response": [{
            "status_code": fixed.get("StatusCode"), "content_type": fixed.get("ContentType"),
            "message_body": fixed.get("MessageBody"),
        }] if fixed else [],
        "authenticate_oidc": [{"issuer": action["AuthenticateOidcConfig"].get("Issuer")}]
        if action.get("AuthenticateOidcConfig") else [],
        "authenticate_cognito": [{"user_pool_arn": action["AuthenticateCognitoConfig"].get(
            "UserPoolArn")}] if action.get("AuthenticateCognitoConfig") else [],
    }


CONDITIONS = {"path-pattern": ("path_pattern", "PathPatternConfig"),
              "host-header": ("host_header", "HostHeaderConfig"),
              "http-request-method": ("http_request_method", "HttpRequestMethodConfig"),
              "source-ip": ("source_ip", "SourceIpConfig")}


def condition_block(cond: dict[str, Any]) -> dict[str, Any]:
    """A rule condition as Terraform's ``condition`` block (one sub-block per field)."""
    field = str(cond.get("Field", ""))
    if field in CONDITIONS:
        name, config = CONDITIONS[field]
        values = (cond.get(config) or {}).get("Values") or cond.get("Values") or []
        return {name: [{"values": list(values)}]}
    if field == "http-header":
        conf = cond.get("HttpHeaderConfig") or {}
        return {"http_header": [{"http_header_name": conf.get("HttpHeaderName"),
                                 "values": list(conf.get("Values") or [])}]}
    if field == "query-string":
        conf = cond.get("QueryStringConfig") or {}
        return {"query_string": [{"key": kv.get("Key"), "value": kv.get("Value")}
                                 for kv in conf.get("Values") or []]}
    return {field.replace("-", "_"): [{"values": list(cond.get("Values") or [])}]}


def load_balancer(lb: dict[str, Any], attrs: dict[str, str] | None) -> dict[str, Any]:
    def attr(key: str) -> Any:
        return not_read("elasticloadbalancing:DescribeLoadBalancerAttributes") if attrs is None \
            else attrs.get(key)

    logs_enabled = attr("access_logs.s3.enabled")
    return {
        "name": lb.get("LoadBalancerName"),
        "arn": lb.get("LoadBalancerArn"),
        "internal": lb.get("Scheme") == "internal",
        "load_balancer_type": lb.get("Type"),
        "dns_name": lb.get("DNSName"),
        "vpc_id": lb.get("VpcId"),
        "security_groups": list(lb.get("SecurityGroups") or []),
        "subnets": [str(z["SubnetId"]) for z in lb.get("AvailabilityZones") or []
                    if z.get("SubnetId")],
        "ip_address_type": lb.get("IpAddressType"),
        "drop_invalid_header_fields": (logs_enabled if attrs is None else
                                       attrs.get("routing.http.drop_invalid_header_fields.enabled")
                                       == "true"),
        "enable_deletion_protection": (logs_enabled if attrs is None else
                                       attrs.get("deletion_protection.enabled") == "true"),
        "access_logs": [{
            "enabled": logs_enabled == "true",
            "bucket": attr("access_logs.s3.bucket") or "",
            "prefix": attr("access_logs.s3.prefix") or "",
        }] if attrs is not None else logs_enabled,
    }


def collect(r: Reader) -> None:
    for lb in r.listing("elbv2", "describe_load_balancers", "LoadBalancers") or []:
        arn = str(lb["LoadBalancerArn"])
        name = str(lb.get("LoadBalancerName", arn_name(arn)))
        got = r.get("elbv2", "describe_load_balancer_attributes", LoadBalancerArn=arn)
        attrs = None if got is None else {str(a["Key"]): str(a.get("Value", ""))
                                          for a in got.get("Attributes") or []}
        r.add("aws_lb", name, load_balancer(lb, attrs), "elasticloadbalancing",
              f"loadbalancer/{name}", arn)
        for ls in r.listing("elbv2", "describe_listeners", "Listeners", LoadBalancerArn=arn) or []:
            larn = str(ls["ListenerArn"])
            certs = [str(c["CertificateArn"]) for c in ls.get("Certificates") or []]
            r.add("aws_lb_listener", f"{name}:{ls.get('Port')}", {
                "arn": larn, "load_balancer_arn": arn, "port": ls.get("Port"),
                "protocol": ls.get("Protocol"), "ssl_policy": ls.get("SslPolicy") or "",
                "certificate_arn": certs[0] if certs else "",
                "default_action": [action_block(a) for a in ls.get("DefaultActions") or []],
            }, "elasticloadbalancing", f"listener/{name}/{ls.get('Port')}", larn)
            for rule in r.listing("elbv2", "describe_rules", "Rules", ListenerArn=larn) or []:
                if rule.get("IsDefault"):
                    continue  # the listener's default action, read above
                priority = str(rule.get("Priority"))
                r.add("aws_lb_listener_rule", f"{name}:{ls.get('Port')}:{priority}", {
                    "arn": rule.get("RuleArn"), "listener_arn": larn, "priority": priority,
                    "action": [action_block(a) for a in rule.get("Actions") or []],
                    "condition": [condition_block(c) for c in rule.get("Conditions") or []],
                }, "elasticloadbalancing", f"listener-rule/{name}/{ls.get('Port')}/{priority}",
                    str(rule.get("RuleArn", "")))
        if lb.get("Type") == "application":
            waf = r.get("wafv2", "get_web_acl_for_resource", absent=WAF_ABSENT, ResourceArn=arn)
            acl = (waf or {}).get("WebACL")
            if waf is None:
                r.add("aws_wafv2_web_acl_association", f"{name}-unknown", {
                    "resource_arn": arn, "web_acl_arn": not_read("wafv2:GetWebACLForResource"),
                }, "wafv2", f"association/{name}", "")
            elif acl:
                r.add("aws_wafv2_web_acl_association", name, {
                    "resource_arn": arn, "web_acl_arn": acl.get("ARN"),
                }, "wafv2", f"association/{name}", "")
    for tg in r.listing("elbv2", "describe_target_groups", "TargetGroups") or []:
        tarn = str(tg["TargetGroupArn"])
        name = str(tg.get("TargetGroupName", arn_name(tarn)))
        r.add("aws_lb_target_group", name, {
            "name": name, "arn": tarn, "port": tg.get("Port"), "protocol": tg.get("Protocol"),
            "vpc_id": tg.get("VpcId"), "target_type": tg.get("TargetType"),
            "load_balancer_arns": list(tg.get("LoadBalancerArns") or []),
            "health_check": [{
                "enabled": tg.get("HealthCheckEnabled"), "path": tg.get("HealthCheckPath"),
                "port": tg.get("HealthCheckPort"), "protocol": tg.get("HealthCheckProtocol"),
            }],
        }, "elasticloadbalancing", f"targetgroup/{name}", tarn)
        health = r.get("elbv2", "describe_target_health", TargetGroupArn=tarn)
        for desc in (health or {}).get("TargetHealthDescriptions") or []:
            target = desc.get("Target") or {}
            tid = str(target.get("Id", ""))
            r.add("aws_lb_target_group_attachment", f"{name}:{tid}", {
                "target_group_arn": tarn, "target_id": tid, "port": target.get("Port"),
            }, "elasticloadbalancing", f"targetgroup/{name}/{tid}", "")
    for acl in r.listing("wafv2", "list_web_acls", "WebACLs", Scope="REGIONAL") or []:
        aarn = str(acl.get("ARN", ""))
        r.add("aws_wafv2_web_acl", str(acl.get("Name")), {
            "name": acl.get("Name"), "arn": aarn, "id": acl.get("Id"), "scope": "REGIONAL",
            "description": acl.get("Description", ""),
        }, "wafv2", f"regional/webacl/{acl.get('Name')}", aarn)
