"""EC2 Auto Scaling: groups, deleted with their instances (as ``ForceDelete`` does).

A group that a capacity provider the reset keeps still scales is kept with it: deleting
it would leave the provider pointing at a group that is gone.
"""

from __future__ import annotations

from typing import Any

from ecs_learn.exercise_reset._common import Client, Kept, plural

__all__ = ["providers_of", "remove_auto_scaling_group"]


def providers_of(ecs: Any, group_arn: str) -> list[str]:
    """The capacity providers (attached to a cluster) that scale this group."""
    arns = ecs.list_clusters()["clusterArns"]
    clusters = ecs.describe_clusters(clusters=arns)["clusters"] if arns else []
    names = sorted(
        {
            p
            for c in clusters
            for p in c.get("capacityProviders") or []
            if not p.startswith("FARGATE")
        }
    )
    found = (
        ecs.describe_capacity_providers(capacityProviders=names)["capacityProviders"]
        if names
        else []
    )
    return [
        p["name"]
        for p in found
        if p.get("status") == "ACTIVE"
        and (p.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn") == group_arn
    ]


def remove_auto_scaling_group(client: Client, name: str) -> str | None:
    autoscaling = client("autoscaling")
    found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ]
    if not found:
        return None
    users = providers_of(client("ecs"), found[0]["AutoScalingGroupARN"])
    if users:
        raise Kept(f"Auto Scaling group {name}: capacity provider {', '.join(users)} still uses it")
    instances = len(found[0].get("Instances", []))
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    told = f" (and its {plural(instances, 'instance')}, terminated)" if instances else ""
    return f"Auto Scaling group {name}{told}"
