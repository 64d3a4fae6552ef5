"""The kinds of payload rules judge, and the account facts a rule may need.

Both are string enums: a :class:`Kind` compares equal to its name (``Kind.SERVICE ==
"service"``), so callers and JSON output keep using plain names, while the registry
(order, titles, validation) lives here once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["KINDS", "Api", "Fact", "Kind"]


@dataclass(frozen=True)
class Api:
    """The AWS calls a kind of payload belongs to, named as in botocore's model.

    ``operations`` are the calls whose input the payload is (the first is the usual
    one); ``describe`` is the call whose output holds the same object, and the member
    of that output that holds it (a list member means "one item of it"), so that
    fields only a describe returns can be told from typos (``""``: the whole output).
    """

    service: str
    operations: tuple[str, ...]
    describe: tuple[str, str] | None = None


class Kind(str, enum.Enum):
    """One kind of payload: the keyword arguments of one AWS call (or its describe output)."""

    TASK_DEFINITION = "task-definition"
    SERVICE = "service"
    RUN_TASK = "run-task"
    CLUSTER = "cluster"
    ECR_REPOSITORY = "ecr-repository"
    ECR_LIFECYCLE_POLICY = "ecr-lifecycle-policy"
    EFS_FILE_SYSTEM = "efs-file-system"
    EFS_MOUNT_TARGET = "efs-mount-target"
    ELBV2_LOAD_BALANCER = "elbv2-load-balancer"
    ELBV2_LISTENER = "elbv2-listener"
    ELBV2_TARGET_GROUP = "elbv2-target-group"
    SCALABLE_TARGET = "scalable-target"
    SCALING_POLICY = "scaling-policy"
    SCHEDULED_ACTION = "scheduled-action"
    IAM_ROLE = "iam-role"
    IAM_ATTACH_POLICY = "iam-attach-policy"
    EKS_FARGATE_PROFILE = "eks-fargate-profile"
    EKS_NODEGROUP = "eks-nodegroup"

    def __str__(self) -> str:
        return self.value

    @property
    def heading(self) -> str:
        """The heading of this kind's section in the rule reference."""
        return _TITLES[self]

    @property
    def api(self) -> Api:
        """The botocore service and operations this kind's payload is the input of.

        For ``ecr-lifecycle-policy`` the rules judge the policy document, which is JSON
        text inside PutLifecyclePolicy's ``lifecyclePolicyText``: only that wrapper has
        an API shape.
        """
        return _APIS[self]


_TITLES: dict[Kind, str] = {
    Kind.TASK_DEFINITION: (
        "Task definitions (RegisterTaskDefinition input / DescribeTaskDefinition output)"
    ),
    Kind.SERVICE: "ECS services (CreateService / UpdateService)",
    Kind.RUN_TASK: "ECS RunTask",
    Kind.CLUSTER: "ECS clusters (CreateCluster)",
    Kind.ECR_REPOSITORY: "ECR repositories (CreateRepository / PutImageTagMutability)",
    Kind.ECR_LIFECYCLE_POLICY: "ECR lifecycle policies (the policy document)",
    Kind.EFS_FILE_SYSTEM: "EFS file systems (CreateFileSystem)",
    Kind.EFS_MOUNT_TARGET: "EFS mount targets (CreateMountTarget)",
    Kind.ELBV2_LOAD_BALANCER: "Load balancers (ELBv2 CreateLoadBalancer)",
    Kind.ELBV2_LISTENER: "Listeners (ELBv2 CreateListener)",
    Kind.ELBV2_TARGET_GROUP: "Target groups (ELBv2 CreateTargetGroup)",
    Kind.SCALABLE_TARGET: "Scalable targets (Application Auto Scaling RegisterScalableTarget)",
    Kind.SCALING_POLICY: "Scaling policies (Application Auto Scaling PutScalingPolicy)",
    Kind.SCHEDULED_ACTION: "Scheduled actions (Application Auto Scaling PutScheduledAction)",
    Kind.IAM_ROLE: "IAM roles (CreateRole)",
    Kind.IAM_ATTACH_POLICY: "IAM managed policies (AttachRolePolicy)",
    Kind.EKS_FARGATE_PROFILE: "EKS Fargate profiles (CreateFargateProfile)",
    Kind.EKS_NODEGROUP: "EKS managed node groups (CreateNodegroup / UpdateNodegroupConfig)",
}

