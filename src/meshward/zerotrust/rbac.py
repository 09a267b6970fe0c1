"""Kubernetes RBAC resolved: who (subject) may do what (rule), where (scope), granted by which binding.

Semantics follow the Kubernetes RBAC authorizer:

- a ClusterRoleBinding grants its ClusterRole everywhere (scope ``cluster``);
- a RoleBinding grants a Role of its own namespace, or a ClusterRole, only in its namespace;
- a ServiceAccount subject without a namespace belongs to the binding's namespace;
- a ClusterRole with an ``aggregationRule`` holds the union of the rules of every ClusterRole
  matched by any of its ``clusterRoleSelectors`` (transitively, as the controller keeps them
  filled); the built-in ``admin``/``edit``/``view`` aggregate the same way;
- the built-in ``cluster-admin``, ``admin``, ``edit`` and ``view`` are known by name, with their
  documented rules, unless the tree defines a ClusterRole of that name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from meshward.model.inventory import Inventory
from meshward.model.kubernetes import K8sObject
from meshward.model.source import Location, YMap, as_map, as_seq
from meshward.zerotrust.selectors import LabelSelector, parse_selector

EXPIRES = "meshward.io/expires"
OWNER = "meshward.io/owner"
REASON = "meshward.io/reason"
CLUSTER = "cluster"
BUILTIN_ROLES = ("cluster-admin", "admin", "edit", "view")
ANONYMOUS = {("User", "system:anonymous"), ("Group", "system:unauthenticated")}
AUTHENTICATED = ("Group", "system:authenticated")
# Roles the API server binds to these groups itself (kubectl get clusterrolebindings on a new cluster).
DEFAULT_GRANTS = {
    "system:authenticated": frozenset({"system:basic-user", "system:discovery",
                                       "system:public-info-viewer"}),
    "system:unauthenticated": frozenset({"system:public-info-viewer"}),
}


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One rule of a role, normalised to tuples of lower-cased strings."""

    verbs: tuple[str, ...]
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    line: int = 0
    path: str = ""
    builtin: bool = False

    def allows(self, verb: str, group: str, resource: str) -> bool:
        """Does the rule allow ``verb`` on every object of ``group``/``resource``?"""
        if self.urls and not self.resources:
            return False
        return (_hit(self.verbs, verb) and _hit(self.api_groups, group)
                and _hit(self.resources, resource))

    @property
    def wildcards(self) -> list[str]:
        out = []
        if "*" in self.verbs:
            out.append('verbs "*"')
        if "*" in self.resources:
            out.append('resources "*"')
        if "*" in self.api_groups:
            out.append('apiGroups "*"')
        if "*" in self.urls:
            out.append('nonResourceURLs "*"')
        return out

    @property
    def everything(self) -> bool:
        return "*" in self.verbs and ("*" in self.resources or "*" in self.urls)

    def describe(self) -> str:
        verbs = ",".join(self.verbs) or "(none)"
        if self.resources:
            groups = self.api_groups or ("",)
            what = ",".join(r if g == "" else f"{g}/{r}"
                            for g in groups for r in self.resources)
            if self.resource_names:
                what += f" [{','.join(self.resource_names)}]"
        else:
            what = "urls " + ",".join(self.urls)
        return f"{verbs} {what}"


def _hit(values: tuple[str, ...], wanted: str) -> bool:
    if "*" in values or wanted in values:
        return True
    # RBAC also accepts "*/scale": the subresource of every resource.
    return "/" in wanted and f"*/{wanted.split('/', 1)[1]}" in values


