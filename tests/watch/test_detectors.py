"""Every detector: one test where it fires (exact finding) and one where it stays silent."""

from __future__ import annotations

from pathlib import Path

from meshward.findings.finding import Mode, ResourceRef, Severity
from meshward.watch.context import Thresholds
from meshward.watch.detectors import all_infos
from tests.watch import samples as s
from tests.watch.conftest import Feed


def test_every_detector_has_docs_practices_and_tests() -> None:
    infos = all_infos()
    assert [i.id for i in infos] == [f"MWW0{n}" for n in range(1, 10)]
    text = Path(__file__).read_text(encoding="utf-8")
    for info in infos:
        assert info.rationale and info.remediation and info.inputs and info.practices
        assert "LOG-ANOMALY" in info.practices or "ENV-GRANTS" in info.practices
        n = info.id[3:].lower()
        assert f"def test_mww{n}_fires" in text and f"def test_mww{n}_silent" in text, info.id


# MWW01: a call on no edge of the graph -------------------------------------------------

def test_mww01_fires_on_a_call_off_the_graph(feed: Feed) -> None:
    [f] = feed([s.istio_outbound("worker", "payments", 8443, "/v1/charge", 200, "POST")])
    assert (f.rule_id, f.mode, f.severity, f.service) == ("MWW01", Mode.WATCH, Severity.HIGH,
                                                          "payments")
    assert f.message == ("worker called payments (POST /v1/charge; answered 200), but the graph "
                         "has no edge worker -> payments and no policy allows it")
    assert (f.source, f.location.path, f.location.line) == ("10.244.2.17:46520", "access.log", 1)
    assert ("owner", "team-payments") in f.extra  # from the Backstage catalog entry
    assert f.practices == ("LOG-ANOMALY", "ENV-PRIVATE")


def test_mww01_fires_with_identity_from_linkerd(feed: Feed) -> None:
    [f] = feed([s.linkerd_json("web", "payments", 8443)])
    assert f.identity == "web.shop.serviceaccount.identity.linkerd.cluster.local"
    assert (f.service, f.source) == ("payments", "10.244.1.21:32996")


def test_mww01_silent_on_graph_edges(feed: Feed) -> None:
    lines = [s.istio_outbound("web", "orders", 9000), s.istio_outbound("orders", "payments", 8443),
             s.envoy_json("worker", "orders", 9000), s.linkerd_apache("web", "orders", 9000),
             s.istio_inbound("10.244.1.22", "payments", 8443),
             s.ingress_nginx("198.51.100.4", "shop-web-80")]
    assert feed(lines) == []


def test_mww01_counts_repeats_once(feed: Feed) -> None:
    found = feed([s.istio_outbound("worker", "payments", 8443, n=i) for i in range(50)])
    assert len(found) == 1
    assert feed.watcher.stats.repeats["MWW01 worker->payments"] == 49  # type: ignore[attr-defined]


def test_unmapped_callers_are_counted_and_reported(feed: Feed) -> None:
    feed([s.istio_inbound("10.9.9.9", "payments", 8443)] * 3)
    notices = feed.watcher.notices()  # type: ignore[attr-defined]
    assert any(n.startswith("3 call side(s) in the logs could not be mapped") and
               "caller 10.9.9.9:51724 (3)" in n for n in notices)


# MWW02: burst of authentication failures -------------------------------------------------

def _failures(n: int, spacing: float) -> list[str]:
    return [s.envoy_default("web.shop.svc.cluster.local", 401).replace(
        "2026-12-01T10:00:00.000Z", f"2026-12-01T10:{int(i * spacing) // 60:02d}:"
                                    f"{int(i * spacing) % 60:02d}.000Z") for i in range(n)]


