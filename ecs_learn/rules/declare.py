"""The ``@rule`` decorator that turns a generator of violations into a :class:`Rule`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ecs_learn.rules.finding import Rule, RuleContext, Severity, Violation

__all__ = ["KINDS", "RuleFunc", "rule"]

RuleFunc = Callable[[Mapping[str, Any], RuleContext], Iterable[Violation]]

KINDS: tuple[str, ...] = (
    "task-definition",
    "service",
    "run-task",
    "cluster",
    "ecr-repository",
    "ecr-lifecycle-policy",
    "efs-file-system",
    "efs-mount-target",
    "elbv2-load-balancer",
    "elbv2-listener",
    "elbv2-target-group",
    "scalable-target",
    "scaling-policy",
    "scheduled-action",
    "iam-role",
    "iam-attach-policy",
    "eks-fargate-profile",
    "eks-nodegroup",
)

_ID = re.compile(r"[A-Z]{2,4}\d{3}")


def rule(
    rule_id: str,
    kind: str,
    summary: str,
    *,
    source: str,
    error_code: str | None,
    severity: Severity = Severity.ERROR,
    moto_enforces: bool = False,
) -> Callable[[RuleFunc], Rule]:
    """Declare a realism rule.

    The decorated function takes ``(payload, context)`` and yields
    :class:`Violation` objects; the decorator returns the :class:`Rule`.
    """
    if not _ID.fullmatch(rule_id):
        raise ValueError(f"rule id {rule_id!r} must look like TD001")
    if kind not in KINDS:
        raise ValueError(f"unknown rule kind {kind!r}")

    def wrap(func: RuleFunc) -> Rule:
        return Rule(
            id=rule_id,
            kind=kind,
            summary=summary,
            source=source,
            func=func,
            severity=severity,
            error_code=error_code,
            moto_enforces=moto_enforces,
        )

    return wrap
