"""MWC01-MWC04: cloud networks: firewalls open to the internet, public databases and addresses,
public Kubernetes API endpoints."""

from __future__ import annotations

from collections.abc import Iterator

from meshward.checks.context import ScanContext
from meshward.checks.registry import Hit, rule
from meshward.checks.rules.cloud_common import (
    SENSITIVE_PORTS,
    as_list,
    facts,
    hit,
    port_label,
    resources,
    truthy,
)
from meshward.findings.finding import Confidence, Severity
from meshward.model.cloud import blocks_of, is_unknown
from meshward.model.cloud_facts import subnet_is_public, workload_subnets

_PRIV = ("ENV-PRIVATE", "ENV-PORTS")
AZURE_DB_FIREWALLS = ("azurerm_mssql_firewall_rule", "azurerm_sql_firewall_rule",
                      "azurerm_postgresql_firewall_rule",
                      "azurerm_postgresql_flexible_server_firewall_rule",
                      "azurerm_mysql_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule",
                      "azurerm_mariadb_firewall_rule")


@rule(
    id="MWC01",
    title="Security group open to the internet on an admin or datastore port",
    severity=Severity.HIGH,
    practices=_PRIV,
    targets=("cloud",),
    cwe="CWE-284",
    rationale=(
        "An ingress rule from 0.0.0.0/0 or ::/0 on SSH, RDP, the Docker or Kubernetes API, or a "
        "database/cache/queue port lets anyone on the internet try credentials and exploits "
        "against it. Rules covering every port (protocol -1) count. Inline `ingress` blocks, "
        "`aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` are read."
    ),
    remediation=(
        "Admit only the security groups of the callers (`security_groups` / "
        "`source_security_group_id`) or a narrow CIDR; reach admin ports through SSM Session "
        "Manager or a bastion instead of the internet."
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    ),
    example_fail=('resource "aws_security_group" "db" {\n  ingress {\n    from_port   = 5432\n'
                  '    to_port     = 5432\n    protocol    = "tcp"\n'
                  '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}'),
    example_pass=('resource "aws_security_group" "db" {\n  ingress {\n    from_port       = 5432\n'
                  '    to_port         = 5432\n    protocol        = "tcp"\n'
                  '    security_groups = [aws_security_group.app.id]\n  }\n}'),
)
def sg_open_sensitive(ctx: ScanContext) -> Iterator[Hit]:
    for fw in facts(ctx).all_rules():
        if not fw.world:
            continue
        if fw.all_ports:
            ports = "every port"
            key_ports = "all"
        else:
            open_ports = [p for p in SENSITIVE_PORTS if fw.covers(p)]
            if not open_ports:
                continue
            ports = ", ".join(port_label(p) for p in sorted(open_ports)[:6])
            key_ports = ",".join(str(p) for p in sorted(open_ports))
        yield hit(ctx, fw.owner,
                  f"security group {fw.group.ref} admits {', '.join(fw.world)} on {ports}",
                  fw.location, f"ingress {fw.ports_text()} from {', '.join(fw.world)}",
                  key=f"{fw.group.ref}:{key_ports}",
                  severity=Severity.CRITICAL if fw.all_ports else None)


@rule(
    id="MWC02",
    title="Database publicly accessible",
    severity=Severity.HIGH,
    practices=_PRIV,
    targets=("cloud",),
    cwe="CWE-668",
    rationale=(
        "`publicly_accessible = true` gives an RDS instance a public DNS name and address: it "
        "is then one security-group edit away from the internet, and usually already reachable "
        "from it. The same holds for an Azure database firewall rule from 0.0.0.0 to "
        "255.255.255.255 and a Cloud SQL instance authorizing 0.0.0.0/0."
    ),
    remediation=(
        "Set `publicly_accessible = false`, keep the database in private subnets, and admit "
        "only the application's security group (Azure: private endpoints or VNet rules; Cloud "
        "SQL: private IP and no 0.0.0.0/0 authorized network)."
    ),
    references=("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",),
    example_fail='resource "aws_db_instance" "orders" {\n  publicly_accessible = true\n}',
    example_pass='resource "aws_db_instance" "orders" {\n  publicly_accessible = false\n}',
)
def db_public(ctx: ScanContext) -> Iterator[Hit]:
    for r in resources(ctx, "aws_db_instance", "aws_rds_cluster_instance",
                       "aws_redshift_cluster", "aws_dms_replication_instance"):
        if truthy(r.get("publicly_accessible")):
            yield hit(ctx, r, f"{r.type} {r.ref} is publicly accessible",
                      r.at("publicly_accessible"), "publicly_accessible = true")
    # Azure database firewalls admitting every IPv4 address
    for r in resources(ctx, *AZURE_DB_FIREWALLS):
        start, end = r.get("start_ip_address"), r.get("end_ip_address")
        if start == "0.0.0.0" and end == "255.255.255.255":
            yield hit(ctx, r, f"{r.ref} admits every IPv4 address to the database server",
                      r.at("end_ip_address"), f"{start} - {end}")
    # Cloud SQL authorized networks open to the world
    for r in resources(ctx, "google_sql_database_instance"):
        for settings in r.blocks("settings"):
            for ipc in blocks_of(settings, "ip_configuration"):
                for net in blocks_of(ipc, "authorized_networks"):
                    if net.get("value") in ("0.0.0.0/0", "::/0") and ipc.get("ipv4_enabled") \
                            is not False:
                        yield hit(ctx, r, f"Cloud SQL instance {r.ref} authorizes "
                                  f"{net.get('value')} on its public IP", r.at("settings"),
                                  f"authorized_networks {net.get('value')}")


