"""Step scaling as Application Auto Scaling documents it (see policies.py for sources)."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_learn.runtime.scaling import simulate
from ecs_learn.runtime.scaling.policies import StepAdjustment, StepScaling, percent_change
from tests.runtime.scaling.conftest import PLAIN, START, TARGET, steps


def step_policy(adjustment_type: str = "ChangeInCapacity", **config: Any) -> dict[str, Any]:
    return {
        "PolicyName": "cpu-steps",
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {
            "AdjustmentType": adjustment_type,
            "StepAdjustments": [
                {
                    "MetricIntervalLowerBound": 0,
                    "MetricIntervalUpperBound": 20,
                    "ScalingAdjustment": 2,
                },
                {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3},
            ],
            **config,
        },
    }


def high_cpu_alarm(threshold: float = 60.0, periods: int = 1) -> dict[str, Any]:
    return {
        "AlarmName": "web-cpu-high",
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": periods,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "AlarmActions": ["cpu-steps"],
    }


def test_bounds_are_offsets_from_the_threshold_lower_inclusive_above() -> None:
    up = StepAdjustment(0, 20, 2)
    assert up.contains(0) and up.contains(19.9) and not up.contains(20)
    down = StepAdjustment(-10, 0, -1)
    assert down.contains(-10 + 1e-9) and not down.contains(-10) and down.contains(-0.5)
    assert StepAdjustment(None, -10, -2).contains(-1000)


def test_percent_change_rounding_and_min_adjustment_magnitude() -> None:
    assert percent_change(10, 127) == 12  # 12.7 -> 12 (above 1: down)
    assert percent_change(2, 25) == 1  # 0.5 -> 1
    assert percent_change(2, -25) == -1  # -0.5 -> -1
    assert percent_change(15, -44.5) == -6  # -6.675 -> -6 (below -1: up)
    assert percent_change(4, 25, min_magnitude=2) == 2  # AWS's example: 25% of 4 = 1 -> 2


def test_exact_capacity_sets_the_count() -> None:
    policy = StepScaling("p", "p", "ExactCapacity", (StepAdjustment(0, None, 7),))
    assert policy.capacity(2, 5.0) == 7


def test_the_step_is_chosen_by_how_far_the_alarm_is_breached() -> None:
    # 2 tasks: 130 rps = 65% (5 above 60: +2); 170 rps = 85% (25 above: +3).
    for rps, expected in ((130, 4), (170, 5)):
        tl = simulate(
            [step_policy()],
            TARGET,
            load=steps({0: 80, 5: rps}),
            start=START,
            minutes=7,
            desired=2,
            alarms=[high_cpu_alarm()],
            model=PLAIN,
        )
        assert tl.column("desired")[5] == expected, rps
        assert tl.records[5].acted == (f"policy cpu-steps: desired 2->{expected}",)


def test_cooldown_holds_a_second_step_and_counts_what_was_added() -> None:
    # AWS's example: +2, then during the cooldown the alarm asks +3: only 1 more is added.
    slow = PLAIN.__class__(100.0, 0.0, 0.0, 1.0, task_startup_minutes=10)
    tl = simulate(
        [step_policy()],
        TARGET,
        load=steps({0: 80, 5: 130, 7: 170}),
        start=START,
        minutes=12,
        desired=2,
        alarms=[high_cpu_alarm()],
        model=slow,
    )
    desired = tl.column("desired")
    assert desired[5] == 4  # +2
    assert desired[6] == 4  # same step again inside the cooldown: held
    assert desired[7] == 5  # the +3 step: 2 + 3 = 5, so 1 more


def test_scale_in_is_blocked_by_its_cooldown_and_a_scale_out_ends_it() -> None:
    policy = {
        "PolicyName": "cpu-steps",
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {
            "AdjustmentType": "ChangeInCapacity",
            "Cooldown": 300,
            "StepAdjustments": [
                {"MetricIntervalUpperBound": -20, "ScalingAdjustment": -1},
                {
                    "MetricIntervalLowerBound": -20,
                    "MetricIntervalUpperBound": 0,
                    "ScalingAdjustment": 0,
                },
                {"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2},
            ],
        },
    }
    low = {
        **high_cpu_alarm(40.0),
        "AlarmName": "web-cpu-low",
        "ComparisonOperator": "LessThanThreshold",
    }
    high = high_cpu_alarm(80.0)
    tl = simulate(
        [policy],
        TARGET,
        load=steps({0: 60, 8: 400}),
        start=START,
        minutes=10,
        desired=6,
        alarms=[low, high],
        model=PLAIN,
    )
    desired = tl.column("desired")
    assert desired[0] == 5  # 10% is 30 below 40: -1
    assert desired[1:5] == [5, 5, 5, 5]  # scale-in cooldown: blocked although the alarm stays
    assert desired[5] == 4  # 300 s later
    assert desired[8] == 6  # a scale-out acts at once


def test_metric_aggregation_type_picks_the_step() -> None:
    # Two datapoints 62% and 90%: Average 76 (16 above: +2), Maximum 90 (30 above: +3).
    for aggregation, expected in (("Average", 4), ("Maximum", 5)):
        tl = simulate(
            [step_policy(MetricAggregationType=aggregation)],
            TARGET,
            load=steps({0: 124, 1: 180}),
            start=START,
            minutes=2,
            desired=2,
            alarms=[high_cpu_alarm(60.0, periods=2)],
            model=PLAIN,
        )
        assert tl.column("desired")[1] == expected, aggregation


@pytest.mark.parametrize("state", [{"DynamicScalingOutSuspended": True}])
def test_suspended_step_scale_out(state: dict[str, bool]) -> None:
    tl = simulate(
        [step_policy()],
        {**TARGET, "SuspendedState": state},
        load=steps({0: 170}),
        start=START,
        minutes=5,
        desired=2,
        alarms=[high_cpu_alarm()],
        model=PLAIN,
    )
    assert set(tl.column("desired")) == {2}
