"""Rules for ELBv2 CreateTargetGroup kwargs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int
from ecs_learn.rules.declare import rule
from ecs_learn.rules.elbv2_load_balancer import ELB_NAME
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES"]

_tg = partial(
    rule, kind="elbv2-target-group", error_code="ValidationError", source=sources.ELBV2_API
)


@_tg(
    "ELB020",
    summary="target group names: 1-32 letters, digits or hyphens, no hyphen at either end",
    moto_enforces=True,
)
def tg_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("Name")
    if "Name" in p and (not isinstance(name, str) or not ELB_NAME.fullmatch(name)):
        yield Violation(
            "Name",
            f"Target group name {name!r} is not valid. Use 1 to 32 letters, "
            "digits or hyphens, not starting or ending with a hyphen.",
        )


@_tg(
    "ELB021",
    summary="TargetType is instance, ip, lambda or alb; non-lambda groups need Protocol "
    "and Port (moto checks VpcId itself)",
)
def target_type(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    kind = p.get("TargetType", "instance")
    if kind not in ("instance", "ip", "lambda", "alb"):
        yield Violation(
            "TargetType",
            f"{kind!r} is not a target type. ECS services on awsvpc use "
            "'ip'; bridge/host services use 'instance'.",
        )
        return
    if kind == "lambda":
        return
    for key in ("Protocol", "Port"):
        if p.get(key) is None:
            yield Violation("", f"A target group of type {kind!r} needs {key}.")


@_tg("ELB022", summary="health check timeout must be shorter than the interval", moto_enforces=True)
def health_check_timing(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    timeout = as_int(p.get("HealthCheckTimeoutSeconds"))
    interval = as_int(p.get("HealthCheckIntervalSeconds"))
    if timeout is not None and interval is not None and timeout >= interval:
        yield Violation(
            "HealthCheckTimeoutSeconds",
            f"The health check timeout ({timeout}s) must be less than the interval ({interval}s).",
        )


RULES = (tg_name, target_type, health_check_timing)
