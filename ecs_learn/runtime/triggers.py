"""Which learner calls make the account act (the runtime reconciles after them).

Calls that change a service, its tasks, its target groups or load balancer rules, its
network (security groups), its capacity or container instances, or what a starting task
needs (images, roles, secrets, log groups, EFS mount targets). Reads never trigger.
"""

from __future__ import annotations

__all__ = ["TRIGGERS", "triggers"]

_BY_SERVICE: dict[str, tuple[str, ...]] = {
    "ecs": (
        "CreateService",
        "UpdateService",
        "DeleteService",
        "RunTask",
        "StartTask",
        "StopTask",
        "RegisterContainerInstance",
        "DeregisterContainerInstance",
        "UpdateContainerInstancesState",
        "PutClusterCapacityProviders",
        "DeleteCluster",
        "CreateTaskSet",
        "DeleteTaskSet",
        "UpdateServicePrimaryTaskSet",
    ),
    "elastic-load-balancing-v2": (
        "CreateListener",
        "ModifyListener",
        "DeleteListener",
        "CreateRule",
        "ModifyRule",
        "DeleteRule",
        "SetRulePriorities",
        "RegisterTargets",
        "DeregisterTargets",
        "ModifyTargetGroup",
        "ModifyTargetGroupAttributes",
        "DeleteTargetGroup",
    ),
    "ec2": (
        "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupIngress",
        "RunInstances",
        "TerminateInstances",
        "StopInstances",
        "StartInstances",
    ),
    "auto-scaling": ("UpdateAutoScalingGroup", "SetDesiredCapacity", "CreateAutoScalingGroup"),
}

TRIGGERS: frozenset[tuple[str, str]] = frozenset(
    (service, op) for service, ops in _BY_SERVICE.items() for op in ops
)
_NAMES = frozenset(op for _, op in TRIGGERS)


def triggers(operation: str) -> bool:
    """True when a call of ``operation`` (any service) should make the account act."""
    return operation in _NAMES
