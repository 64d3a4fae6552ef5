"""Placing tasks: resources, then constraints, then strategies (task-placement.html)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ecs_learn.runtime.placement.model import (
    _ORDER,
    SERVICE_DEFAULT_STRATEGY,
    Demand,
    Host,
    Placement,
    Reason,
)
from ecs_learn.runtime.placement.query import QueryError, matches_expression


def _first_failure(
    host: Host, demand: Demand, constraints: Sequence[Mapping[str, Any]]
) -> Reason | None:
    if not host.agent_connected:
        return Reason.AGENT
    if demand.cpu > host.cpu:
        return Reason.CPU
    if demand.memory > host.memory:
        return Reason.MEMORY
    clash = demand.ports & host.ports
    if clash:
        return Reason.PORTS if any(p == "tcp" for _, p in clash) else Reason.PORTS_UDP
    for constraint in constraints:
        kind = str(constraint.get("type", ""))
        if kind == "distinctInstance" and demand.group in host.groups:
            return Reason.DISTINCT_INSTANCE
        if kind == "memberOf" and not matches_expression(host, str(constraint["expression"])):
            return Reason.MEMBER_OF
    return None


def _spread_value(host: Host, field_name: str) -> str | None:
    if field_name in ("instanceId", "host"):
        return host.instance_id
    if field_name.startswith("attribute:"):
        return host.attribute(field_name.split(":", 1)[1])
    raise QueryError(f"spread does not know the field {field_name!r}")


def _narrow(
    candidates: list[Host],
    everyone: Sequence[Host],
    demand: Demand,
    step: Mapping[str, Any],
    rng: random.Random,
) -> list[Host]:
    kind = str(step.get("type", "")).lower()
    field_name = str(step.get("field", ""))
    if kind == "random":
        return [rng.choice(candidates)]
    if kind == "binpack":
        key: Callable[[Host], int] = (
            (lambda h: h.cpu) if field_name.lower() == "cpu" else (lambda h: h.memory)
        )
        least = min(key(h) for h in candidates)
        return [h for h in candidates if key(h) == least]
    if kind == "spread":
        field_name = field_name or "attribute:ecs.availability-zone"
        counts: Counter[str | None] = Counter()
        for host in everyone:
            value = _spread_value(host, field_name)
            counts[value] += host.groups.count(demand.group)
        fewest = min(counts[_spread_value(h, field_name)] for h in candidates)
        return [h for h in candidates if counts[_spread_value(h, field_name)] == fewest]
    raise QueryError(f"unknown placement strategy type {kind!r}")


def place(
    demand: Demand,
    hosts: Sequence[Host],
    strategy: Sequence[Mapping[str, Any]] = SERVICE_DEFAULT_STRATEGY,
    constraints: Sequence[Mapping[str, Any]] = (),
    rng: random.Random | None = None,
) -> Placement:
    """Place one task of ``demand`` on one of ``hosts`` (ACTIVE ones only)."""
    rng = rng or random.Random(0)
    active = [h for h in hosts if h.status == "ACTIVE"]
    if not active:
        return Placement(None, Reason.NO_INSTANCES)
    fitting: list[Host] = []
    closest: tuple[int, Host, Reason] | None = None
    for host in active:
        failure = _first_failure(host, demand, constraints)
        if failure is None:
            fitting.append(host)
        else:
            rank = _ORDER.index(failure)
            if closest is None or rank > closest[0]:
                closest = (rank, host, failure)
    if not fitting:
        assert closest is not None
        return Placement(None, closest[2], closest[1])
    candidates = fitting
    for step in strategy:
        if len(candidates) == 1:
            break
        candidates = _narrow(candidates, hosts, demand, step, rng)
    chosen = candidates[0] if len(candidates) == 1 else rng.choice(candidates)
    return Placement(chosen)


def place_many(
    demand: Demand,
    hosts: Iterable[Host],
    count: int,
    strategy: Sequence[Mapping[str, Any]] = SERVICE_DEFAULT_STRATEGY,
    constraints: Sequence[Mapping[str, Any]] = (),
    rng: random.Random | None = None,
) -> list[Placement]:
    """Place ``count`` tasks one by one; each placement uses up what it takes on its host."""
    rng = rng or random.Random(0)
    current = list(hosts)
    placements: list[Placement] = []
    for _ in range(count):
        placement = place(demand, current, strategy, constraints, rng)
        placements.append(placement)
        if placement.host is not None:
            index = next(i for i, h in enumerate(current) if h.arn == placement.host.arn)
            current[index] = placement.host.with_task(demand)
    return placements
