"""24 simulated hours at one-minute resolution for a service with two policies, against one
moto ``describe_scaling_policies`` call (embedded): the pure replay (the simulator), and the
same day on the runtime's clock (``ecs_learn.runtime.advance(hours=24)`` on a Fargate service
whose policies were registered with boto3: the scheduler starts and stops its tasks).

    PYTHONPATH=. python benchmarks/scaling_bench.py
"""

from __future__ import annotations

import statistics
import time
from typing import Any

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


def _service(box: Any) -> None:
    ec2, ecs = box.client("ec2"), box.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx:1.27"}],
    )
    ecs.create_service(
        cluster="lab",
        serviceName="web",
        taskDefinition="web",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet["Subnet"]["SubnetId"]],
                "securityGroups": [group],
            }
        },
    )
    aas = box.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=TARGET["ResourceId"],
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=TARGET["MinCapacity"],
        MaxCapacity=TARGET["MaxCapacity"],
    )
    for policy in POLICIES:
        aas.put_scaling_policy(
            ServiceNamespace="ecs",
            ResourceId=TARGET["ResourceId"],
            ScalableDimension="ecs:service:DesiredCount",
            **policy,
        )


def on_the_clock(box: Any) -> tuple[float, int]:
    """``advance(hours=24)`` on a fresh account; (seconds, scaling activities)."""
    import datetime as dt

    import ecs_learn.runtime as rt

    box.reset()
    _service(box)
    rt.set_time(dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))
    rt.set_load(str(TARGET["ResourceId"]), LOAD)
    begin = time.perf_counter()
    rt.advance(hours=24)
    took = time.perf_counter() - begin
    found = box.client("application-autoscaling").describe_scaling_activities(
        ServiceNamespace="ecs", MaxResults=50
    )["ScalingActivities"]
    return took, len(found)


def moto_call(box: Any) -> float:
    aas = box.client("application-autoscaling")
    aas.describe_scaling_policies(ServiceNamespace="ecs")  # warm
    runs = []
    for _ in range(20):
        begin = time.perf_counter()
        aas.describe_scaling_policies(ServiceNamespace="ecs")
        runs.append(time.perf_counter() - begin)
    return statistics.median(runs)


def main() -> None:
    from ecs_learn.sandbox import Sandbox

    day()  # warm imports
    sim = statistics.median(day() for _ in range(5))
    with Sandbox().start(background=False) as box:
        call = moto_call(box)
        on_the_clock(box)  # warm moto's service models
        runs = [on_the_clock(box) for _ in range(3)]
    clock = statistics.median(t for t, _ in runs)
    print(f"24 h at 1-minute resolution, two policies: {sim * 1000:.1f} ms (median of 5)")
    print(f"one moto describe_scaling_policies call:    {call * 1000:.2f} ms (median of 20)")
    print(f"ratio: {sim / call:.1f}x one call")
    print(
        f"advance(hours=24) on the runtime, same policies: {clock * 1000:.0f} ms "
        f"(median of 3, {runs[0][1]} scaling activities), ratio {clock / call:.0f}x one call"
    )


if __name__ == "__main__":
    main()
