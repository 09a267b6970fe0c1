"""MWC60-MWC72: Azure and Google Cloud from Terraform: Key Vault network ACLs, purge protection
and access policies; storage accounts and NSGs open to the internet; GCP firewalls open to
0.0.0.0/0, primitive IAM roles and public buckets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import (
    SENSITIVE_PORTS,
    WORLD_SOURCES,
    as_list,
    facts,
    falsy,
    hit,
    named,
    port_label,
    resources,
    truthy,
)
from meshward.findings.finding import Severity
from meshward.model.cloud import CloudResource, is_unknown

_KV = ("https://learn.microsoft.com/azure/key-vault/general/security-features",)
ALL_SECRET_PERMISSIONS = frozenset({"backup", "delete", "get", "list", "purge", "recover",
                                    "restore", "set"})


def _port_ranges(values: list[Any]) -> list[tuple[int, int]] | None:
    """Port ranges from "22", "1000-2000", "*" (None: every port)."""
    out: list[tuple[int, int]] = []
    for v in values:
        text = str(v).strip()
        if text in ("*", "0-65535", "1-65535"):
            return None
        lo, _, hi = text.partition("-")
        if lo.isdigit() and (not hi or hi.isdigit()):
            out.append((int(lo), int(hi or lo)))
    return out


Ranges = list[tuple[int, int]] | None  # None: every port


def _covers(ranges: Ranges, port: int) -> bool:
    return ranges is None or any(lo <= port <= hi for lo, hi in ranges)


def _sensitive(ranges: Ranges, denied: Sequence[Ranges] = ()) -> str:
    """The admin/datastore ports ``ranges`` opens that no deny of higher precedence closes."""
    if any(d is None for d in denied):
        return ""
    if ranges is None and not denied:
        return "every port"
    ports = sorted(p for p in SENSITIVE_PORTS if _covers(ranges, p)
                   and not any(_covers(d, p) for d in denied))
    return ", ".join(port_label(p) for p in ports[:6])


def _priority(value: Any, default: int | None = None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or is_unknown(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@rule(
    id="MWC60",
    title="Key Vault reachable from every network",
    severity=Severity.MEDIUM,
    practices=("ENV-PRIVATE", "SEC-MANAGER"),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://learn.microsoft.com/azure/key-vault/general/network-security",),
    rationale=(
        "A Key Vault without `network_acls { default_action = \"Deny\" }` (or with public "
        "network access) answers from any network: a stolen token is usable from anywhere, "
        "not only from the services' networks."
    ),
    remediation="Add `network_acls { default_action = \"Deny\", bypass = \"AzureServices\" }` with "
                "the services' subnets or a private endpoint, or `public_network_access_enabled = false`.",
    example_fail='resource "azurerm_key_vault" "shop" {\n  name = "shop-kv"\n}',
    example_pass=('resource "azurerm_key_vault" "shop" {\n  name = "shop-kv"\n  network_acls {\n'
                  '    default_action = "Deny"\n    bypass         = "AzureServices"\n  }\n}'),
)
def kv_network(ctx: ScanContext) -> Iterator[Hit]:
    for kv in resources(ctx, "azurerm_key_vault"):
        if kv.get("public_network_access_enabled") is False:
            continue
        acls = kv.blocks("network_acls")
        if any(a.get("default_action") == "Deny" or is_unknown(a.get("default_action"))
               for a in acls):
            continue
        yield hit(ctx, kv, f"Key Vault {kv.ref} accepts requests from every network",
                  kv.at("network_acls"), "network_acls default_action "
                  + (str(acls[0].get("default_action")) if acls else "unset"))


@rule(
    id="MWC61",
    title="Key Vault without purge protection",
    severity=Severity.MEDIUM,
    practices=("SEC-MANAGER", "LOG-TAMPER"),
    targets=("cloud",),
    cwe="CWE-693",
    references=_KV,
    rationale=(
        "Without purge protection, anyone with delete and purge rights (an intruder, a "
        "mistaken script) destroys the vault's secrets and keys for good, including keys that "
        "encrypt data and backups."
    ),
    remediation="Set `purge_protection_enabled = true` (and keep `soft_delete_retention_days` at 90).",
    example_fail='resource "azurerm_key_vault" "shop" {\n  name = "shop-kv"\n}',
    example_pass='resource "azurerm_key_vault" "shop" {\n  name = "shop-kv"\n  purge_protection_enabled = true\n}',
)
def kv_purge(ctx: ScanContext) -> Iterator[Hit]:
    for kv in resources(ctx, "azurerm_key_vault"):
        if falsy(kv.get("purge_protection_enabled")):
            yield hit(ctx, kv, f"Key Vault {kv.ref} has no purge protection",
                      kv.at("purge_protection_enabled"), "purge_protection_enabled not true")


@rule(
    id="MWC62",
    title="Key Vault access policy grants every secret permission",
    severity=Severity.HIGH,
    practices=("SEC-LEASTPRIV",),
    targets=("cloud",),
    cwe="CWE-269",
    references=("https://learn.microsoft.com/azure/key-vault/general/assign-access-policy",),
    rationale=(
        "An identity with Get, List, Set, Delete, Backup, Restore, Recover and Purge on secrets "
        "reads every secret of the vault and can destroy them; a service needs Get (and "
        "perhaps List) on its own."
    ),
    remediation="Grant services `secret_permissions = [\"Get\"]`, one vault (or Azure RBAC role "
                "assignment scoped to a secret) per service; keep management rights for operators.",
    example_fail='access_policy {\n  secret_permissions = ["Backup", "Delete", "Get", "List", "Purge", "Recover", "Restore", "Set"]\n}',
    example_pass='access_policy {\n  secret_permissions = ["Get"]\n}',
)
def kv_all_secrets(ctx: ScanContext) -> Iterator[Hit]:
    def judge(r: CloudResource, policy: dict[str, Any], where: Any, key: str) -> Hit | None:
        perms = {str(p).lower() for p in as_list(policy.get("secret_permissions"))}
        if "all" in perms or perms >= ALL_SECRET_PERMISSIONS:
            who = policy.get("object_id")
            shown = named(ctx, who, r)
            return hit(ctx, r, f"{r.ref} gives object {shown} every secret permission", where,
                       "secret_permissions: all", key=key)
        return None

    for kv in resources(ctx, "azurerm_key_vault"):
        for i, policy in enumerate(kv.blocks("access_policy")):
            found = judge(kv, policy, kv.at("access_policy", i), f"{kv.ref}:{i}")
            if found:
                yield found
    for ap in resources(ctx, "azurerm_key_vault_access_policy"):
        found = judge(ap, ap.attributes, ap.at("secret_permissions"), ap.ref)
        if found:
            yield found


@rule(
    id="MWC63",
    title="Storage account open to the internet",
    severity=Severity.MEDIUM,
    practices=("ENV-PRIVATE",),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://learn.microsoft.com/azure/storage/common/storage-network-security",),
    rationale=(
        "A storage account whose network rules default to Allow (the default) answers from "
        "any network; with `allow_nested_items_to_be_public = true` its containers can even "
        "be read anonymously."
    ),
    remediation="Set `network_rules { default_action = \"Deny\" }` with the services' subnets or "
                "a private endpoint (or `public_network_access_enabled = false`), and "
                "`allow_nested_items_to_be_public = false`.",
    example_fail='resource "azurerm_storage_account" "data" {\n  name = "shopdata"\n}',
    example_pass=('resource "azurerm_storage_account" "data" {\n  name = "shopdata"\n'
                  '  network_rules {\n    default_action = "Deny"\n  }\n}'),
)
def storage_open(ctx: ScanContext) -> Iterator[Hit]:
    idx = facts(ctx).index
    denied: set[int] = set()
    for nr in resources(ctx, "azurerm_storage_account_network_rules"):
        if nr.get("default_action") == "Deny":
            denied.update(id(s) for s in idx.follow(nr.get("storage_account_id"), nr,
                                                     "azurerm_storage_account"))
    for sa in resources(ctx, "azurerm_storage_account"):
        if truthy(sa.get("allow_nested_items_to_be_public")):
            yield hit(ctx, sa, f"storage account {sa.ref} lets containers be public",
                      sa.at("allow_nested_items_to_be_public"),
                      "allow_nested_items_to_be_public = true", key=f"{sa.ref}:public")
        if sa.get("public_network_access_enabled") is False or id(sa) in denied:
            continue
        rules = sa.blocks("network_rules")
        if any(r.get("default_action") == "Deny" or is_unknown(r.get("default_action"))
               for r in rules):
            continue
        yield hit(ctx, sa, f"storage account {sa.ref} accepts connections from every network",
                  sa.at("network_rules"), "network_rules default_action Allow",
                  key=f"{sa.ref}:network")


def _nsg_rules(ctx: ScanContext
               ) -> Iterator[tuple[CloudResource, dict[str, Any], Any, list[dict[str, Any]]]]:
    """Each rule with the owner it is reported on, where it is, and every rule of its NSG (the
    inline ``security_rule`` blocks and the ``azurerm_network_security_rule`` joined to it)."""
    idx = facts(ctx).index
    groups: dict[int, list[dict[str, Any]]] = {}
    for nsg in resources(ctx, "azurerm_network_security_group"):
        groups[id(nsg)] = list(nsg.blocks("security_rule"))
    separate: list[tuple[CloudResource, list[dict[str, Any]]]] = []
    for rule_res in resources(ctx, "azurerm_network_security_rule"):
        owners = idx.follow(rule_res.get("network_security_group_name"), rule_res,
                            "azurerm_network_security_group")
        group = groups[id(owners[0])] if owners else [rule_res.attributes]
        if owners:
            group.append(rule_res.attributes)
        separate.append((rule_res, group))
    for nsg in resources(ctx, "azurerm_network_security_group"):
        for i, r in enumerate(nsg.blocks("security_rule")):
            yield nsg, r, nsg.at("security_rule", i), groups[id(nsg)]
    for rule_res, group in separate:
        yield rule_res, rule_res.attributes, rule_res.location, group


def _nsg_ports(r: dict[str, Any]) -> Ranges:
    return _port_ranges(as_list(r.get("destination_port_range"))
                        + as_list(r.get("destination_port_ranges")))


def _nsg_sources(r: dict[str, Any]) -> list[str]:
    return [str(s).lower() for s in as_list(r.get("source_address_prefix"))
            + as_list(r.get("source_address_prefixes"))]


def _nsg_denied(allow: dict[str, Any], group: list[dict[str, Any]]) -> list[Ranges]:
    """Ports closed to the internet, before ``allow``, by Deny rules of a lower priority number
    (Azure evaluates the lowest number first and stops at the first match)."""
    mine = _priority(allow.get("priority"))
    proto = str(allow.get("protocol", "*")).lower()
    out: list[Ranges] = []
    for d in group:
        theirs = _priority(d.get("priority"))
        if d is allow or mine is None or theirs is None or theirs >= mine \
                or str(d.get("direction", "")).lower() != "inbound" \
                or str(d.get("access", "")).lower() != "deny" \
                or str(d.get("protocol", "*")).lower() not in ("*", proto) \
                or not any(s in WORLD_SOURCES for s in _nsg_sources(d)):
            continue
        out.append(_nsg_ports(d))
    return out


@rule(
    id="MWC64",
    title="Network security group open to the internet on an admin or datastore port",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-PORTS"),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview",),
    rationale=(
        "An inbound Allow rule from `*`, `Internet` or 0.0.0.0/0 on SSH, RDP or a database "
        "port exposes it to every scanner on the internet. A Deny rule of the same NSG with a "
        "lower priority number (evaluated first) that closes the port to the internet is "
        "honoured."
    ),
    remediation="Restrict `source_address_prefix` to known ranges or service tags of callers; "
                "reach admin ports through Azure Bastion.",
    example_fail=('security_rule {\n  direction = "Inbound"\n  access = "Allow"\n'
                  '  source_address_prefix = "*"\n  destination_port_range = "3389"\n}'),
    example_pass=('security_rule {\n  direction = "Inbound"\n  access = "Allow"\n'
                  '  source_address_prefix = "10.0.0.0/8"\n  destination_port_range = "3389"\n}'),
)
def nsg_open(ctx: ScanContext) -> Iterator[Hit]:
    for owner, r, where, group in _nsg_rules(ctx):
        if str(r.get("direction", "")).lower() != "inbound" or \
                str(r.get("access", "")).lower() != "allow":
            continue
        sources = _nsg_sources(r)
        if not any(s in WORLD_SOURCES for s in sources):
            continue
        open_ports = _sensitive(_nsg_ports(r), _nsg_denied(r, group))
        if open_ports:
            yield hit(ctx, owner, f"{owner.ref} rule {r.get('name', '?')} allows inbound from "
                      f"the internet on {open_ports}", where, f"source {', '.join(sources)}",
                      key=f"{owner.ref}:{r.get('name', '?')}")


@rule(
    id="MWC70",
    title="GCP firewall open to 0.0.0.0/0 on an admin or datastore port",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-PORTS"),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://cloud.google.com/firewall/docs/firewalls",),
    rationale=(
        "An ingress firewall rule with `source_ranges = [\"0.0.0.0/0\"]` allowing SSH, RDP, a "
        "database port or every port exposes the targeted instances to the whole internet. "
        "A deny firewall of the same network for all targets (or the same target tags) at the "
        "same or a lower priority number closes the port first and is honoured."
    ),
    remediation="Limit `source_ranges` to known networks (IAP's 35.235.240.0/20 for SSH), or "
                "use `source_tags`/`source_service_accounts` for internal callers.",
    example_fail=('resource "google_compute_firewall" "ssh" {\n  network = "default"\n'
                  '  source_ranges = ["0.0.0.0/0"]\n  allow {\n    protocol = "tcp"\n'
                  '    ports = ["22"]\n  }\n}'),
    example_pass=('resource "google_compute_firewall" "ssh" {\n  network = "default"\n'
                  '  source_ranges = ["35.235.240.0/20"]\n  allow {\n    protocol = "tcp"\n'
                  '    ports = ["22"]\n  }\n}'),
)
def gcp_firewall(ctx: ScanContext) -> Iterator[Hit]:
    for fw in resources(ctx, "google_compute_firewall"):
        direction = fw.get("direction", "INGRESS")
        if not isinstance(direction, str) or direction.upper() != "INGRESS" \
                or truthy(fw.get("disabled")):
            continue
        world = [s for s in as_list(fw.get("source_ranges")) if s in ("0.0.0.0/0", "::/0")]
        if not world:
            continue
        for i, allow in enumerate(fw.blocks("allow")):
            if str(allow.get("protocol", "")).lower() not in ("tcp", "udp", "all", "sctp"):
                continue
            open_ports = _sensitive(_fw_ports(allow), _fw_denied(ctx, fw, allow))
            if open_ports:
                yield hit(ctx, fw, f"firewall {fw.ref} allows {', '.join(world)} on {open_ports}",
                          fw.at("allow", i), f"source_ranges {', '.join(world)}",
                          key=f"{fw.ref}:{i}")


def _fw_ports(block: dict[str, Any]) -> Ranges:
    ports = as_list(block.get("ports"))
    return None if not ports or str(block.get("protocol")).lower() == "all" \
        else _port_ranges(ports)


def _fw_denied(ctx: ScanContext, fw: CloudResource, allow: dict[str, Any]) -> list[Ranges]:
    """Ports closed to the internet, for every target of ``fw``, by deny firewalls of the same
    network at the same or a higher precedence (a lower or equal priority number: at equal
    priority a deny wins)."""
    idx = facts(ctx).index
    mine = _priority(fw.get("priority"), 1000)
    net = fw.get("network")
    proto = str(allow.get("protocol", "")).lower()
    targets = sorted(str(t) for t in as_list(fw.get("target_tags")))
    out: list[Ranges] = []
    for other in resources(ctx, "google_compute_firewall"):
        theirs = _priority(other.get("priority"), 1000)
        direction = other.get("direction", "INGRESS")
        if other is fw or mine is None or theirs is None or theirs > mine \
                or not isinstance(direction, str) or direction.upper() != "INGRESS" \
                or truthy(other.get("disabled")) \
                or "0.0.0.0/0" not in as_list(other.get("source_ranges")) \
                or other.get("target_service_accounts") is not None:
            continue
        other_net = other.get("network")
        same_net = (isinstance(net, str) and net == other_net) \
            or bool(set(map(id, idx.follow(net, fw, "google_compute_network")))
                    & set(map(id, idx.follow(other_net, other, "google_compute_network"))))
        theirs_targets = sorted(str(t) for t in as_list(other.get("target_tags")))
        if not same_net or (theirs_targets and theirs_targets != targets):
            continue
        for deny in other.blocks("deny"):
            if str(deny.get("protocol", "")).lower() in ("all", proto):
                out.append(_fw_ports(deny))
    return out


PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})


@rule(
    id="MWC71",
    title="Primitive IAM role granted on a GCP project",
    severity=Severity.HIGH,
    practices=("AUTH-IAM",),
    targets=("cloud",),
    cwe="CWE-269",
    references=("https://cloud.google.com/iam/docs/roles-overview#basic",),
    rationale=(
        "roles/owner, roles/editor and roles/viewer span every service of the project: a "
        "service account with Editor can change almost anything, Viewer reads every resource "
        "configuration. Services need predefined or custom roles scoped to what they call."
    ),
    remediation="Replace the basic role by predefined roles (e.g. roles/cloudsql.client, "
                "roles/storage.objectViewer on one bucket) for each service account.",
    example_fail='resource "google_project_iam_member" "app" {\n  role   = "roles/editor"\n  member = "serviceAccount:app@p.iam.gserviceaccount.com"\n}',
    example_pass='resource "google_project_iam_member" "app" {\n  role   = "roles/cloudsql.client"\n  member = "serviceAccount:app@p.iam.gserviceaccount.com"\n}',
)
def gcp_primitive(ctx: ScanContext) -> Iterator[Hit]:
    for r in resources(ctx, "google_project_iam_member", "google_project_iam_binding",
                       "google_folder_iam_member", "google_folder_iam_binding",
                       "google_organization_iam_member", "google_organization_iam_binding"):
        role = r.get("role")
        if role in PRIMITIVE_ROLES:
            who = as_list(r.get("member")) + as_list(r.get("members"))
            shown = ", ".join(str(w) for w in who if isinstance(w, str)) or "members"
            yield hit(ctx, r, f"{r.ref} grants {role} to {shown}", r.at("role"), str(role))


@rule(
    id="MWC72",
    title="Cloud storage bucket readable by everyone",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE",),
    targets=("cloud",),
    cwe="CWE-284",
    references=("https://cloud.google.com/storage/docs/access-control/making-data-public",),
    rationale=(
        "An IAM grant to `allUsers` or `allAuthenticatedUsers` on a GCS bucket publishes its "
        "objects to the internet (any Google account counts as authenticated)."
    ),
    remediation="Remove the grant; serve public files through a CDN or signed URLs, and enforce "
                "`public_access_prevention = \"enforced\"` on the bucket.",
    example_fail='resource "google_storage_bucket_iam_member" "pub" {\n  role   = "roles/storage.objectViewer"\n  member = "allUsers"\n}',
    example_pass='resource "google_storage_bucket_iam_member" "app" {\n  role   = "roles/storage.objectViewer"\n  member = "serviceAccount:app@p.iam.gserviceaccount.com"\n}',
)
def gcs_public(ctx: ScanContext) -> Iterator[Hit]:
    for r in resources(ctx, "google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"):
        who = [str(w) for w in as_list(r.get("member")) + as_list(r.get("members"))]
        public = [w for w in who if w in ("allUsers", "allAuthenticatedUsers")]
        if public:
            attr = "member" if "member" in r.attributes else "members"
            bucket = r.get("bucket")
            yield hit(ctx, r, f"{r.ref} grants {r.get('role')} on bucket "
                      f"{named(ctx, bucket, r, 'google_storage_bucket')} to "
                      f"{', '.join(public)}", r.at(attr), ", ".join(public))
