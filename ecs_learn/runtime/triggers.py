"""Which learner calls make the account act (the runtime reconciles after them).

Calls that change a service, its tasks, its target groups or load balancer rules, its
network (security groups), its capacity or container instances, its scalable target's range,
or what a starting task needs (images, roles, secrets, log groups, EFS mount targets). Reads
never trigger.

The calls in :data:`AGENT_SYNC` also let the ECS agents on the EC2 instances act first
(register, or leave: ``agent.sync``): they change instances, Auto Scaling groups, launch
templates, what an instance role may do, or the cluster an agent waits for.
"""

from __future__ import annotations

__all__ = ["AGENT_SYNC", "TRIGGERS", "syncs_agent", "triggers"]

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
        "CreateCapacityProvider",
        "UpdateCapacityProvider",
        "CreateCluster",
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
        "CreateLaunchTemplate",
        "CreateLaunchTemplateVersion",
        "ModifyLaunchTemplate",
        "DeleteLaunchTemplate",
        "AssociateIamInstanceProfile",
        "ReplaceIamInstanceProfileAssociation",
        "ModifyInstanceAttribute",
    ),
    "auto-scaling": (
        "UpdateAutoScalingGroup",
        "SetDesiredCapacity",
        "CreateAutoScalingGroup",
        "DeleteAutoScalingGroup",
        "TerminateInstanceInAutoScalingGroup",
        "AttachInstances",
        "DetachInstances",
    ),
    "application-auto-scaling": ("RegisterScalableTarget",),
    "iam": (
        "AttachRolePolicy",
        "DetachRolePolicy",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "AddRoleToInstanceProfile",
        "RemoveRoleFromInstanceProfile",
        "UpdateAssumeRolePolicy",
    ),
}

TRIGGERS: frozenset[tuple[str, str]] = frozenset(
    (service, op) for service, ops in _BY_SERVICE.items() for op in ops
)
_NAMES = frozenset(op for _, op in TRIGGERS)
AGENT_SYNC: frozenset[str] = frozenset(
    {op for service, ops in _BY_SERVICE.items() if service in ("auto-scaling", "iam") for op in ops}
    | {op for op in _BY_SERVICE["ec2"] if not op.endswith("SecurityGroupIngress")}
    | {"CreateCluster"}
)


def triggers(operation: str) -> bool:
    """True when a call of ``operation`` (any service) should make the account act."""
    return operation in _NAMES


def syncs_agent(operation: str) -> bool:
    """True when a call of ``operation`` may change which EC2 instances run an agent."""
    return operation in AGENT_SYNC
