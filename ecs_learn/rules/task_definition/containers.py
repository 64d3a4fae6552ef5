"""Container settings with ranges or fixed forms: health checks, start and stop timeouts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int, as_list, as_mapping, join
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import containers, is_fargate, td_rule

__all__ = ["RULES"]

# HealthCheck member -> (low, high) seconds or retries, from the API reference
HEALTH_CHECK_RANGES: dict[str, tuple[int, int]] = {
    "interval": (5, 300),
    "timeout": (2, 60),
    "retries": (1, 10),
    "startPeriod": (0, 300),
}
FARGATE_TIMEOUT = (2, 120)


@td_rule(
    "TD036",
    summary="healthCheck: interval 5-300 s, timeout 2-60 s, retries 1-10, startPeriod 0-300 s",
    source=sources.ECS_API_CONTAINER,
)
def health_check_ranges(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        check = as_mapping(c.get("healthCheck"))
        if check is None:
            continue
        for key, (low, high) in HEALTH_CHECK_RANGES.items():
            if key not in check:
                continue
            value = as_int(check[key])
            if value is None or not low <= value <= high:
                yield Violation(
                    join("containerDefinitions", i, "healthCheck", key),
                    f"healthCheck.{key} {check[key]!r} is out of range: use {low} to {high}.",
                )


@td_rule(
    "TD037",
    summary="healthCheck.command must start with CMD or CMD-SHELL",
    source=sources.ECS_API_CONTAINER,
)
def health_check_command(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        check = as_mapping(c.get("healthCheck"))
        if check is None or "command" not in check:
            continue
        command = as_list(check["command"])
        if not command or command[0] not in ("CMD", "CMD-SHELL"):
            yield Violation(
                join("containerDefinitions", i, "healthCheck", "command"),
                'A health check command is a list that starts with "CMD" (run the '
                'arguments directly) or "CMD-SHELL" (run them in a shell), e.g. '
                '["CMD-SHELL", "curl -f http://localhost/ || exit 1"].',
            )


@td_rule(
    "TD038",
    summary="on Fargate, startTimeout and stopTimeout are 2-120 seconds",
    source=sources.ECS_API_CONTAINER,
)
def fargate_timeouts(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    low, high = FARGATE_TIMEOUT
    for i, c in containers(td):
        for key in ("startTimeout", "stopTimeout"):
            if key not in c:
                continue
            value = as_int(c[key])
            if value is None or not low <= value <= high:
                yield Violation(
                    join("containerDefinitions", i, key),
                    f"On Fargate, {key} must be {low} to {high} seconds, not {c[key]!r}.",
                )


RULES = (health_check_ranges, health_check_command, fargate_timeouts)