def test_mww02_fires_on_a_burst_from_one_source(feed: Feed) -> None:
    found = feed(_failures(20, 1.0), only="MWW02")
    by_kind = {dict(f.extra)["burst"]: f for f in found}
    src = by_kind["source"]
    assert src.message == ("20 authentication failures from 203.0.113.7 within 19s (threshold 20 "
                           "in 60s); last: GET /login -> 401")
    assert (src.source, src.location.line, src.service) == ("203.0.113.7", 20, "web")
    assert by_kind["target"].message.startswith("20 authentication failures against web ")


def test_mww02_silent_below_threshold_or_spread_out(feed: Feed) -> None:
    assert feed(_failures(19, 1.0), only="MWW02") == []
    assert feed(_failures(40, 5.0), only="MWW02") == []  # 20 in 95s: not a burst
    assert feed(_failures(5, 1.0), only="MWW02", thresholds=Thresholds(auth_failures=6)) == []


# MWW03: Secret read by an identity that does not use it ------------------------------------

def test_mww03_fires_when_another_workload_reads_a_secret(feed: Feed) -> None:
    [f] = feed([s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web")])
    assert (f.rule_id, f.severity, f.service) == ("MWW03", Severity.HIGH, "payments")
    assert f.message == ("service account shop/web (service web) did get on Secret "
                         "shop/payments-keys (used only by payments)")
    assert (f.identity, f.source) == ("system:serviceaccount:shop:web", "10.244.1.21")
    assert f.resource == ResourceRef("Secret", "payments-keys", "shop")


def test_mww03_fires_for_people_and_for_listing(feed: Feed) -> None:
    found = feed([s.audit("get", "secrets", "shop", "orders-db", "alice@example.com"),
                  s.audit("list", "secrets", "shop", "", "system:serviceaccount:shop:worker")])
    assert [f.message for f in found] == [
        "user alice@example.com did get on Secret shop/orders-db (used only by orders)",
        "service account shop/worker (service worker) did list on every Secret of shop "
        "(used by no workload meshward knows)"]
    assert found[0].severity == Severity.MEDIUM


def test_mww03_silent_for_the_owner_the_node_and_denied_reads(feed: Feed) -> None:
    assert feed([
        s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:payments"),
        s.audit("get", "secrets", "shop", "orders-db", "system:serviceaccount:shop:orders"),
        s.audit("get", "secrets", "shop", "payments-keys", "system:node:node-2"),
        s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web",
                code=403),
        s.audit("get", "secrets", "shop", "payments-keys", "system:serviceaccount:shop:web",
                stage="RequestReceived"),
    ]) == []


# MWW04: exec, attach, port-forward --------------------------------------------------------

def test_mww04_fires_on_exec_into_a_pod(feed: Feed) -> None:
    uri = ("/api/v1/namespaces/shop/pods/payments-5b4c3d2e1f-p9zrt/exec?command=sh&command=-c"
           "&command=id&container=payments&stdin=true&stdout=true&tty=true")
    lines = [s.audit("create", "pods", "shop", "payments-5b4c3d2e1f-p9zrt", "alice@example.com",
                     subresource="exec", stage=stage, uri=uri, source_ip="192.0.2.10")
             for stage in ("RequestReceived", "ResponseStarted", "ResponseComplete")]
    [f] = feed(lines)
    assert f.message == ("alice@example.com did exec into pod shop/payments-5b4c3d2e1f-p9zrt "
                         "container payments running 'sh -c id'")
    assert (f.service, f.identity, f.source, f.location.line) == (
        "payments", "alice@example.com", "192.0.2.10", 2)
    assert ("owner", "team-payments") in f.extra


def test_mww04_exec_answered_101_is_an_exec_that_went_through(feed: Feed) -> None:
    # the API server logs a successful exec as 101 Switching Protocols (the stream upgrade)
    [f] = feed([s.audit("create", "pods", "shop", "payments-5b4c3d2e1f-p9zrt", "alice@example.com",
                        subresource="exec", stage="ResponseStarted", code=101)])
    assert f.severity == Severity.HIGH and "denied" not in f.message


def test_mww04_fires_on_port_forward_denied_as_medium(feed: Feed) -> None:
    [f] = feed([s.audit("create", "pods", "shop", "orders-7f6d5c4b3a-m8xwq", "bob@example.com",
                        subresource="portforward", code=403)])
    assert f.severity == Severity.MEDIUM and f.message.endswith("(denied: 403)")


def test_mww04_silent_on_reading_pods_and_logs(feed: Feed) -> None:
    assert feed([s.audit("get", "pods", "shop", "web-6c9f8d7b5c-h2kqz", "alice@example.com"),
                 s.audit("get", "pods", "shop", "web-6c9f8d7b5c-h2kqz", "alice@example.com",
                         subresource="log")]) == []


# MWW05: privileged pod created --------------------------------------------------------------

PRIV_POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "shop"},
            "spec": {"hostPID": True, "containers": [{"name": "sh", "image": "busybox:1.36",
                                                       "securityContext": {"privileged": True}}]}}


