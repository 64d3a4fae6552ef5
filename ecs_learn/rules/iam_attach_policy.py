"""Rules for IAM AttachRolePolicy kwargs: ECS managed policies and the roles that get them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import lookup
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Severity, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["MANAGED_POLICY_ARNS", "RULES"]

_att = partial(
    rule, kind="iam-attach-policy", error_code="NoSuchEntity", source=sources.IAM_MANAGED_POLICIES
)

_PREFIX = "arn:aws:iam::aws:policy/"
MANAGED_POLICY_ARNS: dict[str, str] = {
    name: f"{_PREFIX}{path}{name}"
    for name, path in {
        "AmazonECSTaskExecutionRolePolicy": "service-role/",
        "AmazonEC2ContainerServiceforEC2Role": "service-role/",
        "AmazonEC2ContainerServiceAutoscaleRole": "service-role/",
        "AmazonEC2ContainerServiceEventsRole": "service-role/",
        "AmazonECS_FullAccess": "",
        "AmazonEC2ContainerServiceFullAccess": "",
        "AmazonEC2ContainerRegistryReadOnly": "",
        "AmazonEC2ContainerRegistryPowerUser": "",
        "AmazonEC2ContainerRegistryFullAccess": "",
        "AmazonEKSClusterPolicy": "",
        "AmazonEKSWorkerNodePolicy": "",
        "AmazonEKS_CNI_Policy": "",
        "AmazonEKSFargatePodExecutionRolePolicy": "",
    }.items()
}
# Which service must be trusted by a role that gets each policy.
_NEEDS_PRINCIPAL = {
    "AmazonECSTaskExecutionRolePolicy": "ecs-tasks.amazonaws.com",
    "AmazonEC2ContainerServiceforEC2Role": "ec2.amazonaws.com",
    "AmazonEKSFargatePodExecutionRolePolicy": "eks-fargate-pods.amazonaws.com",
}
_AWS_POLICY = re.compile(r"arn:aws:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)")


def _policy_name(arn: Any) -> str | None:
    match = _AWS_POLICY.fullmatch(arn) if isinstance(arn, str) else None
    return match.group("name") if match else None


@_att(
    "IAM010",
    summary="AWS managed ECS/ECR/EKS policy ARNs must include their real path (e.g. service-role/)",
    moto_enforces=True,
)
def managed_policy_path(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    arn = p.get("PolicyArn")
    name = _policy_name(arn)
    if name in MANAGED_POLICY_ARNS and arn != MANAGED_POLICY_ARNS[name]:
        yield Violation(
            "PolicyArn",
            f"There is no policy at {arn!r}. The AWS managed policy "
            f"{name} lives at {MANAGED_POLICY_ARNS[name]!r}.",
        )


@_att(
    "IAM011",
    summary="AmazonEC2ContainerServiceFullAccess is deprecated; use AmazonECS_FullAccess (advice)",
    severity=Severity.WARNING,
    error_code=None,
)
def deprecated_policy(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _policy_name(p.get("PolicyArn")) == "AmazonEC2ContainerServiceFullAccess":
        yield Violation(
            "PolicyArn",
            "AmazonEC2ContainerServiceFullAccess was deprecated in 2021. "
            "Use AmazonECS_FullAccess, or better a narrower policy.",
        )


@_att(
    "IAM012",
    summary="execution-role policy on a role trusted by ecs-tasks, instance-role policy "
    "on a role trusted by ec2 (advice)",
    needs={Fact.ROLE_TRUST_PRINCIPALS},
    severity=Severity.WARNING,
    error_code=None,
    source=sources.IAM_ROLES,
)
def policy_matches_trust(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.role_trust_principals is None:
        return
    name = _policy_name(p.get("PolicyArn"))
    wanted = _NEEDS_PRINCIPAL.get(name or "")
    trusted = lookup(ctx.role_trust_principals, p.get("RoleName"))
    if wanted is None or trusted is None or wanted in trusted:
        return
    yield Violation(
        "RoleName",
        f"{name} is meant for a role that {wanted} can assume, but "
        f"role {p.get('RoleName')!r} trusts "
        f"{', '.join(sorted(trusted)) or 'no service'}. Fix the role's "
        "trust policy or attach the policy to the right role.",
    )


RULES = (managed_policy_path, deprecated_policy, policy_matches_trust)
