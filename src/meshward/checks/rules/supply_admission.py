"""MW330-MW332: a signature-verification admission policy guards the clusters, covers every
image the workloads run, and denies rather than only audits.

Kyverno ``verifyImages``, sigstore policy-controller ``ClusterImagePolicy``, Connaisseur and
Ratify with Gatekeeper are recognised; each tool's own image matching is reproduced
(see :mod:`meshward.checks.admission`).
"""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.admission import VerifyPolicy, verify_policies
from meshward.checks.context import ScanContext
from meshward.checks.helpers import container_label, containers
from meshward.checks.images import has_variable
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity

_KYVERNO = "https://kyverno.io/docs/writing-policies/verify-images/"
_SIGSTORE = "https://docs.sigstore.dev/policy-controller/overview/"
_CONNAISSEUR = "https://sse-secure-systems.github.io/connaisseur/latest/basics/"
_RATIFY = "https://ratify.dev/docs/quickstarts/ratify-on-azure/"


@rule(
    id="MW330",
    title="No signature-verification admission policy for the cluster",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    practices=("SUP-PROVENANCE",),
    targets=("kubernetes",),
    cwe="CWE-345",
    rationale=(
        "Pinning digests says which bytes to run, not who built them. Only an admission "
        "controller that verifies signatures (cosign, Notary/Notation) stops an image that "
        "was never signed by the pipeline (pushed by a stolen registry credential, or a "
        "typo-squatted base) from starting. The scanned Kubernetes files run workloads but "
        "hold no such policy: no Kyverno verifyImages rule, no sigstore ClusterImagePolicy, "
        "no Connaisseur configuration, no Ratify verification constraint."
    ),
    remediation=(
        "Install one verifier and commit its policy beside the manifests, e.g. a Kyverno "
        "ClusterPolicy with `validationFailureAction: Enforce` and a `verifyImages` rule whose "
        "`imageReferences` name your registries and whose attestor holds the cosign public key. "
        "If the policy lives in another repository, scan it together with this one."
    ),
    references=(_KYVERNO, _SIGSTORE, _CONNAISSEUR, _RATIFY),
    example_fail="kind: Deployment\n...\n# and no verifyImages policy anywhere in the tree",
    example_pass=("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec:\n"
                  "  validationFailureAction: Enforce\n  rules:\n  - name: signed\n"
                  "    verifyImages:\n    - imageReferences: [\"registry.example.com/*\"]"),
)
def no_admission_policy(ctx: ScanContext) -> Iterator[Hit]:
    workloads = sorted(ctx.inventory.workloads, key=lambda w: (w.obj.location.path, w.obj.location.line))
    if not workloads or verify_policies(ctx):
        return
    services = sorted({s for x in workloads if (s := ctx.inventory.service_name_of(x))})
    # about the whole fleet, not one workload: no resource or service of its own; located at
    # the first workload the missing policy leaves unverified, every service listed as data
    yield Hit(f"{len(workloads)} Kubernetes workload(s) of {len(services)} service(s) in the "
              "scanned files, and no signature-verification admission policy (Kyverno "
              "verifyImages, sigstore ClusterImagePolicy, Connaisseur, Ratify): any image that "
              "can be pulled will run",
              workloads[0].obj.location, None, None,
              "no verifyImages / ClusterImagePolicy / Connaisseur / Ratify policy", key="fleet",
              extra=(("services", ",".join(services)), ("workloads", str(len(workloads)))))


def _reasons(policies: list[VerifyPolicy], image: str, namespace: str) -> list[str] | None:
    """None when some policy covers the image; else why each one does not."""
    reasons: list[str] = []
    for p in policies:
        cov = p.covers(image, namespace)
        if cov.covered:
            return None
        reasons.append(cov.reason)
    return reasons


