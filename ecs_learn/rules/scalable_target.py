"""Rules for Application Auto Scaling RegisterScalableTarget kwargs (ECS services)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _aas, sources
from ecs_learn.rules._util import as_int
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Severity, Violation
from ecs_learn.rules.kinds import Fact

__all__ = ["RULES"]

_st = partial(
    rule, kind="scalable-target", error_code="ValidationException", source=sources.AAS_API
)


@_st(
    "AAS001",
    summary="ECS targets use ResourceId service/<cluster>/<service> and dimension "
    "ecs:service:DesiredCount",
    moto_enforces=True,
)
def resource_id(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _aas.resource_id_and_dimension(p)


@_st("AAS002", summary="MinCapacity and MaxCapacity are 0 or more, and MinCapacity <= MaxCapacity")
def min_max(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    low, high = as_int(p.get("MinCapacity")), as_int(p.get("MaxCapacity"))
    for key, value in (("MinCapacity", low), ("MaxCapacity", high)):
        if key in p and (value is None or value < 0):
            yield Violation(key, f"{key} {p[key]!r} must be a whole number, 0 or more.")
    if low is not None and high is not None and low >= 0 and high >= 0 and low > high:
        yield Violation(
            "MinCapacity",
            f"MinCapacity {low} is above MaxCapacity {high}. Swap them or raise MaxCapacity.",
        )


@_st(
    "AAS003",
    summary="MinCapacity 0 lets the service scale to no tasks (advice)",
    severity=Severity.WARNING,
    error_code=None,
)
def min_zero(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if _aas.is_ecs(p) and as_int(p.get("MinCapacity")) == 0:
        yield Violation(
            "MinCapacity",
            "MinCapacity 0 is allowed, but then scale-in can stop every "
            "task and nothing serves traffic. AWS recommends at least 1.",
        )


@_st(
    "AAS004",
    summary="registering a new target needs MinCapacity and MaxCapacity",
    needs={Fact.SCALABLE_TARGETS},
)
def first_registration(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if ctx.scalable_targets is None:
        return
    key = _aas.target_key(p)
    if key is None or key in ctx.scalable_targets:
        return
    missing = [k for k in ("MinCapacity", "MaxCapacity") if p.get(k) is None]
    if missing:
        yield Violation(
            "",
            f"This target is not registered yet, so give {' and '.join(missing)} "
            "when you register it.",
        )


RULES = (resource_id, min_max, min_zero, first_registration)
