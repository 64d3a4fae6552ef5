"""Reading the account as the agent would: instances, registrations, the instance role."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.runtime.agent.config import AGENT_ACTIONS, decode_user_data
from ecs_learn.runtime.iam_eval import ClientSource, Decision, evaluate, role_policies


def _instances(ec2: Any) -> Iterator[dict[str, Any]]:
    """Every instance; one launched by a multi-instance run_instances call gets the call's
    instance profile (moto associates it with the first instance of the reservation only)."""
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page.get("Reservations", []):
            instances = reservation.get("Instances", [])
            shared = next(
                (i["IamInstanceProfile"] for i in instances if i.get("IamInstanceProfile")), None
            )
            for instance in instances:
                if shared and not instance.get("IamInstanceProfile"):
                    instance = {**instance, "IamInstanceProfile": shared}
                yield instance


def _registrations(ecs: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{ec2 instance id: (cluster ARN, container instance)}`` over every cluster."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for cluster in ecs.list_clusters().get("clusterArns", []):
        arns = ecs.list_container_instances(cluster=cluster).get("containerInstanceArns", [])
        if not arns:
            continue
        described = ecs.describe_container_instances(cluster=cluster, containerInstances=arns)
        for item in described.get("containerInstances", []):
            found[str(item["ec2InstanceId"])] = (cluster, item)
    return found


def _tag(instance: Mapping[str, Any], key: str) -> str | None:
    for tag in instance.get("Tags", []) or []:
        if tag.get("Key") == key:
            return str(tag.get("Value"))
    return None


def _profile_reference(instance: Mapping[str, Any], ec2: Any) -> str | None:
    """The instance profile's name, from the instance or (moto gap) its launch template."""
    profile = instance.get("IamInstanceProfile") or {}
    if profile.get("Arn"):
        return str(profile["Arn"]).rsplit("/", 1)[-1]
    template = _tag(instance, "aws:ec2launchtemplate:id")
    if template is None:
        return None
    version = _tag(instance, "aws:ec2launchtemplate:version") or "$Default"
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template, Versions=[version])
    for item in versions.get("LaunchTemplateVersions", []):
        data = item.get("LaunchTemplateData", {}).get("IamInstanceProfile") or {}
        if data.get("Name"):
            return str(data["Name"])
        if data.get("Arn"):
            return str(data["Arn"]).rsplit("/", 1)[-1]
    return None


def _user_data(instance: Mapping[str, Any], ec2: Any) -> str:
    answer = ec2.describe_instance_attribute(
        InstanceId=instance["InstanceId"], Attribute="userData"
    )
    return decode_user_data((answer.get("UserData") or {}).get("Value"))


def _trusts_ec2(document: Any) -> bool:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return False
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    if isinstance(statements, Mapping):
        statements = [statements]
    for statement in statements:
        if str(statement.get("Effect", "")).lower() != "allow":
            continue
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if "ec2.amazonaws.com" in services and any(
            a.lower() in ("sts:assumerole", "sts:*", "*") for a in actions
        ):
            return True
    return False


def instance_role(profile_name: str, clients: ClientSource) -> tuple[str | None, str]:
    """(role name, why not) for an instance profile."""
    from botocore.exceptions import ClientError

    iam = clients.client("iam")
    try:
        roles = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"][
            "Roles"
        ]
    except ClientError:
        return None, f"the instance profile {profile_name} does not exist"
    if not roles:
        return None, f"the instance profile {profile_name} has no role"
    role = roles[0]
    if not _trusts_ec2(role.get("AssumeRolePolicyDocument")):
        return None, (
            f"the role {role['RoleName']} does not trust ec2.amazonaws.com, so the instance "
            "cannot use it"
        )
    return str(role["RoleName"]), ""


def _agent_permissions(
    role: str, cluster_arn: str, account: str, region: str, clients: ClientSource
) -> Decision:
    policies = role_policies(role, clients)
    instances = f"arn:aws:ecs:{region}:{account}:container-instance/*"
    resources = {"ecs:RegisterContainerInstance": cluster_arn, "ecs:DiscoverPollEndpoint": "*"}
    refused = [
        d.reason
        for d in (evaluate(policies, a, resources.get(a, instances)) for a in AGENT_ACTIONS)
        if not d
    ]
    if refused:
        return Decision(
            False, f"the role {role} does not let the ECS agent work: " + "; ".join(refused)
        )
    return Decision(True, f"the role {role} allows the ECS agent's calls")