@rule(
    id="MWC03",
    title="Workload gets a public IP address",
    severity=Severity.MEDIUM,
    practices=("ENV-PRIVATE",),
    targets=("cloud",),
    confidence=Confidence.MEDIUM,
    cwe="CWE-668",
    rationale=(
        "An EC2 instance or ECS task with a public address is directly on the internet: its "
        "security group is the only thing between it and every scanner. Services belong in "
        "private subnets, reached through a load balancer or gateway. Reported from "
        "`associate_public_ip_address`, ECS `assign_public_ip`, subnets with "
        "`map_public_ip_on_launch` and Elastic IPs; more severe in a private tier: a subnet named "
        "or tagged private, or whose route table has no route to an internet gateway."
    ),
    remediation=(
        "Launch into private subnets with `associate_public_ip_address = false` / "
        "`assign_public_ip = false`, and put a load balancer or API gateway in front; use a NAT "
        "gateway or VPC endpoints for outbound traffic."
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html",),
    example_fail=('resource "aws_instance" "api" {\n  associate_public_ip_address = true\n}'),
    example_pass=('resource "aws_instance" "api" {\n  associate_public_ip_address = false\n}'),
)
def public_ip(ctx: ScanContext) -> Iterator[Hit]:
    f = facts(ctx)
    for w in f.workloads:
        if w.resource.type not in ("aws_instance", "aws_ecs_service") or not w.public_address:
            continue
        r = w.resource
        private_tier = [s.ref for s in workload_subnets(f, w)
                        if "private" in f"{s.name} {s.get('tags')}".lower()
                        or subnet_is_public(f, s) is False]
        attr = ("associate_public_ip_address" if "associate_public_ip_address" in r.attributes
                else "network_configuration" if r.type == "aws_ecs_service" else "subnet_id")
        tier = f"; its subnet {', '.join(private_tier)} is a private tier" if private_tier else ""
        yield hit(ctx, r, f"{w.kind} {w.service} gets a public IP address "
                  f"({'; '.join(w.public_address)}){tier}", r.at(attr),
                  "; ".join(w.public_address),
                  severity=Severity.HIGH if private_tier else None)


@rule(
    id="MWC04",
    title="Managed Kubernetes API endpoint public without an allowlist",
    severity=Severity.HIGH,
    practices=("ENV-PRIVATE", "ENV-EDGE"),
    targets=("cloud",),
    cwe="CWE-284",
    rationale=(
        "EKS, AKS and GKE control planes answer on a public endpoint by default, from any "
        "address. A leaked kubeconfig or a control-plane vulnerability is then exploitable "
        "from anywhere."
    ),
    remediation=(
        "Make the endpoint private (EKS `endpoint_public_access = false`, AKS "
        "`private_cluster_enabled = true`, GKE `enable_private_endpoint = true`), or restrict "
        "it to known ranges (`public_access_cidrs`, `authorized_ip_ranges`, "
        "`master_authorized_networks_config`)."
    ),
    references=(
        "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
        "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
        "https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks",
    ),
    example_fail='resource "aws_eks_cluster" "main" {\n  vpc_config {\n    subnet_ids = var.subnets\n  }\n}',
    example_pass=('resource "aws_eks_cluster" "main" {\n  vpc_config {\n    subnet_ids = var.subnets\n'
                  '    endpoint_public_access = false\n    endpoint_private_access = true\n  }\n}'),
)
def k8s_public_endpoint(ctx: ScanContext) -> Iterator[Hit]:
    for r in resources(ctx, "aws_eks_cluster"):
        for i, vpc in enumerate(r.blocks("vpc_config")):
            public = vpc.get("endpoint_public_access", True)
            cidrs = vpc.get("public_access_cidrs", ["0.0.0.0/0"])
            if public is True and isinstance(cidrs, list) and (
                    not cidrs or any(c in ("0.0.0.0/0", "::/0") for c in cidrs)):
                yield hit(ctx, r, f"EKS cluster {r.ref} has a public API endpoint open to "
                          "0.0.0.0/0", r.at("vpc_config", i), "endpoint_public_access")
    for r in resources(ctx, "azurerm_kubernetes_cluster"):
        if truthy(r.get("private_cluster_enabled")):
            continue
        profiles = r.blocks("api_server_access_profile")
        ranges = [x for p in profiles for x in as_list(p.get("authorized_ip_ranges"))]
        legacy = as_list(r.get("api_server_authorized_ip_ranges"))
        if not ranges and not legacy and not any(is_unknown(p.get("authorized_ip_ranges"))
                                                 for p in profiles):
            yield hit(ctx, r, f"AKS cluster {r.ref} has a public API server with no authorized "
                      "IP ranges", r.location, "private_cluster_enabled unset")
    for r in resources(ctx, "google_container_cluster"):
        private = [p for p in r.blocks("private_cluster_config")
                   if truthy(p.get("enable_private_endpoint"))]
        if private or r.blocks("master_authorized_networks_config"):
            continue
        yield hit(ctx, r, f"GKE cluster {r.ref} has a public control-plane endpoint with no "
                  "master authorized networks", r.location, "no master_authorized_networks_config")
