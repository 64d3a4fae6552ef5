"""Capacity provider strategies and managed scaling, pure, with the examples AWS gives."""

from __future__ import annotations

import pytest

from ecs_learn.runtime.capacity import (
    ManagedScaling,
    StrategyError,
    assign,
    capacity_provider_reservation,
    desired_capacity,
    instances_needed,
    split,
)
from ecs_learn.runtime.placement import Demand, Host

FARGATE_BASE = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]


def test_base_first_then_weights_fargate_and_spot() -> None:
    assert split(FARGATE_BASE, 9) == {"FARGATE": 3, "FARGATE_SPOT": 6}
    assert split(FARGATE_BASE, 1) == {"FARGATE": 1, "FARGATE_SPOT": 0}


def test_weights_one_to_four_as_in_the_aws_guide() -> None:
    strategy = [{"capacityProvider": "A", "weight": 1}, {"capacityProvider": "B", "weight": 4}]
    assert split(strategy, 5) == {"A": 1, "B": 4}
    assert split(strategy, 10) == {"A": 2, "B": 8}
    even = [{"capacityProvider": "A", "weight": 1}, {"capacityProvider": "B", "weight": 1}]
    assert split(even, 4) == {"A": 2, "B": 2}
    assert split(even, 3) == {"A": 2, "B": 1}  # ties go to the provider listed first


def test_weight_zero_gets_nothing_and_a_lone_provider_takes_all() -> None:
    strategy = [{"capacityProvider": "A", "weight": 0}, {"capacityProvider": "B", "weight": 2}]
    assert split(strategy, 4) == {"A": 0, "B": 4}
    assert split([{"capacityProvider": "FARGATE"}], 3) == {"FARGATE": 3}


def test_strategies_ecs_refuses() -> None:
    with pytest.raises(StrategyError):
        split([{"capacityProvider": "A"}, {"capacityProvider": "B"}], 2)
    with pytest.raises(StrategyError):
        split(
            [
                {"capacityProvider": "A", "base": 1, "weight": 1},
                {"capacityProvider": "B", "base": 1, "weight": 1},
            ],
            2,
        )


def test_scaling_a_service_up_accounts_for_running_tasks() -> None:
    # 3 running (1 base + 2) and 3 more: keeps the 1:3 share of what is above base
    assert assign(FARGATE_BASE, 6, {"FARGATE": 3, "FARGATE_SPOT": 0}) == {
        "FARGATE": 0,
        "FARGATE_SPOT": 6,
    }
    assert split(FARGATE_BASE, 9) == {
        k: v + w for (k, v), w in zip(split(FARGATE_BASE, 5).items(), [1, 3], strict=True)
    }


def test_reservation_formula_and_its_special_cases() -> None:
    assert capacity_provider_reservation(0, 0) == 100
    assert capacity_provider_reservation(2, 0) == 200
    assert capacity_provider_reservation(3, 2) == 150
    assert capacity_provider_reservation(0, 4) == 0
    assert capacity_provider_reservation(4, 4) == 100


def test_managed_scaling_decisions() -> None:
    default = ManagedScaling()
    assert desired_capacity(0, 0, default).desired == 0  # nothing to do
    from_zero = desired_capacity(2, 0, default, max_size=5)
    assert (from_zero.reservation, from_zero.desired) == (200, 2)
    assert desired_capacity(3, 2, default).desired == 3
    assert desired_capacity(4, 4, default).changes is False
    # target 90%: keep 10% spare, so 9 busy instances need 10
    assert desired_capacity(9, 9, ManagedScaling(target_capacity=90)).desired == 10
    # step sizes bound a scale-out
    assert desired_capacity(5, 1, ManagedScaling(maximum_scaling_step_size=1)).desired == 2
    assert desired_capacity(2, 1, ManagedScaling(minimum_scaling_step_size=3)).desired == 4
    # scale-in is not bounded by the steps, only by the group's size
    assert desired_capacity(1, 4, default).desired == 1
    assert desired_capacity(1, 4, default, min_size=2).desired == 2
    assert desired_capacity(6, 2, default, max_size=4).desired == 4
    assert (
        ManagedScaling.from_api({"status": "ENABLED", "targetCapacity": 75}).target_capacity == 75
    )


def test_instances_needed_binpacks_the_provisioning_tasks() -> None:
    template = Host(arn="template", instance_id="i-new", cpu=2048, memory=3800)
    task = Demand(cpu=512, memory=1024, group="service:web")
    assert instances_needed(0, [task] * 3, template) == 1  # 3 x 1024 fit one instance
    assert instances_needed(2, [task] * 4, template) == 4  # 2 busy + 2 new
    too_big = Demand(cpu=512, memory=8000)
    assert instances_needed(1, [too_big], template) == 1  # not compatible: left out
    port80 = Demand(memory=128, ports=frozenset({(80, "tcp")}))
    assert instances_needed(0, [port80] * 3, template) == 3