def test_mww05_fires_on_a_privileged_pod(feed: Feed) -> None:
    [f] = feed([s.audit("create", "pods", "shop", "", "system:serviceaccount:shop:worker",
                        request_object=PRIV_POD, code=201)])
    assert (f.rule_id, f.severity) == ("MWW05", Severity.CRITICAL)
    assert f.message == ("system:serviceaccount:shop:worker created pod shop/debug: hostPID: true; "
                         "container sh privileged: true")
    assert f.resource == ResourceRef("Pod", "debug", "shop")


def test_mww05_silent_on_an_ordinary_pod_or_metadata_only(feed: Feed) -> None:
    plain = {**PRIV_POD, "spec": {"containers": [{"name": "sh", "image": "busybox:1.36"}]}}
    assert feed([s.audit("create", "pods", "shop", "", "alice@example.com", request_object=plain),
                 s.audit("create", "pods", "shop", "", "alice@example.com")]) == []


# MWW06: Falco ------------------------------------------------------------------------------

def test_mww06_fires_on_falco_warning_and_critical(feed: Feed) -> None:
    found = feed([s.falco("Warning"), s.falco("Critical", rule="Write below binary dir")])
    assert [(f.severity, f.service, f.message) for f in found] == [
        (Severity.MEDIUM, "payments", "Falco Warning: Terminal shell in container in pod "
                                      "shop/payments-5b4c3d2e1f-p9zrt (service payments)"),
        (Severity.CRITICAL, "payments", "Falco Critical: Write below binary dir in pod "
                                        "shop/payments-5b4c3d2e1f-p9zrt (service payments)")]
    assert ("owner", "team-payments") in found[0].extra
    assert found[0].practices == ("LOG-ANOMALY", "LOG-RUNTIME")


def test_mww06_alert_carries_pod_identity_and_addresses_as_data(feed: Feed) -> None:
    import json

    [f] = feed([s.falco("Warning")])
    assert (f.resource, f.identity, f.source) == (
        ResourceRef("Pod", "payments-5b4c3d2e1f-p9zrt", "shop"), "root", "")
    assert ("container_id", "3ad7c2f9b1e4") in f.extra and ("node", "node-2") in f.extra
    doc = json.loads(s.falco("Critical", rule="Outbound Connection to C2 Servers"))
    doc["output_fields"] |= {"fd.rip": "198.51.100.77", "fd.cip": "10.244.2.9"}
    [net] = feed([json.dumps(doc)])
    assert net.source == "198.51.100.77"  # the remote end, never the container id
    bare = json.loads(s.falco("Warning"))
    del bare["hostname"], bare["output_fields"]["container.id"]
    [quiet] = feed([json.dumps(bare)])
    assert {k for k, _ in quiet.extra} == {"format", "time", "owner", "falco_rule", "priority",
                                           "image", "command"}  # nothing empty


