"""Task size: task-level cpu/memory, the Fargate table, container memory and cpu."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecs_learn.rules import sources
from ecs_learn.rules._util import as_int, as_mapping, join
from ecs_learn.rules.fargate import WINDOWS_CPUS, fargate_memory_options
from ecs_learn.rules.finding import RuleContext, Violation
from ecs_learn.rules.task_definition._common import (
    containers,
    is_fargate,
    task_cpu,
    task_memory,
    td_rule,
)
from ecs_learn.rules.units import UnitError, parse_cpu, parse_memory

__all__ = ["RULES"]


def _is_windows(td: Mapping[str, Any]) -> bool:
    platform = as_mapping(td.get("runtimePlatform"))
    family = platform.get("operatingSystemFamily") if platform else None
    return isinstance(family, str) and family.startswith("WINDOWS")


@td_rule(
    "TD009", summary="Fargate needs task-level cpu and memory", source=sources.ECS_FARGATE_SIZE
)
def fargate_needs_size(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    for key in ("cpu", "memory"):
        if td.get(key) is None:
            yield Violation(
                "",
                f"Fargate needs '{key}' at the task level (not only in the "
                f"containers). Add a task-level '{key}', e.g. "
                f"{'256' if key == 'cpu' else '512'}.",
            )


@td_rule(
    "TD010",
    summary='task cpu/memory must be amounts ECS understands ("1024", "1 vCPU", '
    '"2 GB"); EC2 task cpu is 128-196608 units',
)
def size_values(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for key, parse in (("cpu", parse_cpu), ("memory", parse_memory)):
        if td.get(key) is None:
            continue
        try:
            amount = parse(td[key])
        except UnitError as exc:
            yield Violation(key, f"Task {exc}.")
            continue
        if key == "cpu" and not is_fargate(td) and not 128 <= amount <= 196608:
            yield Violation(
                "cpu", f"Task cpu {td['cpu']!r} is outside 128-196608 CPU units (0.125-192 vCPU)."
            )


@td_rule(
    "TD011",
    summary="Fargate cpu and memory must be one of the supported combinations",
    source=sources.ECS_FARGATE_SIZE,
)
def fargate_combination(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if not is_fargate(td):
        return
    cpu, memory = task_cpu(td), task_memory(td)
    if cpu is None or memory is None:
        return
    if _is_windows(td) and cpu not in WINDOWS_CPUS:
        yield Violation("cpu", f"Windows tasks on Fargate take cpu 1024, 2048 or 4096, not {cpu}.")
        return
    options = fargate_memory_options(cpu, allow_32_vcpu=ctx.allow_32_vcpu)
    if not options:
        yield Violation(
            "cpu",
            f"Fargate has no task size with cpu {td['cpu']!r} ({cpu} units). "
            "Use 256, 512, 1024, 2048, 4096, 8192 or 16384.",
        )
    elif memory not in options:
        shown = (
            ", ".join(str(m) for m in options)
            if len(options) <= 8
            else (f"{options[0]} to {options[-1]} in steps of {options[1] - options[0]}")
        )
        yield Violation(
            "memory",
            f"Fargate has no task size with cpu {cpu} and memory {memory} MiB. "
            f"With cpu {cpu}, memory must be one of: {shown} (MiB).",
        )


@td_rule(
    "TD014",
    summary="without task memory, every container needs memory or memoryReservation",
    moto_enforces=True,
)
def container_memory_needed(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    if td.get("memory") is not None:
        return
    for i, c in containers(td):
        if not c.get("memory") and not c.get("memoryReservation"):
            yield Violation(
                join("containerDefinitions", i),
                f"Container {i} sets neither 'memory' nor 'memoryReservation', and the "
                "task has no memory either. Set task-level memory or give the "
                "container a memory value.",
            )


@td_rule("TD015", summary="container memory must be at least its memoryReservation")
def memory_over_reservation(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for i, c in containers(td):
        hard, soft = as_int(c.get("memory")), as_int(c.get("memoryReservation"))
        if hard is not None and soft is not None and soft > hard:
            yield Violation(
                join("containerDefinitions", i, "memoryReservation"),
                f"Container {i} reserves {soft} MiB but its hard limit 'memory' is "
                f"{hard} MiB. The reservation must not exceed the limit.",
            )


@td_rule("TD016", summary="container memory (and the sum of reservations) must fit in task memory")
def container_memory_fits(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    limit = task_memory(td)
    if limit is None:
        return
    reserved = 0
    for i, c in containers(td):
        hard = as_int(c.get("memory"))
        if hard is not None and hard > limit:
            yield Violation(
                join("containerDefinitions", i, "memory"),
                f"Container {i} asks for {hard} MiB but the whole task has {limit} MiB. "
                "Lower the container's memory or raise the task's.",
            )
        soft = as_int(c.get("memoryReservation"))
        reserved += soft if soft is not None else 0
    if reserved > limit:
        yield Violation(
            "containerDefinitions",
            f"The containers reserve {reserved} MiB in total, more than the task's "
            f"{limit} MiB. Lower the memoryReservation values.",
        )


@td_rule("TD017", summary="the sum of container cpu must not exceed task cpu")
def container_cpu_fits(td: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    limit = task_cpu(td)
    if limit is None:
        return
    total = sum(as_int(c.get("cpu")) or 0 for _, c in containers(td))
    if total > limit:
        yield Violation(
            "containerDefinitions",
            f"The containers' cpu values add up to {total} units, more than the task's "
            f"{limit}. Lower them or raise the task cpu.",
        )


RULES = (
    fargate_needs_size,
    size_values,
    fargate_combination,
    container_memory_needed,
    memory_over_reservation,
    container_memory_fits,
    container_cpu_fits,
)
