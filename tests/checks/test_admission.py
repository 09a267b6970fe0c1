"""Signature-verification policies: each tool's image matching, namespaces, audit modes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from meshward.checks.admission import ggcr_form, kyverno_form, sigstore_matches
from meshward.config import Config
from meshward.pipeline import scan

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
spec:
  containers:
  - name: {name}
    image: {image}
"""


def _scan(tmp: Path, files: dict[str, str], rule: str) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = scan([tmp], Config(), today=dt.date(2026, 11, 23), select=[rule])
    assert result.errors == []
    return sorted((f.location.path, f.location.line, f.message) for f in result.findings)


def _pods(*items: tuple[str, str, str]) -> str:
    return "---\n".join(POD.format(name=n, ns=ns, image=i) for n, ns, i in items)


@pytest.mark.parametrize(("image", "form"), [
    ("nginx", "docker.io/nginx:latest"),
    ("nginx:1.27", "docker.io/nginx:1.27"),
    ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"),
    ("ghcr.io/org/app:1.0@sha256:abcd", "ghcr.io/org/app@sha256:abcd"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
])
def test_kyverno_sees_images_like_kyverno(image: str, form: str) -> None:
    assert kyverno_form(image) == form


@pytest.mark.parametrize(("glob", "image", "matches"), [
    ("*", "nginx", True),                              # "*" means index.docker.io/library/*
    ("*", "me/app", False),
    ("*/*", "me/app:1", True),
    ("index.docker.io/library/*", "nginx:1.27", True),  # ":" is not a separator
    ("ghcr.io/org/*", "ghcr.io/org/team/app:1", False),  # "*" stops at "/"
    ("ghcr.io/org/**", "ghcr.io/org/team/app:1", True),
    ("ghcr.io/org/app:**", "ghcr.io/org/app@sha256:ab", False),
    ("ghcr.io/org/app**", "ghcr.io/org/app@sha256:ab", True),
    ("registry.example.com/*", "registry.example.com/app", True),  # tag latest is added
    ("bad[glob]", "anything", False),
])
def test_sigstore_glob(glob: str, image: str, matches: bool) -> None:
    assert sigstore_matches(glob, image) is matches


def test_ggcr_form() -> None:
    assert ggcr_form("me/app") == "index.docker.io/me/app:latest"
    assert ggcr_form("Registry.Example.com/App:1") == "registry.example.com/App:1"


CIP = """\
apiVersion: policy.sigstore.dev/v1beta1
kind: ClusterImagePolicy
metadata:
  name: ours
spec:
  images:
  - glob: "registry.example.com/*"
  - glob: "*"
  authorities:
  - keyless:
      url: https://fulcio.sigstore.dev
"""

NS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: {name}
  labels: {labels}
"""


def test_sigstore_policy_controller(tmp_path: Path) -> None:
    pods = _pods(("a", "shop", "registry.example.com/shop/a:1"),  # "*" does not cross "/"
                 ("b", "shop", "registry.example.com/b:1"),
                 ("c", "shop", "redis:7"),                     # official image: "*" covers it
                 ("d", "legacy", "registry.example.com/d:1"))  # namespace not opted in
    found = _scan(tmp_path, {
        "cip.yaml": CIP,
        "ns.yaml": NS.format(name="shop", labels='{"policy.sigstore.dev/include": "true"}')
        + "---\n" + NS.format(name="legacy", labels="{team: old}"),
        "pods.yaml": pods}, "MW331")
    assert found == [
        ("pods.yaml", 9, "container a of Pod shop/a: image registry.example.com/shop/a:1 is not "
         "verified by any signature policy (ClusterImagePolicy ours globs registry.example.com/*, "
         "* do not match registry.example.com/shop/a:1)"),
        ("pods.yaml", 39, "container d of Pod legacy/d: image registry.example.com/d:1 is not "
         "verified by any signature policy (namespace legacy is not labelled "
         "policy.sigstore.dev/include=true)"),
    ]


CONNAISSEUR_VALUES = """\
kubernetes:
  deployment:
    replicasCount: 3
application:
  validators:
  - name: allow
    type: static
    approve: true
  - name: deny
    type: static
    approve: false
  - name: default
    type: cosign
    trustRoots:
    - name: default
      key: |
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexample==
        -----END PUBLIC KEY-----
  policy:
  - pattern: "*:*"
  - pattern: "docker.io/library/*:*"
    validator: allow
  - pattern: "registry.example.com/*:*"
    validator: default
  - pattern: "registry.example.com/sandbox/*:*"
    validator: allow
  features:
    detectionMode: {detection}
"""


def test_connaisseur_most_specific_rule_and_static_validators(tmp_path: Path) -> None:
    pods = _pods(("a", "shop", "registry.example.com/shop/a:1"),
                 ("b", "shop", "registry.example.com/sandbox/b:1"),  # more specific: allow
                 ("c", "shop", "nginx:1.27"),                       # library rule: allow
                 ("d", "shop", "quay.io/other/d:2"))                # "*:*": default validator
    found = _scan(tmp_path, {"connaisseur/values.yaml": CONNAISSEUR_VALUES.format(detection="false"),
                             "pods.yaml": pods}, "MW331")
    assert [(p, line) for p, line, _ in found] == [("pods.yaml", 19), ("pods.yaml", 29)]
    assert "rule 'registry.example.com/sandbox/*:*' admits registry.example.com/sandbox/b:1 " \
           "through static validator allow without verifying a signature" in found[0][2]
    assert "rule 'docker.io/library/*:*' admits index.docker.io/library/nginx:1.27" in found[1][2]
    audit = _scan(tmp_path, {"connaisseur/values.yaml": CONNAISSEUR_VALUES.format(detection="true")},
                  "MW332")
    assert audit == [("connaisseur/values.yaml", 20, "Connaisseur Connaisseur policy in "
                      "connaisseur/values.yaml verifies signatures but does not deny: "
                      "detectionMode is on; unsigned images still run")]


RATIFY = """\
apiVersion: config.ratify.deislabs.io/v1beta1
kind: Verifier
metadata:
  name: verifier-notation
spec:
  name: notation
  artifactTypes: application/vnd.cncf.notary.signature
  parameters:
    verificationCertStores:
      certs:
      - certstore-inline
    trustPolicyDoc:
      version: "1.0"
      trustPolicies:
      - name: default
        registryScopes:
        - "registry.example.com/shop/web"
        signatureVerification:
          level: strict
        trustStores:
        - ca:certs
        trustedIdentities:
        - "*"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: RatifyVerification
metadata:
  name: ratify-constraint
spec:
  enforcementAction: {action}
  match:
    kinds:
    - apiGroups: [""]
      kinds: ["Pod"]
    namespaces: ["shop"]
"""


def test_ratify_with_gatekeeper(tmp_path: Path) -> None:
    pods = _pods(("web", "shop", "registry.example.com/shop/web:3"),
                 ("api", "shop", "registry.example.com/shop/api:3"),
                 ("ops", "ops", "registry.example.com/shop/web:3"))
    found = _scan(tmp_path, {"ratify.yaml": RATIFY.format(action="deny"), "pods.yaml": pods},
                  "MW331")
    assert found == [
        ("pods.yaml", 19, "container api of Pod shop/api: image registry.example.com/shop/api:3 "
         "is not verified by any signature policy (Ratify verifier scopes "
         "registry.example.com/shop/web do not include registry.example.com/shop/api)"),
        ("pods.yaml", 29, "container ops of Pod ops/ops: image registry.example.com/shop/web:3 "
         "is not verified by any signature policy (RatifyVerification ratify-constraint does not "
         "apply to namespace ops)"),
    ]
    audit = _scan(tmp_path, {"ratify.yaml": RATIFY.format(action="dryrun")}, "MW332")
    assert [(p, line) for p, line, _ in audit] == [("ratify.yaml", 29)]
    assert "enforcementAction is dryrun" in audit[0][2]
    assert _scan(tmp_path, {}, "MW330") == []


IVP = """\
apiVersion: policies.kyverno.io/v1alpha1
kind: ImageValidatingPolicy
metadata:
  name: check-images
spec:
  validationActions: [{action}]
  matchImageReferences:
  - glob: "ghcr.io/example/*"
  attestors:
  - name: cosign
    cosign:
      keyless:
        identities:
        - issuer: https://token.actions.githubusercontent.com
          subjectRegExp: "https://github.com/example/.*"
"""


def test_image_validating_policy_counts_but_is_not_evaluated(tmp_path: Path) -> None:
    files = {"ivp.yaml": IVP.format(action="Audit"),
             "pods.yaml": _pods(("a", "shop", "quay.io/other/a:1"))}
    assert _scan(tmp_path, files, "MW330") == []
    assert _scan(tmp_path, files, "MW331") == []
    result = scan([tmp_path], Config(), select=["MW331"])
    assert "MW331: Kyverno ImageValidatingPolicy check-images is counted as covering every " \
           "image: its matchImageReferences are not evaluated by meshward" in result.notices
    audit = _scan(tmp_path, files, "MW332")
    assert [(p, line) for p, line, _ in audit] == [("ivp.yaml", 6)]
    assert "validationActions is audit" in audit[0][2]
    assert _scan(tmp_path, {"ivp.yaml": IVP.format(action="Deny")}, "MW332") == []


def test_no_policy_names_every_service_it_leaves_unverified(tmp_path: Path) -> None:
    (tmp_path / "pods.yaml").write_text(_pods(("web", "shop", "registry.example.com/web:1"),
                                              ("api", "shop", "registry.example.com/api:1"),
                                              ("db", "data", "postgres:16")))
    result = scan([tmp_path], Config(), today=dt.date(2026, 11, 23), select=["MW330"])
    [f] = result.findings
    assert f.message.startswith("3 Kubernetes workload(s) of 3 service(s) in the scanned files")
    assert dict(f.extra) == {"services": "api,db,web", "workloads": "3"}
    assert (f.location.path, f.location.line) == ("pods.yaml", 1)
    # fleet-wide: no arbitrary workload or service stands for the fleet
    assert (f.resource, f.service, f.key) == (None, None, "fleet")


def test_uncovered_image_is_data() -> None:
    from tests.conftest import FIXTURES

    result = scan([FIXTURES / "rules" / "MW331" / "fail"], Config(), today=dt.date(2026, 11, 23),
                  select=["MW331"])
    got = sorted((f.service, dict(f.extra)["image"], dict(f.extra)["container"])
                 for f in result.findings)
    assert got == [("reports", "registry.example.com/analytics/reports:2.0", "reports"),
                   ("web", "redis:7.2", "cache"),
                   ("web", "registry.example.com/sandbox/migrate:0.3", "migrate")]
    assert {dict(f.extra)["policies"] for f in result.findings} == {
        "ClusterPolicy verify-shop-images (rule verify-signature)"}