@dataclass
class Role:
    kind: str  # Role | ClusterRole
    name: str
    namespace: str  # "" for ClusterRoles
    rules: list[PolicyRule]
    labels: dict[str, str] = field(default_factory=dict)
    selectors: list[LabelSelector] = field(default_factory=list)
    obj: K8sObject | None = None  # None for a built-in role

    @property
    def builtin(self) -> bool:
        return self.obj is None


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # User | Group | ServiceAccount
    name: str
    namespace: str = ""

    @property
    def is_service_account(self) -> bool:
        return self.kind == "ServiceAccount"

    @property
    def is_system(self) -> bool:
        return self.kind != "ServiceAccount" and self.name.startswith("system:")

    @property
    def is_person(self) -> bool:
        return self.kind in ("User", "Group") and not self.is_system

    def __str__(self) -> str:
        if self.kind == "ServiceAccount":
            return f"ServiceAccount {self.namespace or '(no namespace)'}/{self.name}"
        return f"{self.kind} {self.name}"


@dataclass
class Binding:
    obj: K8sObject
    role_kind: str
    role_name: str
    subjects: list[tuple[Subject, int]]  # with the line of each subject entry

    @property
    def kind(self) -> str:
        return self.obj.kind

    @property
    def scope(self) -> str:
        return CLUSTER if self.kind == "ClusterRoleBinding" else self.obj.namespace

    @property
    def label(self) -> str:
        ns = "" if self.kind == "ClusterRoleBinding" else f"{self.obj.namespace}/"
        return f"{self.kind} {ns}{self.obj.name}"

    @property
    def is_default(self) -> bool:
        """A binding the API server creates itself (``system:`` bootstrap bindings)."""
        return self.obj.name.startswith("system:")

    def subject_at(self, line: int) -> Location:
        return Location(self.obj.location.path, line or self.obj.location.line)


@dataclass(frozen=True, slots=True)
class Grant:
    """One rule given to one subject by one binding, in one scope."""

    subject: Subject
    rule: PolicyRule
    scope: str  # CLUSTER or a namespace
    binding: Binding
    role: Role
    line: int  # the subject's line in the binding

    @property
    def location(self) -> Location:
        return self.binding.subject_at(self.line)


@dataclass
class Rbac:
    roles: dict[tuple[str, str, str], Role] = field(default_factory=dict)  # (kind, ns, name)
    bindings: list[Binding] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    missing: list[tuple[Binding, str]] = field(default_factory=list)  # binding, what is missing

    def role_for(self, b: Binding) -> Role | None:
        if b.role_kind == "ClusterRole":
            return self.roles.get(("ClusterRole", "", b.role_name))
        return self.roles.get(("Role", b.obj.namespace, b.role_name))


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in as_seq(value) if v is not None)


def _rules(obj: K8sObject) -> list[PolicyRule]:
    out = []
    for item in as_seq(obj.body.get("rules")):
        m = as_map(item)
        out.append(PolicyRule(
            verbs=tuple(v.lower() for v in _strs(m.get("verbs"))),
            api_groups=_strs(m.get("apiGroups")), resources=_strs(m.get("resources")),
            resource_names=_strs(m.get("resourceNames")), urls=_strs(m.get("nonResourceURLs")),
            line=m.line or obj.location.line, path=obj.location.path))
    return out


def _subjects(obj: K8sObject) -> list[tuple[Subject, int]]:
    out = []
    for item in as_seq(obj.body.get("subjects")):
        m = as_map(item)
        kind, name = str(m.get("kind") or ""), str(m.get("name") or "")
        if not kind or not name:
            continue
        ns = str(m.get("namespace") or "")
        if kind == "User" and name.startswith("system:serviceaccount:") and name.count(":") == 3:
            _, _, ns, name = name.split(":")
            kind = "ServiceAccount"
        if kind == "ServiceAccount" and not ns and obj.kind == "RoleBinding":
            ns = obj.namespace
        out.append((Subject(kind, name, ns), m.line or obj.location.line))
    return out


def _builtin(name: str, rules: Iterable[tuple[str, str, str]], labels: dict[str, str] | None = None,
             aggregate: str = "") -> Role:
    parsed = [PolicyRule(verbs=tuple(v.split(",")), api_groups=tuple(g.split(",")),
                         resources=tuple(r.split(",")), builtin=True) for v, g, r in rules]
    sel = ([parse_selector({"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{aggregate}":
                                            "true"}})] if aggregate else [])
    return Role("ClusterRole", name, "", parsed, labels or {}, sel)


