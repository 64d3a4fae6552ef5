"""Capacity providers: how a strategy splits tasks, and how managed scaling sizes an ASG.

Pure functions first, then one thin step that reads and writes the account through the
APIs (describe_capacity_providers, describe_auto_scaling_groups, set_desired_capacity).

Sources (Amazon ECS Developer Guide unless noted):

* Strategy split — "Amazon ECS clusters capacity providers" (cluster-capacity-providers.html)
  and "Fargate capacity providers": ``base`` tasks go first to the provider that has one
  (only one may); the rest are shared in proportion to ``weight`` ("a weight of 1 for
  capacityProviderA and 4 for capacityProviderB: for every task on A, four on B");
  providers with weight 0 get none; a strategy of several providers that all weigh 0
  fails. The API default weight is 0 (one provider alone then takes every task). Whole
  tasks are handed out one at a time to the provider furthest below its share, ties to the
  one listed first, so the split is deterministic.
* Managed scaling — "Automatically manage Amazon ECS capacity with cluster auto scaling"
  (cluster-auto-scaling.html) and the AWS Containers blog "Deep Dive on Amazon ECS Cluster
  Auto Scaling" (aws.amazon.com/blogs/containers/deep-dive-on-amazon-ecs-cluster-auto-scaling/):
  ``CapacityProviderReservation = M / N x 100`` where N is the instances running in the
  group and M the instances needed (those running at least one task, plus those a binpack
  of the provisioning tasks needs); M = N = 0 gives 100, M > 0 with N = 0 gives 200. A
  target tracking policy keeps the metric at ``targetCapacity``: the group is sized to
  ``ceil(M x 100 / targetCapacity)``; a scale-out adds at least ``minimumScalingStepSize``
  and at most ``maximumScalingStepSize`` instances (API ManagedScaling: defaults 1 and
  10000, ``targetCapacity`` 100, ``instanceWarmupPeriod`` 300 s); scale-in is not bounded by
  the step sizes; the result stays within the group's MinSize/MaxSize.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_learn.runtime.iam_eval import ClientSource
from ecs_learn.runtime.placement import Demand, Host, place

__all__ = [
    "FARGATE_PROVIDERS",
    "ManagedScaling",
    "ScalingDecision",
    "StrategyError",
    "apply",
    "assign",
    "capacity_provider_reservation",
    "desired_capacity",
    "instances_needed",
    "split",
]

FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


class StrategyError(ValueError):
    """A capacity provider strategy ECS would refuse."""


@dataclass(frozen=True)
class _Item:
    name: str
    base: int
    weight: int


def _items(strategy: Sequence[Mapping[str, Any]]) -> list[_Item]:
    items = [
        _Item(str(s["capacityProvider"]), int(s.get("base") or 0), int(s.get("weight") or 0))
        for s in strategy
    ]
    if not items:
        raise StrategyError("the capacity provider strategy is empty")
    if sum(1 for i in items if i.base) > 1:
        raise StrategyError("only one capacity provider in a strategy can have a base defined")
    if len(items) > 1 and not any(i.weight for i in items):
        raise StrategyError(
            "at least one capacity provider in the strategy must have a weight greater than zero"
        )
    return items


def assign(
    strategy: Sequence[Mapping[str, Any]], count: int, running: Mapping[str, int] | None = None
) -> dict[str, int]:
    """How many of ``count`` new tasks go to each provider, given the tasks already ``running``.

    ``strategy`` is the API's list of ``{capacityProvider, base, weight}``; the answer has
    every provider of the strategy as a key (0 when it gets none).
    """
    items = _items(strategy)
    have = {i.name: int((running or {}).get(i.name, 0)) for i in items}
    added = {i.name: 0 for i in items}
    weighted = [i for i in items if i.weight] or items[:1]
    for _ in range(count):
        below_base = next((i for i in items if have[i.name] < i.base), None)
        if below_base is not None:
            chosen = below_base
        else:
            chosen = min(
                weighted,
                key=lambda i: max(have[i.name] - i.base, 0) / max(i.weight, 1),
            )
        have[chosen.name] += 1
        added[chosen.name] += 1
    return added


def split(strategy: Sequence[Mapping[str, Any]], count: int) -> dict[str, int]:
    """How ``count`` tasks (none running yet) are shared among the strategy's providers."""
    return assign(strategy, count)


