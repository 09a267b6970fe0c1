"""ECR: repositories (tag mutability, scan on push, encryption) and their policies."""

from __future__ import annotations

from meshward.loaders.aws.translate import Reader, policy_json

NO_POLICY = frozenset({"RepositoryPolicyNotFoundException"})


def collect(r: Reader) -> None:
    got = r.get("ecr", "get_registry_scanning_configuration")
    conf = (got or {}).get("scanningConfiguration") or {}
    if conf.get("rules") or conf.get("scanType") == "ENHANCED":  # not the account's default
        r.add("aws_ecr_registry_scanning_configuration", r.account_id, {
            "registry_id": (got or {}).get("registryId", r.account_id),
            "scan_type": conf.get("scanType", "BASIC"),
            "rule": [{"scan_frequency": rule.get("scanFrequency"), "repository_filter": [
                {"filter": f.get("filter"), "filter_type": f.get("filterType")}
                for f in rule.get("repositoryFilters") or []]} for rule in conf.get("rules") or []],
        }, "ecr", "registry/scanning-configuration", "")
    for repo in r.listing("ecr", "describe_repositories", "repositories") or []:
        name = str(repo["repositoryName"])
        arn = str(repo.get("repositoryArn", ""))
        enc = repo.get("encryptionConfiguration") or {}
        r.add("aws_ecr_repository", name, {
            "name": name, "arn": arn, "repository_url": repo.get("repositoryUri", ""),
            "registry_id": repo.get("registryId", ""),
            "image_tag_mutability": repo.get("imageTagMutability", "MUTABLE"),
            "image_scanning_configuration": [{"scan_on_push": bool(
                (repo.get("imageScanningConfiguration") or {}).get("scanOnPush"))}],
            "encryption_configuration": [{"encryption_type": enc.get("encryptionType", "AES256"),
                                          "kms_key": enc.get("kmsKey", "")}],
        }, "ecr", f"repository/{name}", arn)
        policy = r.get("ecr", "get_repository_policy", absent=NO_POLICY, repositoryName=name)
        if policy and policy.get("policyText"):
            r.add("aws_ecr_repository_policy", name, {
                "repository": name, "policy": policy_json(policy.get("policyText")),
            }, "ecr", f"repository/{name}/policy", "")
