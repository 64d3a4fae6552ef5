"""Rules for RunTask kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _ecs, sources
from ecs_learn.rules._util import as_int
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["RULES"]

_run = partial(
    rule, kind="run-task", error_code="InvalidParameterException", source=sources.ECS_API_RUN_TASK
)


@_run("RUN001", summary="count must be 1-10")
def task_count(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "count" in p:
        count = as_int(p["count"])
        if count is None or not 1 <= count <= 10:
            yield Violation(
                "count",
                f"RunTask starts 1 to 10 tasks per call, not {p['count']!r}. "
                "For more, call it again or use a service.",
            )


@_run(
    "RUN002",
    summary="launchType and capacityProviderStrategy are mutually exclusive",
    moto_enforces=True,
)
def launch_type_or_strategy(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.launch_type_xor_strategy(p)


@_run(
    "RUN003",
    summary="an awsvpc task definition needs networkConfiguration",
    needs={Fact.TASK_DEFINITION},
    moto_enforces=True,
)
def network_configuration_required(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.network_config_required(p, ctx)


@_run(
    "RUN004",
    summary="a non-awsvpc task definition must not get a networkConfiguration",
    needs={Fact.TASK_DEFINITION},
)
def network_configuration_allowed(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.network_config_allowed(p, ctx)


@_run(
    "RUN005",
    summary="FARGATE tasks need a task definition compatible with Fargate (as SVC006)",
    needs={Fact.TASK_DEFINITION},
)
def fargate_compatible(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.fargate_compatible(p, ctx)


@_run(
    "RUN006",
    summary="assignPublicIp is ENABLED or DISABLED, and ENABLED only off the EC2 launch type",
)
def assign_public_ip(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.assign_public_ip(p)


@_run("RUN007", summary="awsvpcConfiguration takes 1-16 subnets and at most 5 security groups")
def awsvpc_limits(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _ecs.awsvpc_limits(p)


RULES = (
    task_count,
    launch_type_or_strategy,
    network_configuration_required,
    network_configuration_allowed,
    fargate_compatible,
    assign_public_ip,
    awsvpc_limits,
)