def test_mww06_silent_on_notice_and_informational(feed: Feed) -> None:
    assert feed([s.falco("Notice"), s.falco("Informational"), s.falco("Debug")]) == []


# MWW07: grant used after it expired ----------------------------------------------------------

REASON = ('RBAC: allowed by RoleBinding "oncall-debug/shop" of ClusterRole "edit" to User '
          '"alice@example.com"')


def test_mww07_fires_when_an_expired_binding_allows_a_request(feed: Feed) -> None:
    [f] = feed([s.audit("patch", "deployments", "shop", "payments", "alice@example.com",
                        reason=REASON, ts="2026-12-01T09:12:44.118242Z")], only="MWW07")
    assert f.message == ("alice@example.com did patch deployments shop/payments on 2026-12-01, "
                         "allowed by RoleBinding shop/oncall-debug (ClusterRole edit), which "
                         "expired on 2026-11-01")
    assert (f.practices, f.identity) == (("ENV-GRANTS", "LOG-ANOMALY"), "alice@example.com")
    assert f.resource == ResourceRef("RoleBinding", "oncall-debug", "shop")



def test_mww07_fires_on_an_exec_through_an_expired_binding(feed: Feed) -> None:
    [f] = feed([s.audit("create", "pods", "shop", "payments-5b4c3d2e1f-p9zrt",
                        "alice@example.com", subresource="exec", stage="ResponseStarted",
                        code=101, reason=REASON, ts="2026-12-01T09:12:44.118242Z")],
               only="MWW07")
    assert f.rule_id == "MWW07" and "RoleBinding shop/oncall-debug" in f.message

def test_mww07_silent_before_expiry_or_when_another_binding_allowed(feed: Feed) -> None:
    other = REASON.replace("oncall-debug/shop", "devs/shop")
    assert feed([s.audit("patch", "deployments", "shop", "payments", "alice@example.com",
                         reason=REASON, ts="2026-10-15T09:00:00Z"),
                 s.audit("patch", "deployments", "shop", "payments", "alice@example.com",
                         reason=other)], only="MWW07") == []


# MWW08: new external destination --------------------------------------------------------------

def _egress(host: str) -> str:
    return s.istio_outbound("orders", "payments", 443).replace(
        '"payments:443"', f'"{host}:443"').replace(
        "outbound|443||payments.shop.svc.cluster.local", "PassthroughCluster")


