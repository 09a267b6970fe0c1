"""MW112 default ServiceAccount used; MW113 Kubernetes API token automounted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshward.checks.context import ScanContext
from meshward.checks.helpers import workloads
from meshward.checks.registry import Hit, rule
from meshward.findings.finding import Confidence, Severity
from meshward.model.kubernetes import K8sObject, Workload
from meshward.model.source import Location

AUTOMOUNT = "automountServiceAccountToken"


@dataclass(frozen=True)
class TokenMount:
    mounted: bool
    why: str
    confidence: Confidence
    location: Location


def _service_accounts(ctx: ScanContext) -> dict[tuple[str, str], K8sObject]:
    return {(sa.namespace, sa.name): sa for sa in ctx.inventory.by_kind("ServiceAccount")}


def sa_anchor(w: Workload) -> Location:
    """Where a workload names its ServiceAccount (or its pod spec when it names none)."""
    for key in ("serviceAccountName", "serviceAccount"):
        if key in w.pod_spec:
            return w.pod_at(key)
    return w.pod_at()


def token_mount(w: Workload, accounts: dict[tuple[str, str], K8sObject]) -> TokenMount:
    """Whether pods of ``w`` get an API token: the pod's setting wins, then the SA's."""
    sa_name = w.service_account
    anchor = sa_anchor(w)
    pod_value = w.pod_spec.get(AUTOMOUNT)
    if isinstance(pod_value, bool):
        return TokenMount(pod_value, f"the pod sets {AUTOMOUNT}: {str(pod_value).lower()}",
                          Confidence.HIGH, w.pod_at(AUTOMOUNT))
    sa = accounts.get((w.namespace, sa_name))
    if sa is None:
        return TokenMount(True, f"neither the pod nor a scanned ServiceAccount {sa_name} sets "
                          f"{AUTOMOUNT}: false", Confidence.MEDIUM, anchor)
    sa_value = sa.body.get(AUTOMOUNT)
    if isinstance(sa_value, bool):
        return TokenMount(sa_value, f"ServiceAccount {sa_name} sets {AUTOMOUNT}: "
                          f"{str(sa_value).lower()} and the pod does not override it",
                          Confidence.HIGH, anchor)
    return TokenMount(True, f"neither the pod nor ServiceAccount {sa_name} sets {AUTOMOUNT}: "
                      "false", Confidence.HIGH, anchor)


@rule(
    id="MW112",
    title="Workload uses the default ServiceAccount",
    severity=Severity.LOW,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes",),
    cwe="CWE-250",
    rationale=(
        "Every pod that names no ServiceAccount runs as its namespace's `default` one: they "
        "share one identity, so any permission granted to one of them (RBAC, cloud workload "
        "identity) is granted to all, and none can be told apart in audit logs. Reported only "
        "when the pod also gets the account's API token (see MW113): without the token the "
        "identity is not usable from the pod."
    ),
    remediation=(
        "Create a ServiceAccount per workload and set `serviceAccountName`; set "
        "`automountServiceAccountToken: false` on the namespace's default ServiceAccount."
    ),
    references=(
        "https://kubernetes.io/docs/concepts/security/service-accounts/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    ),
    example_fail="spec:\n  containers:\n  - name: web\n    image: web:1.0",
    example_pass=("spec:\n  serviceAccountName: web\n  containers:\n  - name: web\n"
                  "    image: web:1.0"),
)
def default_service_account(ctx: ScanContext) -> Iterator[Hit]:
    accounts = _service_accounts(ctx)
    for w, svc in workloads(ctx):
        if w.service_account != "default":
            continue
        token = token_mount(w, accounts)
        if not token.mounted:
            continue
        named = "names serviceAccountName: default" if w.pod_spec.get(
            "serviceAccountName") == "default" else "names no ServiceAccount"
        yield Hit(f"{w.kind} {w.namespace}/{w.name} {named}: it runs as the namespace's shared "
                  "default ServiceAccount, with its token mounted", sa_anchor(w), w.ref, svc, "serviceAccountName: default",
                  key="serviceAccount")


@rule(
    id="MW113",
    title="Kubernetes API token mounted into the pod",
    severity=Severity.LOW,
    practices=("AUTH-LEASTPRIV",),
    targets=("kubernetes",),
    cwe="CWE-522",
    rationale=(
        "Unless `automountServiceAccountToken` is false on the pod or, when the pod does not "
        "set it, on its ServiceAccount, every container gets a token for the Kubernetes API. "
        "Most services never call the API; for them the token is only a credential an "
        "intruder can use. The ServiceAccount's setting is read when the ServiceAccount is in "
        "the scanned files; otherwise the finding has medium confidence."
    ),
    remediation=(
        "Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount) "
        "for workloads that do not call the Kubernetes API; mount a projected token only where "
        "one is needed."
    ),
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"
        "#opt-out-of-api-credential-automounting",
    ),
    example_fail="spec:\n  serviceAccountName: web",
    example_pass="spec:\n  serviceAccountName: web\n  automountServiceAccountToken: false",
)
def token_automounted(ctx: ScanContext) -> Iterator[Hit]:
    accounts = _service_accounts(ctx)
    for w, svc in workloads(ctx):
        token = token_mount(w, accounts)
        if token.mounted:
            yield Hit(f"{w.kind} {w.namespace}/{w.name} gets an API token for ServiceAccount "
                      f"{w.service_account}: {token.why}", token.location, w.ref, svc,
                      f"{AUTOMOUNT} not false", key=AUTOMOUNT, confidence=token.confidence)
