"""Log lines exactly as the real tools write them (formats from their documentation)."""

from __future__ import annotations

import json
from typing import Any

FLEET = "tests/watch/fleet"
IP = {"web": "10.244.1.21", "orders": "10.244.1.22", "payments": "10.244.2.31",
      "worker": "10.244.2.17"}


def istio_outbound(src: str, dst: str, port: int, path: str = "/", code: int = 200,
                   method: str = "GET", ts: str = "2026-12-01T10:00:00.409Z", n: int = 1) -> str:
    """Istio's default proxy access log line, written by the caller's sidecar."""
    rid = f"84961386-6d84-929d-98bd-{n:012d}"
    return (f'[{ts}] "{method} {path} HTTP/1.1" {code} - via_upstream - "-" 0 135 4 3 "-" '
            f'"python-requests/2.31.0" "{rid}" "{dst}:{port}" "10.244.9.9:{port}" '
            f"outbound|{port}||{dst}.shop.svc.cluster.local {IP[src]}:37652 10.96.0.12:{port} "
            f"{IP[src]}:46520 - default")


def istio_inbound(src_ip: str, dst: str, port: int, code: int = 200,
                  ts: str = "2026-12-01T10:00:00.409Z") -> str:
    return (f'[{ts}] "GET /v1/charge HTTP/1.1" {code} - via_upstream - "-" 0 35 2 1 "-" '
            f'"curl/8.5.0" "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" "{dst}:{port}" '
            f'"{IP[dst]}:{port}" inbound|{port}|| 127.0.0.6:48193 {IP[dst]}:{port} '
            f"{src_ip}:51724 outbound_.{port}_._.{dst}.shop.svc.cluster.local default")


def envoy_default(authority: str, code: int = 200, xff: str = "203.0.113.7") -> str:
    """Envoy's default format (an edge proxy: no Istio fields)."""
    return (f'[2026-12-01T10:00:00.000Z] "GET /login HTTP/1.1" {code} - 0 17 1 1 "{xff}" '
            f'"Mozilla/5.0" "5d7a2b9c-1f3e-4a6b-8c0d-2e4f6a8b0c1d" "{authority}" "10.244.1.21:8080"')


def envoy_json(src: str, dst: str, port: int, code: int = 200) -> str:
    """Istio's JSON access log encoding (meshConfig.accessLogEncoding: JSON)."""
    return json.dumps({
        "start_time": "2026-12-01T10:00:00.409Z", "method": "POST", "path": "/v1/charge",
        "protocol": "HTTP/1.1", "response_code": code, "response_flags": "-",
        "response_code_details": "via_upstream", "connection_termination_details": None,
        "upstream_transport_failure_reason": None, "bytes_received": 112, "bytes_sent": 35,
        "duration": 4, "upstream_service_time": "3", "x_forwarded_for": None,
        "user_agent": "python-requests/2.31.0", "request_id": "84961386-6d84-929d-98bd-c5aee93b5c88",
        "authority": f"{dst}:{port}", "upstream_host": f"10.244.9.9:{port}",
        "upstream_cluster": f"outbound|{port}||{dst}.shop.svc.cluster.local",
        "upstream_local_address": f"{IP[src]}:37652",
        "downstream_local_address": f"10.96.0.12:{port}",
        "downstream_remote_address": f"{IP[src]}:46520", "requested_server_name": None,
        "route_name": "default"}, separators=(",", ":"))


def linkerd_apache(src_sa: str, dst: str, port: int, code: int = 200) -> str:
    return (f"{IP.get(src_sa, '10.42.0.63')}:51160 {src_sa}.shop.serviceaccount.identity.linkerd."
            f'cluster.local - [2026-12-01T10:00:00.071809491Z] "GET http://{dst}:{port}/ HTTP/2.0" {code}')


def linkerd_json(src_sa: str, dst: str, port: int, code: int = 200) -> str:
    return json.dumps({
        "client.addr": f"{IP.get(src_sa, '10.42.0.70')}:32996",
        "client.id": f"{src_sa}.shop.serviceaccount.identity.linkerd.cluster.local",
        "host": f"{dst}:{port}", "method": "GET", "processing_ns": "39826", "request_bytes": "",
        "response_bytes": "19", "status": code, "timestamp": "2026-12-01T10:00:00.109015618Z",
        "total_ns": "251700", "trace_id": "", "uri": f"http://{dst}:{port}/", "user_agent":
        "Go-http-client/1.1", "version": "HTTP/2.0"}, separators=(",", ":"))