def test_mww08_fires_on_a_destination_never_seen(feed: Feed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from meshward.watch.state import State

    state = State(path=tmp_path / "state.json", existed=True,
                  external={"api.stripe.com": "2026-11-30T00:00:00+00:00"})
    [f] = feed([_egress("api.stripe.com"), _egress("paste.exfil.example.net")], state=state,
               only="MWW08")
    assert f.message == ("orders called paste.exfil.example.net, an external destination not "
                         "seen before and not declared in the deployment files (GET / -> 200)")
    assert (f.service, f.source) == ("orders", "10.244.1.22:46520")
    assert "paste.exfil.example.net" in state.external


def test_mww08_silent_on_known_hosts_and_while_learning(feed: Feed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from meshward.watch.state import State

    learning = State(path=tmp_path / "state.json")
    assert feed([_egress("paste.exfil.example.net")], state=learning, only="MWW08") == []
    assert "paste.exfil.example.net" in learning.external
    learning.save()
    assert feed([_egress("paste.exfil.example.net")], state=State.load(tmp_path / "state.json"),
                only="MWW08") == []


# MWW09: volume far above the baseline ---------------------------------------------------------

def _calls(n: int, minute: int) -> list[str]:
    return [s.envoy_json("worker", "orders", 9000).replace(
        "2026-12-01T10:00:00.409Z", f"2026-12-01T10:{minute:02d}:{i % 60:02d}.000Z")
        for i in range(n)]


def _learned(tmp_path) -> object:  # type: ignore[no-untyped-def]
    from meshward.watch.state import Baseline, State

    return State(path=tmp_path / "s.json", existed=True,
                 volume={"worker->orders": Baseline(mean=50.0, var=25.0, n=30)})


def test_mww09_fires_far_above_the_baseline(feed: Feed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    [f] = feed(_calls(400, 1) + _calls(50, 2), state=_learned(tmp_path), only="MWW09")
    assert f.message == ("worker->orders: 400 calls in 60s, baseline mean 50.0, std 5.0 over 30 "
                         "buckets: z-score 70.0 (limit 4.0)")
    assert (f.service, f.location.line) == ("orders", 400)


def test_mww09_silent_within_the_baseline(feed: Feed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    state = _learned(tmp_path)
    assert feed(_calls(55, 1) + _calls(60, 2), state=state, only="MWW09") == []
    b = state.volume["worker->orders"]  # type: ignore[attr-defined]
    assert b.n == 31 and 50.0 < b.mean < 52.0  # learned from the closed bucket only


def test_detector_docs_are_generated_and_explained(capsys) -> None:  # type: ignore[no-untyped-def]
    from meshward.cli.main import main
    from meshward.watch.docs import expected_docs
    from tests.conftest import REPO

    folder = REPO / "docs" / "detectors"
    for name, text in expected_docs().items():
        assert (folder / name).read_text("utf-8") == text, (
            f"docs/detectors/{name} is stale: run `python -m meshward.watch.docs docs/detectors`")
    assert main(["explain", "mww03"]) == 0
    assert capsys.readouterr().out.startswith("# MWW03: Secret read by an identity that does not use it")
    rule = all_infos()[0].as_rule()
    assert rule.help_uri.endswith("/docs/detectors/MWW01.md")


def test_tables_stay_bounded_on_unbounded_input(feed: Feed) -> None:
    from meshward.watch.identity import UNMAPPED_KEEP

    lines = [s.istio_inbound(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", "payments", 8443)
             for i in range(UNMAPPED_KEEP + 2000)]
    feed(lines, only="MWW01")
    ids = feed.watcher.ctx.identities  # type: ignore[attr-defined]
    assert ids.unmapped_total == UNMAPPED_KEEP + 2000  # every one counted ...
    assert len(ids.unmapped) == UNMAPPED_KEEP  # ... a bounded number remembered


def test_mww01_fires_with_a_spiffe_identity(feed: Feed) -> None:
    import json

    doc = json.loads(s.envoy_json("web", "payments", 8443))
    doc.update(upstream_cluster="inbound|8443||", downstream_remote_address="10.99.0.1:40000",
               downstream_peer_uri_san="spiffe://cluster.local/ns/shop/sa/worker")
    [f] = feed([json.dumps(doc)])
    assert (f.identity, f.source) == ("spiffe://cluster.local/ns/shop/sa/worker", "10.99.0.1:40000")
    assert f.message.startswith("worker called payments")


def test_clock_skew_forward_and_backward_is_named_and_processed(feed: Feed) -> None:
    lines = [s.istio_outbound("web", "orders", 9000, ts="2026-12-01T10:00:00.000Z"),
             s.istio_outbound("web", "orders", 9000, ts="2026-12-01T07:30:00.000Z"),  # 2.5h back
             s.istio_outbound("web", "orders", 9000, ts="2026-12-01T09:30:00.000Z"),  # fine
             s.istio_outbound("worker", "payments", 8443, ts="2099-01-01T00:00:00.000Z"),
             s.istio_outbound("web", "orders", 9000, ts="2026-12-01T10:00:01.000Z")]  # fine
    [f] = feed(lines)  # the skewed line is still processed
    assert f.location.line == 4
    notices = feed.watcher.notices()  # type: ignore[attr-defined]
    assert any(n.startswith("access.log:2: clock skew (2 such lines in this file)") for n in notices)
