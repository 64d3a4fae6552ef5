"""Amazon EC2: security groups (by name, in the default VPC), their inbound rules for a
port, launch templates, and instances an exercise launched (by tag).

Before a security group is deleted, the rules of other groups that name it as their source
are revoked (AWS refuses to delete a group another group refers to). A group still in use
by a network interface of something the reset does not remove is kept, with AWS's words.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import Ingress
from ecs_learn.exercise_reset._common import Client, Kept, plural

__all__ = [
    "remove_ingress",
    "remove_instances",
    "remove_launch_template",
    "remove_security_group",
]

_LIVE = ("pending", "running", "stopping", "stopped")


def _default_vpc(ec2: Any) -> str | None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"]) if vpcs else None


def _group(ec2: Any, name: str) -> dict[str, Any] | None:
    vpc = _default_vpc(ec2)
    if vpc is None:
        return None
    found = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [name]}, {"Name": "vpc-id", "Values": [vpc]}]
    )["SecurityGroups"]
    return dict(found[0]) if found else None


def _without_pairs_from(permission: dict[str, Any], group_id: str) -> dict[str, Any] | None:
    """The part of ``permission`` whose source is ``group_id`` (None when there is none)."""
    pairs = [p for p in permission.get("UserIdGroupPairs", []) if p.get("GroupId") == group_id]
    if not pairs:
        return None
    keep = ("IpProtocol", "FromPort", "ToPort")
    return {**{k: permission[k] for k in keep if k in permission}, "UserIdGroupPairs": pairs}


def remove_security_group(client: Client, name: str) -> str | None:
    ec2 = client("ec2")
    group = _group(ec2, name)
    if group is None:
        return None
    group_id = group["GroupId"]
    others = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [group["VpcId"]]}])
    revoked = 0
    for other in others["SecurityGroups"]:
        if other["GroupId"] == group_id:
            continue
        for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            naming = [p for p in (_without_pairs_from(x, group_id) for x in other[key]) if p]
            if not naming:
                continue
            call = getattr(ec2, f"revoke_security_group_{direction}")
            call(GroupId=other["GroupId"], IpPermissions=naming)
            revoked += len(naming)
    ec2.delete_security_group(GroupId=group_id)
    told = f", and the {plural(revoked, 'rule')} of other groups that named it" if revoked else ""
    return f"security group {name} ({group_id}{told})"


def remove_ingress(client: Client, ref: Ingress) -> str | None:
    ec2 = client("ec2")
    group = _group(ec2, ref.group)
    if group is None:
        return None
    rules = [
        p
        for p in group["IpPermissions"]
        if p.get("IpProtocol") == "tcp" and p.get("FromPort") == ref.port == p.get("ToPort")
    ]
    if not rules:
        return None
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rules)
    sources = sum(
        len(p.get("IpRanges", []))
        + len(p.get("UserIdGroupPairs", []))
        + len(p.get("Ipv6Ranges", []))
        for p in rules
    )
    return f"inbound TCP {ref.port} of security group {ref.group} ({plural(sources, 'source')})"


def remove_launch_template(client: Client, name: str) -> str | None:
    ec2 = client("ec2")
    try:
        ec2.describe_launch_templates(LaunchTemplateNames=[name])
    except ClientError:  # no such template
        return None
    groups = client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    users = [
        g["AutoScalingGroupName"]
        for g in groups
        if (g.get("LaunchTemplate") or {}).get("LaunchTemplateName") == name
    ]
    if users:
        raise Kept(
            f"launch template {name}: Auto Scaling group {', '.join(users)} launches from it"
        )
    ec2.delete_launch_template(LaunchTemplateName=name)
    return f"launch template {name}"


def remove_instances(client: Client, tag: str) -> str | None:
    ec2 = client("ec2")
    key, _, value = tag.partition("=")
    found = ec2.describe_instances(
        Filters=[
            {"Name": f"tag:{key}", "Values": [value]},
            {"Name": "instance-state-name", "Values": list(_LIVE)},
        ]
    )
    ids = [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]]
    if not ids:
        return None
    ec2.terminate_instances(InstanceIds=ids)
    return f"{plural(len(ids), 'EC2 instance')} tagged {key}={value} (terminated)"