@rule(
    id="MW331",
    title="Image not covered by the signature-verification policy",
    severity=Severity.HIGH,
    practices=("SUP-PROVENANCE",),
    targets=("kubernetes",),
    cwe="CWE-345",
    rationale=(
        "A verification policy only checks the images its patterns match, in the namespaces "
        "it applies to; every other image is admitted unverified. Patterns are matched the "
        "way the tool does it: Kyverno sees `docker.io/nginx:1.27` for `nginx:1.27`, sigstore "
        "policy-controller sees `index.docker.io/library/nginx:1.27` and its `*` stops at "
        "`/`, Connaisseur takes the most specific rule and a static `approve: true` validator "
        "verifies nothing."
    ),
    remediation=(
        "Widen the policy's patterns to the registries the fleet pulls from "
        "(`registry.example.com/*` for Kyverno, `registry.example.com/**` for "
        "policy-controller), label the namespace `policy.sigstore.dev/include=true`, or "
        "mirror the image into a registry the policy covers."
    ),
    references=(_KYVERNO, "https://docs.sigstore.dev/policy-controller/overview/#admission-of-images",
                "https://sse-secure-systems.github.io/connaisseur/latest/basics/#image-policy"),
    example_fail=("verifyImages:\n- imageReferences: [\"registry.example.com/*\"]\n---\n"
                  "containers:\n- image: docker.io/library/redis:7.2"),
    example_pass=("verifyImages:\n- imageReferences: [\"registry.example.com/*\"]\n---\n"
                  "containers:\n- image: registry.example.com/mirror/redis:7.2"),
)
def image_not_covered(ctx: ScanContext) -> Iterator[Hit]:
    policies = verify_policies(ctx)
    if not policies:
        return
    for w, c, svc in containers(ctx):
        if not c.image or has_variable(c.image):
            continue
        reasons = _reasons(policies, c.image, w.namespace)
        if reasons is None:
            continue
        why = "; ".join(dict.fromkeys(reasons))
        yield Hit(f"{container_label(w, c)}: image {c.image} is not verified by any "
                  f"signature policy ({why})", c.at("image"), w.ref, svc, f"image: {c.image}",
                  key=f"{c.role}/{c.name}",
                  extra=(("image", c.image), ("container", c.name),
                         ("policies", ",".join(p.name for p in policies))))


@rule(
    id="MW332",
    title="Signature-verification policy only audits",
    severity=Severity.MEDIUM,
    practices=("SUP-PROVENANCE",),
    targets=("kubernetes",),
    cwe="CWE-345",
    rationale=(
        "A verification policy in audit mode (Kyverno `Audit`, which is Kyverno's default; "
        "policy-controller `mode: warn`; Connaisseur `detectionMode`; a Gatekeeper "
        "`dryrun`/`warn` enforcement action) reports unsigned images and lets them run."
    ),
    remediation=(
        "Once the audit reports are clean, switch to enforcement: "
        "`validationFailureAction: Enforce` (or `failureAction: Enforce` per verifyImages "
        "entry), `mode: enforce`, `detectionMode: false`, `enforcementAction: deny`."
    ),
    references=(_KYVERNO, "https://docs.sigstore.dev/policy-controller/overview/#configuring-policy-controller-clusterimagepolicy",
                "https://open-policy-agent.github.io/gatekeeper/website/docs/violations/"),
    example_fail="kind: ClusterPolicy\nspec:\n  validationFailureAction: Audit\n  rules:\n  - verifyImages: [...]",
    example_pass="kind: ClusterPolicy\nspec:\n  validationFailureAction: Enforce\n  rules:\n  - verifyImages: [...]",
)
def audit_only(ctx: ScanContext) -> Iterator[Hit]:
    for p in verify_policies(ctx):
        if p.audit_reason:
            yield Hit(f"{p.tool} {p.name} verifies signatures but does not deny: "
                      f"{p.audit_reason}; unsigned images still run", p.location, p.resource,
                      None, p.audit_reason, key=p.name)
