"""Rules for Application Auto Scaling PutScheduledAction kwargs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import _aas, sources
from ecs_learn.rules._util import as_int, as_mapping, join
from ecs_learn.rules.declare import rule
from ecs_learn.rules.finding import RuleContext, Violation

__all__ = ["RULES", "schedule_problem"]

_sa = partial(
    rule, kind="scheduled-action", error_code="ValidationException", source=sources.AAS_SCHEDULE
)

_AT = re.compile(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)")
_RATE = re.compile(r"rate\((?P<n>\d+) (?P<unit>minutes?|hours?|days?)\)")
_CRON = re.compile(r"cron\((?P<body>[^()]*)\)")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?,/#L W-]+")


def schedule_problem(expression: object) -> str | None:
    """Why ``expression`` is not an at()/rate()/cron() schedule, or ``None`` if it is one."""
    if not isinstance(expression, str):
        return "the schedule must be a string"
    if _AT.fullmatch(expression):
        return None
    rate = _RATE.fullmatch(expression)
    if rate:
        n = int(rate.group("n"))
        if n < 1:
            return "a rate must be at least 1"
        if (n == 1) != (not rate.group("unit").endswith("s")):
            return (
                "use the singular unit for 1 (rate(1 hour)) and the plural otherwise "
                "(rate(5 hours))"
            )
        return None
    cron = _CRON.fullmatch(expression)
    if cron:
        fields = cron.group("body").split()
        if len(fields) != 6:
            return (
                f"a cron expression has 6 fields (minutes hours day-of-month month day-of-week "
                f"year), this one has {len(fields)}"
            )
        if not all(_CRON_FIELD.fullmatch(f) for f in fields):
            return "a cron field holds characters cron does not use"
        if "?" not in (fields[2], fields[4]):
            return "one of day-of-month and day-of-week must be '?'"
        return None
    return "use at(yyyy-mm-ddThh:mm:ss), rate(N minutes|hours|days) or cron(6 fields)"


@_sa(
    "AAS020", summary="Schedule is at(yyyy-mm-ddThh:mm:ss), rate(N unit) or cron() with six fields"
)
def schedule(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if "Schedule" not in p:
        return
    problem = schedule_problem(p["Schedule"])
    if problem:
        yield Violation("Schedule", f"Schedule {p['Schedule']!r} is not valid: {problem}.")


@_sa("AAS021", summary="ScheduledActionName is 1-256 characters without ':', '/' or '|'")
def action_name(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    name = p.get("ScheduledActionName")
    if "ScheduledActionName" in p and (
        not isinstance(name, str) or not 1 <= len(name) <= 256 or any(ch in name for ch in ":/|")
    ):
        yield Violation(
            "ScheduledActionName",
            f"Scheduled action name {name!r} must be 1-256 "
            "characters and must not contain ':', '/' or '|'.",
        )


@_sa("AAS022", summary="ScalableTargetAction MinCapacity <= MaxCapacity, both 0 or more")
def target_action(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    action = as_mapping(p.get("ScalableTargetAction"))
    if action is None:
        return
    low, high = as_int(action.get("MinCapacity")), as_int(action.get("MaxCapacity"))
    for key, value in (("MinCapacity", low), ("MaxCapacity", high)):
        if key in action and (value is None or value < 0):
            yield Violation(join("ScalableTargetAction", key), f"{key} must be 0 or more.")
    if low is not None and high is not None and 0 <= high < low:
        yield Violation(
            join("ScalableTargetAction", "MinCapacity"),
            f"MinCapacity {low} is above MaxCapacity {high}.",
        )


@_sa(
    "AAS023",
    summary="ECS scheduled actions use ResourceId service/<cluster>/<service> and "
    "dimension ecs:service:DesiredCount",
)
def resource_id(p: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    yield from _aas.resource_id_and_dimension(p)


RULES = (schedule, action_name, target_action, resource_id)
