"""24 simulated hours at one-minute resolution for a service with two policies, against one
moto ``describe_scaling_policies`` call (embedded).

    PYTHONPATH=. python benchmarks/scaling_bench.py
"""

from __future__ import annotations

import statistics
import time

from ecs_learn.runtime.scaling import parse_load, simulate

POLICIES = [
    {
        "PolicyName": "cpu50",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
        },
    },
    {
        "PolicyName": "mem70",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 70.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageMemoryUtilization"
            },
        },
    },
]
TARGET = {"ResourceId": "service/lab/web", "MinCapacity": 2, "MaxCapacity": 20}
LOAD = parse_load({"shape": "daily", "low": 50, "high": 900, "peak_hour": 14})


def day() -> float:
    begin = time.perf_counter()
    simulate(POLICIES, TARGET, load=LOAD, minutes=1440, desired=2)
    return time.perf_counter() - begin


def moto_call() -> float:
    from ecs_learn.sandbox import Sandbox

    with Sandbox().start(background=False) as box:
        aas = box.client("application-autoscaling")
        aas.describe_scaling_policies(ServiceNamespace="ecs")  # warm
        runs = []
        for _ in range(20):
            begin = time.perf_counter()
            aas.describe_scaling_policies(ServiceNamespace="ecs")
            runs.append(time.perf_counter() - begin)
        return statistics.median(runs)


def main() -> None:
    day()  # warm imports
    sim = statistics.median(day() for _ in range(5))
    call = moto_call()
    print(f"24 h at 1-minute resolution, two policies: {sim * 1000:.1f} ms (median of 5)")
    print(f"one moto describe_scaling_policies call:    {call * 1000:.2f} ms (median of 20)")
    print(f"ratio: {sim / call:.1f}x one call")


if __name__ == "__main__":
    main()
