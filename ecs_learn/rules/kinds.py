"""The kinds of payload rules judge, and the account facts a rule may need.

Both are string enums: a :class:`Kind` compares equal to its name (``Kind.SERVICE ==
"service"``), so callers and JSON output keep using plain names, while the registry
(order, titles, validation) lives here once.
"""

from __future__ import annotations

import enum

__all__ = ["KINDS", "Fact", "Kind"]


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
