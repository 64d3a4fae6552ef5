"""IAM: roles (with their policies) and instance profiles."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.exercise_reset._common import Client, listed

__all__ = ["remove_instance_profile", "remove_role"]


def remove_role(client: Client, name: str) -> str | None:
    iam: Any = client("iam")
    try:
        iam.get_role(RoleName=name)
    except ClientError:
        return None
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    for policy in attached:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    inline = iam.list_role_policies(RoleName=name)["PolicyNames"]
    for policy_name in inline:
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    profiles = iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]
    for profile in profiles:
        iam.remove_role_from_instance_profile(
            InstanceProfileName=profile["InstanceProfileName"], RoleName=name
        )
    iam.delete_role(RoleName=name)
    parts = [
        f"{count} {kind} {'policy' if count == 1 else 'policies'}"
        for count, kind in ((len(attached), "attached"), (len(inline), "inline"))
        if count
    ]
    return f"IAM role {name}" + listed(parts)


def remove_instance_profile(client: Client, name: str) -> str | None:
    iam: Any = client("iam")
    try:
        roles = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
    except ClientError:
        return None
    for role in roles:
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=name)
    return f"instance profile {name}"