_READ = "get,list,watch"
_WRITE = "create,delete,deletecollection,patch,update"
_CORE_WRITE = ("pods,pods/attach,pods/exec,pods/portforward,pods/proxy,configmaps,events,"
               "persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,"
               "serviceaccounts,services,services/proxy")
_APPS = ("daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,"
         "replicasets/scale,statefulsets,statefulsets/scale")


def builtin_roles() -> list[Role]:
    """The documented default user-facing ClusterRoles (rules abridged to what checks need)."""
    admin_cluster = Role("ClusterRole", "cluster-admin", "", [
        PolicyRule(verbs=("*",), api_groups=("*",), resources=("*",), builtin=True),
        PolicyRule(verbs=("*",), urls=("*",), builtin=True)])
    view = _builtin("view", [
        (_READ, "", "configmaps,endpoints,persistentvolumeclaims,pods,replicationcontrollers,"
                    "serviceaccounts,services,namespaces,events,limitranges,resourcequotas,pods/log"),
        (_READ, "apps", _APPS), (_READ, "batch", "cronjobs,jobs"),
        (_READ, "autoscaling", "horizontalpodautoscalers"),
        (_READ, "networking.k8s.io", "ingresses,networkpolicies"),
        (_READ, "policy", "poddisruptionbudgets")],
        {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}, "view")
    edit = _builtin("edit", [
        (_WRITE, "", _CORE_WRITE), (_READ, "", "secrets,pods/attach,pods/exec,pods/portforward,"
                                              "pods/proxy,services/proxy"),
        ("impersonate", "", "serviceaccounts"), ("create", "", "serviceaccounts/token"),
        (_WRITE, "apps", _APPS), (_WRITE, "batch", "cronjobs,jobs"),
        (_WRITE, "autoscaling", "horizontalpodautoscalers"),
        (_WRITE, "networking.k8s.io", "ingresses,networkpolicies"),
        (_WRITE, "policy", "poddisruptionbudgets")],
        {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}, "edit")
    admin = _builtin("admin", [
        (f"{_READ},{_WRITE}", "rbac.authorization.k8s.io", "roles,rolebindings"),
        ("create", "authorization.k8s.io", "localsubjectaccessreviews")], None, "admin")
    return [admin_cluster, admin, edit, view]


def _aggregate(roles: dict[tuple[str, str, str], Role]) -> None:
    """Fill every aggregating ClusterRole with the rules of the ClusterRoles it selects."""
    cluster = [r for r in roles.values() if r.kind == "ClusterRole"]
    done: dict[str, list[PolicyRule]] = {}

    def rules_of(role: Role, stack: frozenset[str]) -> list[PolicyRule]:
        if role.name in done:
            return done[role.name]
        out = list(role.rules)
        if role.selectors:
            for other in cluster:
                if other.name == role.name or other.name in stack:
                    continue
                if any(s.matches(other.labels) for s in role.selectors):
                    out.extend(r for r in rules_of(other, stack | {role.name}) if r not in out)
        done[role.name] = out
        return out

    for role in cluster:
        if role.selectors:
            role.rules = rules_of(role, frozenset())


