"""Start one exercise over: remove what it created (its check's ``owns``), and only that.

Everything goes through boto3 against the sandbox, the way a learner would clean up in
a real account, so it works the same embedded and against a moto server. Each removal
is said in words ("IAM role web-app-task-role (1 inline policy)"), so a reset never
happens silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.registry import Owns

__all__ = ["remove_owned"]

Client = Callable[[str], Any]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _remove_role(iam: Any, name: str) -> str | None:
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
    return f"IAM role {name}" + (f" (and its {', '.join(parts)})" if parts else "")


def _remove_family(ecs: Any, family: str) -> str | None:
    arns: list[str] = []
    for status in ("ACTIVE", "INACTIVE"):
        found = ecs.list_task_definitions(familyPrefix=family, status=status)
        arns += [
            a for a in found["taskDefinitionArns"] if a.rsplit("/", 1)[-1].split(":")[0] == family
        ]
    if not arns:
        return None
    for arn in arns:
        with contextlib.suppress(ClientError):  # already INACTIVE
            ecs.deregister_task_definition(taskDefinition=arn)
    with contextlib.suppress(ClientError):  # deregistered is enough: checks judge ACTIVE ones
        ecs.delete_task_definitions(taskDefinitions=arns)
    return f"task definition family {family} ({_plural(len(arns), 'revision')})"


def _remove_log_group(logs: Any, name: str) -> str | None:
    try:
        logs.delete_log_group(logGroupName=name)
    except ClientError:
        return None
    return f"log group {name}"


def _remove_cluster(ecs: Any, name: str) -> str | None:
    found = ecs.describe_clusters(clusters=[name])["clusters"]
    if not any(c.get("status") == "ACTIVE" for c in found):
        return None
    ecs.delete_cluster(cluster=name)
    return f"cluster {name}"


def remove_owned(owns: Owns, client: Client) -> list[str]:
    """Remove what ``owns`` names from the account; what was removed, in words."""
    from ecs_learn import strict

    removed: list[str | None] = []
    with strict.lenient():  # cleaning up is not the learner's call to judge
        if owns.clusters:
            ecs = client("ecs")
            removed += [_remove_cluster(ecs, n) for n in owns.clusters]
        if owns.task_families:
            ecs = client("ecs")
            removed += [_remove_family(ecs, n) for n in owns.task_families]
        if owns.log_groups:
            logs = client("logs")
            removed += [_remove_log_group(logs, n) for n in owns.log_groups]
        if owns.iam_roles:
            iam = client("iam")
            removed += [_remove_role(iam, n) for n in owns.iam_roles]
    return [r for r in removed if r]
