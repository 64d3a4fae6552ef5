"""Benchmark the runtime (not a test): prints ratios against a bare moto describe_services.

1. One reconcile of a 50-task Fargate service behind an ALB (the pass a learner's call
   waits for after it changes something).
2. Advancing the virtual clock one simulated hour on that service.
3. EC2: launching 10 container instances (the agent registers them in the call), a
   50-task bridge service with dynamic host ports placed on them, and one reconcile.
All against the median of a bare ``describe_services`` call on the same account (embedded).

Run:  .venv/bin/python benchmarks/runtime_bench.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import build


def _median(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    box = Sandbox().start(background=False)
    try:
        world = build(box)
        start = time.perf_counter()
        world.create_service(world.task_definition(), count=50, lb=True)
        first = time.perf_counter() - start
        ecs = box.client("ecs")
        bare = _median(lambda: ecs.describe_services(cluster="lab", services=["web"]), args.repeats)
        runtime = rt.local()
        assert runtime is not None
        reconcile = _median(runtime.reconcile, args.repeats)
        start = time.perf_counter()
        rt.advance(hours=1)
        hour = time.perf_counter() - start
        assert world.service()["runningCount"] == 50
        box.reset()
        ec2 = _ec2(box, args.repeats)
    finally:
        box.stop()
    print(f"bare describe_services: {bare * 1000:.1f} ms")
    print(f"create_service of 50 tasks (moto + starting them): {first * 1000:.0f} ms")
    ratio = reconcile / bare
    print(f"one reconcile of the 50-task service: {reconcile * 1000:.1f} ms ({ratio:.0f}x)")
    print(f"advance one simulated hour: {hour * 1000:.0f} ms ({hour / bare:.0f}x)")
    launch, place, again = ec2
    print(f"EC2: run_instances of 10 that register: {launch * 1000:.0f} ms")
    print(f"EC2: create_service placing 50 tasks on them: {place * 1000:.0f} ms")
    print(f"EC2: one reconcile of that service: {again * 1000:.1f} ms ({again / bare:.0f}x)")


def _ec2(box: Sandbox, repeats: int) -> tuple[float, float, float]:
    from tests.runtime.test_agent import AL2023, USER_DATA, profile

    world = build(box, alb=False)
    image = box.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    name = profile(box)
    start = time.perf_counter()
    box.client("ec2").run_instances(
        ImageId=image,
        MinCount=10,
        MaxCount=10,
        InstanceType="t3.large",
        UserData=USER_DATA.format(cluster="lab"),
        IamInstanceProfile={"Name": name},
        SubnetId=world.subnets[0],
    )
    launch = time.perf_counter() - start
    ecs = box.client("ecs")
    td = ecs.register_task_definition(
        family="ec2web",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 128,
                "portMappings": [{"containerPort": 80}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    start = time.perf_counter()
    ecs.create_service(
        cluster="lab", serviceName="ec2", taskDefinition=td, desiredCount=50, launchType="EC2"
    )
    place = time.perf_counter() - start
    assert world.service("ec2")["runningCount"] == 50
    runtime = rt.local()
    assert runtime is not None
    return launch, place, _median(runtime.reconcile, repeats)


if __name__ == "__main__":
    main()
