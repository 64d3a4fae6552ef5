"""Application Auto Scaling (ECS services) and CloudWatch alarms.

A scalable target goes with its scaling policies and scheduled actions, as on AWS (moto
keeps them; the reset deletes them first so the account looks as AWS's would). Deleting a
target tracking policy deletes the alarms Application Auto Scaling made for it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import ScalingPart
from ecs_learn.exercise_reset._common import Client, listed, plural

__all__ = [
    "remove_alarm",
    "remove_scalable_target",
    "remove_scaling_policy",
    "remove_scheduled_action",
]

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"


def _where(resource_id: str) -> dict[str, str]:
    return {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id,
        "ScalableDimension": DIMENSION,
    }


def _policies(aas: Any, resource_id: str) -> list[dict[str, Any]]:
    found = aas.describe_scaling_policies(ServiceNamespace=NAMESPACE, ResourceId=resource_id)
    return [p for p in found["ScalingPolicies"] if p.get("ResourceId") == resource_id]


def _scheduled(aas: Any, resource_id: str) -> list[dict[str, Any]]:
    found = aas.describe_scheduled_actions(ServiceNamespace=NAMESPACE, ResourceId=resource_id)
    return [a for a in found["ScheduledActions"] if a.get("ResourceId") == resource_id]


def remove_alarm(client: Client, name: str) -> str | None:
    cloudwatch = client("cloudwatch")
    if not cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]:
        return None
    cloudwatch.delete_alarms(AlarmNames=[name])
    return f"CloudWatch alarm {name}"


def remove_scaling_policy(client: Client, ref: ScalingPart) -> str | None:
    aas = client("application-autoscaling")
    # describe_scaling_policies(PolicyNames=...) is not filtered by moto: filter here
    found = [p for p in _policies(aas, ref.resource_id) if p["PolicyName"] == ref.name]
    if not found:
        return None
    aas.delete_scaling_policy(PolicyName=ref.name, **_where(ref.resource_id))
    alarms = len(found[0].get("Alarms") or [])
    told = f" (and its {plural(alarms, 'alarm')})" if alarms else ""
    return f"scaling policy {ref.name} of {ref.resource_id}{told}"


def remove_scheduled_action(client: Client, ref: ScalingPart) -> str | None:
    aas = client("application-autoscaling")
    names = {a["ScheduledActionName"] for a in _scheduled(aas, ref.resource_id)}
    if ref.name not in names:
        return None
    aas.delete_scheduled_action(ScheduledActionName=ref.name, **_where(ref.resource_id))
    return f"scheduled action {ref.name} of {ref.resource_id}"


def remove_scalable_target(client: Client, resource_id: str) -> str | None:
    aas = client("application-autoscaling")
    try:
        found = aas.describe_scalable_targets(ServiceNamespace=NAMESPACE, ResourceIds=[resource_id])
    except ClientError:
        return None
    if not found["ScalableTargets"]:
        return None
    policies = _policies(aas, resource_id)
    for policy in policies:
        aas.delete_scaling_policy(PolicyName=policy["PolicyName"], **_where(resource_id))
    actions = _scheduled(aas, resource_id)
    for action in actions:
        aas.delete_scheduled_action(
            ScheduledActionName=action["ScheduledActionName"], **_where(resource_id)
        )
    aas.deregister_scalable_target(**_where(resource_id))
    parts = [
        plural(n, w, many)
        for n, w, many in (
            (len(policies), "scaling policy", "scaling policies"),
            (len(actions), "scheduled action", ""),
        )
        if n
    ]
    return f"scalable target {resource_id}" + listed(parts)
