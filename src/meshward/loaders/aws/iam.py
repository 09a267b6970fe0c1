"""IAM (global): roles with their trust, attached and inline policies; users and their access
keys; customer-managed policies; instance profiles.

Attachments and inline policies become their own resources (``aws_iam_role_policy_attachment``,
``aws_iam_role_policy``...), as Terraform code usually writes them, so that a rule reads one
shape whichever the source.
"""

from __future__ import annotations

from typing import Any

from meshward.loaders.aws.translate import Reader, not_read, policy_json, tags, timestamp

NO_SUCH: frozenset[str] = frozenset({"NoSuchEntity", "NoSuchEntityException"})


def _role(r: Reader, role: dict[str, Any]) -> None:
    name = str(role["RoleName"])
    r.add("aws_iam_role", name, {
        "name": name,
        "arn": role.get("Arn"),
        "path": role.get("Path"),
        "description": role.get("Description"),
        "assume_role_policy": policy_json(role.get("AssumeRolePolicyDocument")),
        "max_session_duration": role.get("MaxSessionDuration"),
        "permissions_boundary": (role.get("PermissionsBoundary") or {}).get(
            "PermissionsBoundaryArn"),
        "tags": tags(role.get("Tags")),
    }, "iam", f"role/{name}", str(role.get("Arn", "")))
    _attachments(r, "role", name)
    _inline(r, "role", name)


def _user(r: Reader, user: dict[str, Any]) -> None:
    name = str(user["UserName"])
    r.add("aws_iam_user", name, {
        "name": name, "arn": user.get("Arn"), "path": user.get("Path"),
        "tags": tags(user.get("Tags")),
    }, "iam", f"user/{name}", str(user.get("Arn", "")))
    keys = r.listing("iam", "list_access_keys", "AccessKeyMetadata", UserName=name)
    for key in keys or []:
        key_id = str(key["AccessKeyId"])
        r.add("aws_iam_access_key", key_id, {
            "id": key_id, "user": name, "status": key.get("Status"),
            "create_date": timestamp(key.get("CreateDate")),
        }, "iam", f"user/{name}/access-key/{key_id}",
            r.arn("iam", f"user/{name}/access-key/{key_id}", region=False))
    _attachments(r, "user", name)
    _inline(r, "user", name)


def collect(r: Reader) -> None:
    r.each(r.listing("iam", "list_roles", "Roles") or [], _role)
    r.each(r.listing("iam", "list_users", "Users") or [], _user)
    _policies(r)
    profiles = r.listing("iam", "list_instance_profiles", "InstanceProfiles")
    for prof in profiles or []:
        name = str(prof["InstanceProfileName"])
        prof_roles = [str(x["RoleName"]) for x in prof.get("Roles") or []]
        r.add("aws_iam_instance_profile", name, {
            "name": name, "arn": prof.get("Arn"), "path": prof.get("Path"),
            "role": prof_roles[0] if prof_roles else None,
        }, "iam", f"instance-profile/{name}", str(prof.get("Arn", "")))


def _attachments(r: Reader, kind: str, name: str) -> None:
    method = f"list_attached_{kind}_policies"
    items = r.listing("iam", method, "AttachedPolicies", **{f"{kind.capitalize()}Name": name})
    if items is None:
        r.add(f"aws_iam_{kind}_policy_attachment", f"{name}-unknown", {
            kind: name, "policy_arn": not_read(f"iam:ListAttached{kind.capitalize()}Policies"),
        }, "iam", f"{kind}/{name}/attached", "")
        return
    for pol in items:
        arn = str(pol["PolicyArn"])
        r.add(f"aws_iam_{kind}_policy_attachment", f"{name}-{pol.get('PolicyName', arn)}",
              {kind: name, "policy_arn": arn},
              "iam", f"{kind}/{name}/attached/{pol.get('PolicyName', arn)}", "")


def _inline(r: Reader, kind: str, name: str) -> None:
    key = f"{kind.capitalize()}Name"
    names = r.listing("iam", f"list_{kind}_policies", "PolicyNames", **{key: name})
    for pname in names or []:
        answer = r.get("iam", f"get_{kind}_policy", absent=NO_SUCH,
                       **{key: name, "PolicyName": pname})
        document: Any = (policy_json(answer.get("PolicyDocument")) if answer is not None
                         else not_read(f"iam:Get{kind.capitalize()}Policy"))
        r.add(f"aws_iam_{kind}_policy", f"{name}:{pname}",
              {"name": pname, kind: name, "policy": document},
              "iam", f"{kind}/{name}/policy/{pname}", "")


def _policies(r: Reader) -> None:
    """Customer-managed policies with their default version's document.

    AWS-managed policies are not resources of the account (Terraform reads them as data
    sources): attachments name them by ARN, which is what rules judge them by.
    """
    for meta in r.listing("iam", "list_policies", "Policies", Scope="Local") or []:
        arn = str(meta["Arn"])
        version = r.get("iam", "get_policy_version", absent=NO_SUCH, PolicyArn=arn,
                        VersionId=meta.get("DefaultVersionId", "v1"))
        document: Any = (policy_json((version.get("PolicyVersion") or {}).get("Document"))
                         if version is not None else not_read("iam:GetPolicyVersion"))
        name = str(meta.get("PolicyName", arn.rsplit("/", 1)[-1]))
        r.add("aws_iam_policy", name, {
            "name": name, "arn": arn, "path": meta.get("Path"),
            "description": meta.get("Description"), "policy": document,
            "tags": tags(meta.get("Tags")),
        }, "iam", f"policy/{name}", arn)