_APIS: dict[Kind, Api] = {
    Kind.TASK_DEFINITION: Api(
        "ecs", ("RegisterTaskDefinition",), ("DescribeTaskDefinition", "taskDefinition")
    ),
    Kind.SERVICE: Api("ecs", ("CreateService", "UpdateService"), ("DescribeServices", "services")),
    Kind.RUN_TASK: Api("ecs", ("RunTask",)),
    Kind.CLUSTER: Api("ecs", ("CreateCluster",), ("DescribeClusters", "clusters")),
    Kind.ECR_REPOSITORY: Api(
        "ecr",
        ("CreateRepository", "PutImageTagMutability"),
        ("DescribeRepositories", "repositories"),
    ),
    Kind.ECR_LIFECYCLE_POLICY: Api("ecr", ("PutLifecyclePolicy",), ("GetLifecyclePolicy", "")),
    Kind.EFS_FILE_SYSTEM: Api("efs", ("CreateFileSystem",), ("DescribeFileSystems", "FileSystems")),
    Kind.EFS_MOUNT_TARGET: Api(
        "efs", ("CreateMountTarget",), ("DescribeMountTargets", "MountTargets")
    ),
    Kind.ELBV2_LOAD_BALANCER: Api(
        "elbv2", ("CreateLoadBalancer",), ("DescribeLoadBalancers", "LoadBalancers")
    ),
    Kind.ELBV2_LISTENER: Api("elbv2", ("CreateListener",), ("DescribeListeners", "Listeners")),
    Kind.ELBV2_TARGET_GROUP: Api(
        "elbv2", ("CreateTargetGroup",), ("DescribeTargetGroups", "TargetGroups")
    ),
    Kind.SCALABLE_TARGET: Api(
        "application-autoscaling",
        ("RegisterScalableTarget",),
        ("DescribeScalableTargets", "ScalableTargets"),
    ),
    Kind.SCALING_POLICY: Api(
        "application-autoscaling",
        ("PutScalingPolicy",),
        ("DescribeScalingPolicies", "ScalingPolicies"),
    ),
    Kind.SCHEDULED_ACTION: Api(
        "application-autoscaling",
        ("PutScheduledAction",),
        ("DescribeScheduledActions", "ScheduledActions"),
    ),
    Kind.IAM_ROLE: Api("iam", ("CreateRole",), ("GetRole", "Role")),
    Kind.IAM_ATTACH_POLICY: Api("iam", ("AttachRolePolicy",)),
    Kind.EKS_FARGATE_PROFILE: Api(
        "eks", ("CreateFargateProfile",), ("DescribeFargateProfile", "fargateProfile")
    ),
    Kind.EKS_NODEGROUP: Api(
        "eks", ("CreateNodegroup", "UpdateNodegroupConfig"), ("DescribeNodegroup", "nodegroup")
    ),
}

KINDS: tuple[Kind, ...] = tuple(Kind)


class Fact(str, enum.Enum):
    """A fact about the account a rule may need; named like its ``RuleContext`` field.

    A rule declares what it needs (``@rule(..., needs={Fact.TASK_DEFINITION})``); the
    strict sandbox fetches exactly the facts the rules of a call's kind need, and a
    rule whose fact is unknown (as in ``ecs-learn lint`` of one file) stays silent.
    """

    TASK_DEFINITION = "task_definition"
    TARGET_GROUPS = "target_groups"
    LOAD_BALANCER_TYPES = "load_balancer_types"
    SUBNET_AZS = "subnet_azs"
    SCALABLE_TARGETS = "scalable_targets"
    MOUNT_TARGET_AZS = "mount_target_azs"
    ROLE_TRUST_PRINCIPALS = "role_trust_principals"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """How the rule reference names it ("the task definition")."""
        return _FACT_LABELS[self]


_FACT_LABELS: dict[Fact, str] = {
    Fact.TASK_DEFINITION: "the task definition",
    Fact.TARGET_GROUPS: "the target groups",
    Fact.LOAD_BALANCER_TYPES: "the load balancer type",
    Fact.SUBNET_AZS: "subnet AZs",
    Fact.SCALABLE_TARGETS: "the registered scalable targets",
    Fact.MOUNT_TARGET_AZS: "existing mount targets",
    Fact.ROLE_TRUST_PRINCIPALS: "the role's trust policy",
}