# -- managed scaling ------------------------------------------------------------------------
@dataclass(frozen=True)
class ManagedScaling:
    """A capacity provider's ``managedScaling`` settings, with the API's defaults."""

    status: str = "ENABLED"
    target_capacity: int = 100
    minimum_scaling_step_size: int = 1
    maximum_scaling_step_size: int = 10000
    instance_warmup_period: int = 300

    @classmethod
    def from_api(cls, managed: Mapping[str, Any]) -> ManagedScaling:
        return cls(
            status=str(managed.get("status", "ENABLED")),
            target_capacity=int(managed.get("targetCapacity") or 100),
            minimum_scaling_step_size=int(managed.get("minimumScalingStepSize") or 1),
            maximum_scaling_step_size=int(managed.get("maximumScalingStepSize") or 10000),
            instance_warmup_period=int(managed.get("instanceWarmupPeriod", 300)),
        )


@dataclass(frozen=True)
class ScalingDecision:
    """The metric ECS would publish and the group's desired capacity it leads to."""

    reservation: float
    current: int
    desired: int
    reason: str

    @property
    def changes(self) -> bool:
        return self.desired != self.current


def capacity_provider_reservation(needed: int, running: int) -> float:
    """``CapacityProviderReservation`` for M = ``needed`` and N = ``running`` instances."""
    if running == 0:
        return 100.0 if needed == 0 else 200.0
    return needed / running * 100.0


def desired_capacity(
    needed: int,
    running: int,
    scaling: ManagedScaling,
    min_size: int = 0,
    max_size: int = 10000,
) -> ScalingDecision:
    """The Auto Scaling group's next desired capacity under managed scaling."""
    reservation = capacity_provider_reservation(needed, running)
    target = max(scaling.target_capacity, 1)
    sized = math.ceil(needed * 100 / target)
    if reservation > target:
        step = sized - running
        step = max(scaling.minimum_scaling_step_size, min(scaling.maximum_scaling_step_size, step))
        desired, why = running + step, f"reservation {reservation:g}% > target {target}%"
    elif reservation < target:
        desired, why = sized, f"reservation {reservation:g}% < target {target}%"
    else:
        desired, why = running, f"reservation {reservation:g}% = target {target}%"
    bounded = min(max(desired, min_size), max_size)
    if bounded != desired:
        why += f"; held within the group's size {min_size}..{max_size}"
    return ScalingDecision(reservation, running, bounded, why)


def instances_needed(busy: int, provisioning: Sequence[Demand], instance: Host) -> int:
    """M: the ``busy`` instances plus the new ones a binpack of ``provisioning`` needs.

    ``instance`` is an empty instance of the group's type (as it would register). Tasks
    that do not fit even an empty one are left out, as AWS does ("not compatible").
    """
    fresh: list[Host] = []
    for n, demand in enumerate(provisioning):
        placement = place(demand, fresh, [{"type": "binpack", "field": "memory"}])
        if placement.host is None:
            empty = Host(
                arn=f"{instance.arn}/{n}",
                instance_id=f"{instance.instance_id}-{n}",
                availability_zone=instance.availability_zone,
                instance_type=instance.instance_type,
                cpu=instance.cpu,
                memory=instance.memory,
                ports=instance.ports,
                attributes=instance.attributes,
            )
            if place(demand, [empty], ()).host is None:
                continue  # bigger than the instance type: not counted
            fresh.append(empty.with_task(demand))
        else:
            index = next(i for i, h in enumerate(fresh) if h.arn == placement.host.arn)
            fresh[index] = placement.host.with_task(demand)
    return busy + len(fresh)


def apply(clients: ClientSource, group_name: str, decision: ScalingDecision) -> bool:
    """Set the group's desired capacity when the decision changes it; True if it did.

    moto's Auto Scaling launches (or terminates) EC2 instances from the group's launch
    template, user data included, so the agent's next ``sync`` registers them.
    """
    if not decision.changes:
        return False
    from ecs_learn.sandbox import botocore_layer

    with botocore_layer.internal():
        clients.client("autoscaling").set_desired_capacity(
            AutoScalingGroupName=group_name, DesiredCapacity=decision.desired, HonorCooldown=False
        )
    return True
