"""The AWS realism layer: rules over the dicts boto3 sends, giving findings.

>>> from ecs_learn.rules import check
>>> [f.rule_id for f in check("task-definition", {"family": "web", "containerDefinitions": []})]
['TD002']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_learn.rules import (
    cluster,
    ecr_lifecycle_policy,
    ecr_repository,
    efs_file_system,
    efs_mount_target,
    eks_fargate_profile,
    eks_nodegroup,
    elbv2_listener,
    elbv2_load_balancer,
    elbv2_target_group,
    iam_attach_policy,
    iam_role,
    run_task,
    scalable_target,
    scaling_policy,
    scheduled_action,
    service,
    task_definition,
)
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import Finding, Rule, RuleContext, Severity, Violation
from ecs_learn.rules.kinds import KINDS, Fact, Kind

__all__ = [
    "ALL_RULES",
    "KINDS",
    "Fact",
    "Finding",
    "Kind",
    "Rule",
    "RuleContext",
    "Severity",
    "Violation",
    "check",
    "facts_needed",
    "get_rule",
    "rule",
    "rules_for",
]

ALL_RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *task_definition.RULES,
            *service.RULES,
            *run_task.RULES,
            *cluster.RULES,
            *ecr_repository.RULES,
            *ecr_lifecycle_policy.RULES,
            *efs_file_system.RULES,
            *efs_mount_target.RULES,
            *elbv2_load_balancer.RULES,
            *elbv2_listener.RULES,
            *elbv2_target_group.RULES,
            *scalable_target.RULES,
            *scaling_policy.RULES,
            *scheduled_action.RULES,
            *iam_role.RULES,
            *iam_attach_policy.RULES,
            *eks_fargate_profile.RULES,
            *eks_nodegroup.RULES,
        ),
        key=lambda r: (KINDS.index(r.kind), r.id),
    )
)

_BY_ID = {r.id: r for r in ALL_RULES}
_BY_KIND = {k: tuple(r for r in ALL_RULES if r.kind is k) for k in KINDS}
if len(_BY_ID) != len(ALL_RULES):  # pragma: no cover - caught by the test suite
    raise RuntimeError("two rules share an id")


def rules_for(kind: Kind | str) -> tuple[Rule, ...]:
    """The rules for one kind of payload (``"task-definition"``, ``"service"``...)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _BY_KIND[Kind(kind)]


def facts_needed(kind: Kind | str) -> frozenset[Fact]:
    """The account facts the rules of ``kind`` read (what a caller should fetch)."""
    return frozenset(f for r in rules_for(kind) for f in r.needs)


def get_rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` if there is none."""
    return _BY_ID[rule_id]


def check(
    kind: Kind | str, payload: Mapping[str, Any], context: RuleContext | None = None
) -> list[Finding]:
    """Run every rule of ``kind`` over ``payload``; findings sorted by rule id, then path."""
    if not isinstance(payload, Mapping):
        raise TypeError(
            f"a {kind} payload must be a JSON object (a dict), not {type(payload).__name__}"
        )
    ctx = context if context is not None else RuleContext()
    findings = [f for r in rules_for(kind) for f in r(payload, ctx)]
    return sorted(findings, key=lambda f: (f.rule_id, f.path, f.message))
