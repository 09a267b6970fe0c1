"""Each log format, recognised by content, parsed into the fields detectors read."""

from __future__ import annotations

from meshward.watch.logs.detect import TRUNCATED, UNKNOWN, Recognizer
from tests.watch import samples as s

T0 = 1796119200.0  # 2026-12-01T10:00:00Z


def parse(line: str, path: str = "x.log"):  # type: ignore[no-untyped-def]
    r = Recognizer(year=2026)
    ev = r.parse(line, path)
    assert ev is not None, r.problem
    return ev


def test_istio_text_outbound() -> None:
    ev = parse(s.istio_outbound("worker", "payments", 8443, "/v1/charge", 503, "POST"))
    assert (ev.fmt, ev.kind, ev.direction) == ("envoy", "access", "outbound")
    assert (ev.method, ev.uri, ev.status) == ("POST", "/v1/charge", 503)
    assert (ev.src_addr, ev.dst_host) == ("10.244.2.17:46520", "payments.shop.svc.cluster.local")
    assert abs((ev.ts or 0) - (T0 + 0.409)) < 1e-6


def test_istio_text_inbound() -> None:
    ev = parse(s.istio_inbound("10.244.2.17", "payments", 8443))
    assert ev.direction == "inbound"
    assert (ev.src_addr, ev.dst_addr) == ("10.244.2.17:51724", "10.244.2.31:8443")


def test_envoy_default_format() -> None:
    ev = parse(s.envoy_default("web.example.com", 401))
    assert (ev.fmt, ev.status, ev.dst_host, ev.src_addr) == ("envoy", 401, "web.example.com",
                                                             "203.0.113.7")
    assert ev.dst_addr == "10.244.1.21:8080" and ev.bytes_sent == 17


def test_envoy_json() -> None:
    ev = parse(s.envoy_json("worker", "payments", 8443))
    assert (ev.fmt, ev.direction, ev.status) == ("envoy-json", "outbound", 200)
    assert ev.dst_host == "payments.shop.svc.cluster.local" and ev.bytes_sent == 35


def test_linkerd_apache_and_json() -> None:
    ev = parse(s.linkerd_apache("worker", "payments", 8443, 403))
    assert (ev.fmt, ev.src_id, ev.dst_host, ev.status) == (
        "linkerd", "worker.shop.serviceaccount.identity.linkerd.cluster.local", "payments:8443", 403)
    ev = parse(s.linkerd_json("worker", "payments", 8443))
    assert (ev.fmt, ev.src_addr, ev.dst_host, ev.bytes_sent) == (
        "linkerd-json", "10.244.2.17:32996", "payments:8443", 19)


def test_nginx_combined_and_ingress() -> None:
    ev = parse(s.nginx_combined(code=401, path="/admin"))
    assert (ev.fmt, ev.src_addr, ev.status, ev.uri, ev.ts) == ("nginx", "203.0.113.7", 401,
                                                               "/admin", T0)
    ev = parse(s.ingress_nginx("198.51.100.4", "shop-payments-8443"))
    assert (ev.fmt, ev.dst_host, ev.dst_addr) == ("ingress-nginx", "shop-payments-8443",
                                                  "10.244.1.21:8080")


def test_k8s_audit_event() -> None:
    ev = parse(s.audit("create", "pods", "shop", "web-6c9f8d7b5c-h2kqz", "alice@example.com",
                       subresource="exec", stage="ResponseStarted",
                       uri="/api/v1/namespaces/shop/pods/web-6c9f8d7b5c-h2kqz/exec?command=sh"))
    assert (ev.fmt, ev.kind, ev.verb, ev.resource, ev.subresource) == (
        "k8s-audit", "audit", "create", "pods", "exec")
    assert (ev.user, ev.namespace, ev.name, ev.stage, ev.src_addr) == (
        "alice@example.com", "shop", "web-6c9f8d7b5c-h2kqz", "ResponseStarted", "10.244.1.21")


def test_falco_json() -> None:
    ev = parse(s.falco("Warning"))
    assert (ev.fmt, ev.kind, ev.priority, ev.rule) == ("falco", "runtime", "Warning",
                                                       "Terminal shell in container")
    assert (ev.namespace, ev.pod, ev.user) == ("shop", "payments-5b4c3d2e1f-p9zrt", "root")


def test_docker_json_file_wraps_another_format() -> None:
    path = "/var/log/containers/web-6c9f8d7b5c-h2kqz_shop_nginx-0123abcd.log"
    ev = parse(s.docker(s.nginx_combined()), path)
    assert (ev.fmt, ev.reporter, ev.namespace, ev.container) == (
        "docker-json/nginx", "web-6c9f8d7b5c-h2kqz", "shop", "nginx")
    ev = parse(s.docker("started in 3.2s"), path)
    assert (ev.fmt, ev.kind, ev.output) == ("docker-json", "text", "started in 3.2s")


def test_syslog_5424_and_3164_unwrap_their_message() -> None:
    ev = parse(s.syslog_5424(s.nginx_combined(code=403)))
    assert (ev.fmt, ev.status, ev.extra["host"]) == ("syslog-5424/nginx", 403, "node-1")
    ev = parse(s.syslog_3164(s.falco("Critical"), tag="falco"))
    assert (ev.fmt, ev.priority) == ("syslog-3164/falco", "Critical")
    ev = parse("Dec  1 10:00:00 node-1 sshd[811]: Accepted publickey for admin from 10.0.0.5")
    assert (ev.fmt, ev.kind, ev.ts) == ("syslog-3164", "text", T0)


def test_bad_lines_say_why() -> None:
    r = Recognizer()
    assert r.parse(s.falco("Warning")[:80]) is None and r.problem == TRUNCATED
    assert r.parse('{"level":"info","msg":"ready"}') is None and r.problem == UNKNOWN
    assert r.parse("hello world") is None and r.problem == UNKNOWN
    assert r.parse(s.istio_outbound("web", "orders", 9000)[:60]) is None and r.problem == TRUNCATED


def test_cri_container_log_wraps_another_format() -> None:
    path = "/var/log/containers/orders-7f6d5c4b3a-m8xwq_shop_istio-proxy-9f8e7d6c5b4a.log"
    line = "2026-12-01T10:00:00.410123456Z stdout F " + s.istio_outbound("orders", "payments", 8443)
    ev = parse(line, path)
    assert (ev.fmt, ev.reporter, ev.namespace, ev.container, ev.status) == (
        "cri/envoy", "orders-7f6d5c4b3a-m8xwq", "shop", "istio-proxy", 200)
    ev = parse("2026-12-01T10:00:00.410123456Z stderr P level=info msg=starting", path)
    assert (ev.fmt, ev.kind, ev.ts) == ("cri", "text", T0 + 0.410123456)


def test_docker_compose_label_names_the_service() -> None:
    import json

    doc = json.loads(s.docker(s.istio_outbound("worker", "payments", 8443)))
    doc["attrs"] = {"com.docker.compose.service": "worker"}
    ev = parse(json.dumps(doc), "/var/lib/docker/containers/3ad7/3ad7-json.log")
    assert (ev.fmt, ev.reporter, ev.namespace) == ("docker-json/envoy", "worker", "")
