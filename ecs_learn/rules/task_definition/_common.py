"""Helpers for task-definition rules: Fargate detection, containers, task size."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_list, dicts
from ecs_learn.rules.declare import rule
from ecs_learn.rules.units import UnitError, parse_cpu, parse_memory

__all__ = [
    "containers",
    "effective_network_mode",
    "is_fargate",
    "task_cpu",
    "task_memory",
    "td_rule",
]

td_rule = partial(
    rule, kind="task-definition", error_code="ClientException", source=sources.ECS_API_TASKDEF
)


def is_fargate(td: Mapping[str, Any]) -> bool:
    """True when ``requiresCompatibilities`` names FARGATE (even next to EC2)."""
    compat = as_list(td.get("requiresCompatibilities"))
    return compat is not None and "FARGATE" in compat


def effective_network_mode(td: Mapping[str, Any]) -> str | None:
    """The network mode the task gets: ``awsvpc`` on Fargate whatever the field says
    (Fargate has no other mode), else ``networkMode`` (``None`` when it is not a string)."""
    if is_fargate(td):
        return "awsvpc"
    mode = td.get("networkMode")
    return mode if isinstance(mode, str) else None


def containers(td: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    return dicts(td.get("containerDefinitions"))


def _task_amount(td: Mapping[str, Any], key: str) -> int | None:
    if td.get(key) is None:
        return None
    try:
        return parse_cpu(td[key]) if key == "cpu" else parse_memory(td[key])
    except UnitError:
        return None


def task_cpu(td: Mapping[str, Any]) -> int | None:
    """Task-level cpu in units, or ``None`` when absent or unreadable."""
    return _task_amount(td, "cpu")


def task_memory(td: Mapping[str, Any]) -> int | None:
    """Task-level memory in MiB, or ``None`` when absent or unreadable."""
    return _task_amount(td, "memory")
