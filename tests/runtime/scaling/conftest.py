"""Shared shapes for the scaling engine tests (pure: no AWS, no clock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecs_learn.runtime.scaling import ServiceModel

START = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)  # a Monday, winter time
# CPU% = rps / running tasks (one task serves 100 rps at 100% CPU, no idle CPU).
PLAIN = ServiceModel(
    rps_per_task=100.0,
    idle_cpu_percent=0.0,
    memory_base_percent=0.0,
    memory_per_rps_percent=1.0,
    task_startup_minutes=1,
)
TARGET = {"ResourceId": "service/lab/web", "MinCapacity": 1, "MaxCapacity": 20}


def tracking(
    name: str = "cpu50",
    value: float = 50.0,
    metric: str = "ECSServiceAverageCPUUtilization",
    **config: Any,
) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": value,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            **config,
        },
    }


def steps(rps_by_minute: dict[int, float]) -> Any:
    """A load that holds each value from its minute on."""
    points = sorted(rps_by_minute.items())

    def load(minute: int, when: dt.datetime) -> float:
        value = points[0][1]
        for at, rps in points:
            if minute >= at:
                value = rps
        return value

    return load