def resolve(inv: Inventory) -> Rbac:
    """Every role, binding and effective grant in the inventory."""
    rbac = Rbac()
    for builtin in builtin_roles():
        rbac.roles[("ClusterRole", "", builtin.name)] = builtin
    for obj in inv.by_kind("Role", "ClusterRole"):
        if not obj.api_version.startswith("rbac.authorization.k8s.io/"):
            continue
        ns = "" if obj.kind == "ClusterRole" else obj.namespace
        sel = [parse_selector(s) for s in
               as_seq(as_map(obj.body.get("aggregationRule")).get("clusterRoleSelectors"))]
        rbac.roles[(obj.kind, ns, obj.name)] = Role(obj.kind, obj.name, ns, _rules(obj),
                                                    obj.labels, sel, obj)
    _aggregate(rbac.roles)
    for obj in sorted(inv.by_kind("RoleBinding", "ClusterRoleBinding"),
                      key=lambda o: (o.location.path, o.location.line)):
        if not obj.api_version.startswith("rbac.authorization.k8s.io/"):
            continue
        ref = as_map(obj.body.get("roleRef"))
        role_kind = str(ref.get("kind") or "")
        if obj.kind == "ClusterRoleBinding" and role_kind != "ClusterRole":
            role_kind = "ClusterRole"  # the API server refuses anything else
        b = Binding(obj, role_kind, str(ref.get("name") or ""), _subjects(obj))
        rbac.bindings.append(b)
        role = rbac.role_for(b)
        if role is None:
            where = "" if role_kind == "ClusterRole" else f" in namespace {obj.namespace}"
            rbac.missing.append((b, f"{role_kind} {b.role_name}{where}"))
            continue
        for subject, line in b.subjects:
            for rule in role.rules:
                rbac.grants.append(Grant(subject, rule, b.scope, b, role, line))
    return rbac


def grants_by_binding(rbac: Rbac) -> Iterator[tuple[Binding, Subject, int, list[Grant]]]:
    """The grants grouped per (binding, subject entry), in file order."""
    groups: dict[tuple[int, Subject, int], list[Grant]] = {}
    order: list[tuple[int, Subject, int]] = []
    for g in rbac.grants:
        key = (id(g.binding), g.subject, g.line)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(g)
    for key in order:
        first = groups[key][0]
        yield first.binding, first.subject, first.line, groups[key]


def parse_expiry(text: str) -> dt.date | None:
    """An ISO date (``2026-01-31``) or date-time (``2026-01-31T18:00:00Z``); None if neither."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def role_label(role: Role) -> str:
    if role.builtin:
        return f"built-in ClusterRole {role.name}"
    return f"{role.kind} {role.namespace + '/' if role.namespace else ''}{role.name}"


def annotation_line(obj: K8sObject, key: str) -> int:
    ann = as_map(obj.metadata.get("annotations"))
    return ann.line_of(key) if isinstance(ann, YMap) and key in ann else obj.location.line


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One line of the access inventory: who may do what, where, granted by which binding."""

    subject: Subject
    permission: str
    scope: str
    role: str
    granted_by: str
    path: str
    line: int
    expires: str
    expired: bool
    owner: str
    reason: str
    rule: PolicyRule | None  # None when the role is missing

    def sort_key(self) -> tuple[str, str, str, str, str, int, str]:
        return (self.subject.kind, self.subject.namespace, self.subject.name, self.scope,
                self.path, self.line, self.permission)


def access_inventory(rbac: Rbac, today: dt.date) -> list[AccessRow]:
    """Every grant as a row, plus one row per binding whose role is missing."""
    def meta(b: Binding) -> tuple[str, bool, str, str]:
        ann = b.obj.annotations
        raw = ann.get(EXPIRES, "").strip()
        date = parse_expiry(raw) if raw else None
        return raw, bool(date and today > date), ann.get(OWNER, ""), ann.get(REASON, "")

    rows: list[AccessRow] = []
    for g in rbac.grants:
        exp, expired, owner, reason = meta(g.binding)
        rows.append(AccessRow(g.subject, g.rule.describe(), g.scope, role_label(g.role),
                              g.binding.label, g.binding.obj.location.path, g.line, exp, expired,
                              owner, reason, g.rule))
    for b, what in rbac.missing:
        exp, expired, owner, reason = meta(b)
        for subject, line in b.subjects:
            rows.append(AccessRow(subject, f"(none: {what} not found)", b.scope, what, b.label,
                                  b.obj.location.path, line, exp, expired, owner, reason, None))
    return sorted(rows, key=AccessRow.sort_key)