def nginx_combined(addr: str = "203.0.113.7", code: int = 200, path: str = "/") -> str:
    return (f'{addr} - - [01/Dec/2026:10:00:00 +0000] "GET {path} HTTP/1.1" {code} 612 "-" '
            '"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"')


def ingress_nginx(addr: str, upstream: str, code: int = 200, path: str = "/",
                  upstream_addr: str = "10.244.1.21:8080") -> str:
    return (f'{addr} - - [01/Dec/2026:10:00:00 +0000] "POST {path} HTTP/1.1" {code} 19 "-" '
            f'"curl/8.5.0" 231 0.004 [{upstream}] [] {upstream_addr} 19 0.004 {code} '
            "7c5a3f0e9b1d2c4e6f8a0b2c4d6e8f0a")


def audit(verb: str, resource: str, namespace: str, name: str, user: str, *,
          subresource: str = "", code: int = 200, stage: str = "ResponseComplete",
          uri: str = "", request_object: dict[str, Any] | None = None,
          audit_id: str = "5a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", reason: str = "",
          ts: str = "2026-12-01T10:00:00.000000Z", source_ip: str = "10.244.1.21") -> str:
    """An audit.k8s.io/v1 Event as the API server's log backend writes it."""
    ref: dict[str, Any] = {"resource": resource, "namespace": namespace, "apiVersion": "v1"}
    if name:
        ref["name"] = name
    if subresource:
        ref["subresource"] = subresource
    groups = (["system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"]
              if user.startswith("system:serviceaccount:") else ["system:authenticated"])
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse" if request_object else "Metadata", "auditID": audit_id,
        "stage": stage,
        "requestURI": uri or f"/api/v1/namespaces/{namespace}/{resource}" + (f"/{name}" if name else ""),
        "verb": verb, "user": {"username": user, "uid": "b7f0c8e2-91d4-4f3a-a5c6-2d8e7f1b0a93",
                               "groups": groups},
        "sourceIPs": [source_ip], "userAgent": "kubectl/v1.30.2 (linux/amd64) kubernetes/39683505",
        "objectRef": ref, "responseStatus": {"metadata": {}, "code": code},
        "requestReceivedTimestamp": ts, "stageTimestamp": ts,
        "annotations": {"authorization.k8s.io/decision": "allow" if code < 400 else "forbid",
                        "authorization.k8s.io/reason": reason or (
                            f'RBAC: allowed by RoleBinding "devs/{namespace}" of ClusterRole '
                            f'"edit" to User "{user}"' if code < 400 else "")}}
    if request_object is not None:
        event["requestObject"] = request_object
    return json.dumps(event, separators=(",", ":"))


def falco(priority: str, rule: str = "Terminal shell in container",
          pod: str = "payments-5b4c3d2e1f-p9zrt") -> str:
    output = (f"10:00:00.781848478: {priority} A shell was spawned in a container with an attached "
              f"terminal (user=root user_loginuid=-1 k8s.ns=shop k8s.pod={pod} container=3ad7c2f9b1e4 "
              "shell=bash parent=runc cmdline=bash terminal=34816 container_id=3ad7c2f9b1e4 "
              "image=registry.shop.example/payments)")
    return json.dumps({
        "hostname": "node-2", "output": output, "priority": priority, "rule": rule,
        "source": "syscall", "tags": ["container", "mitre_execution", "shell"],
        "time": "2026-12-01T10:00:00.781848478Z",
        "output_fields": {"container.id": "3ad7c2f9b1e4", "container.image.repository":
                          "registry.shop.example/payments", "evt.time": 1795941600781848478,
                          "k8s.ns.name": "shop", "k8s.pod.name": pod, "proc.cmdline": "bash",
                          "proc.name": "bash", "user.loginuid": -1, "user.name": "root"}},
        separators=(",", ":"))


def docker(line: str, stream: str = "stdout") -> str:
    return json.dumps({"log": line + "\n", "stream": stream,
                       "time": "2026-12-01T10:00:00.123456789Z"}, separators=(",", ":"))


def syslog_5424(msg: str, app: str = "nginx") -> str:
    return f"<190>1 2026-12-01T10:00:00.003Z node-1 {app} 1234 - - {msg}"


def syslog_3164(msg: str, tag: str = "nginx") -> str:
    return f"<190>Dec  1 10:00:00 node-1 {tag}[1234]: {msg}"
