"""Rules for task definitions (RegisterTaskDefinition input or DescribeTaskDefinition output)."""

from __future__ import annotations

from ecs_learn.rules.finding import Rule
from ecs_learn.rules.task_definition import (
    containers,
    fargate_params,
    network,
    roles,
    size,
    structure,
    volumes,
)

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
    *structure.RULES,
    *size.RULES,
    *network.RULES,
    *roles.RULES,
    *fargate_params.RULES,
    *volumes.RULES,
    *containers.RULES,
)
