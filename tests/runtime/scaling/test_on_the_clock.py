"""Auto scaling and ECR lifecycle expiry on the runtime's clock: ``ecs_learn.runtime.advance``
drives the policies a learner registered with boto3, in both sandbox modes, and everything
reads back with boto3."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.test_determinism import _seed
from tests.runtime.world import World, build

MONDAY = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)
RID = "service/lab/web"
DIM = "ecs:service:DesiredCount"
# CPU% = 100 x requests/s per running task / 100; tasks start one minute after they are asked for.
PLAIN = {"rps_per_task": 100, "idle_cpu_percent": 0, "task_startup_minutes": 1}


def scaled_service(box: Sandbox, desired: int = 2, low: int = 1, high: int = 10) -> World:
    world = build(box, alb=False)
    world.create_service(world.task_definition(), count=desired)
    box.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        MinCapacity=low,
        MaxCapacity=high,
    )
    return world


def tracking(box: Sandbox, name: str, metric: str, value: float) -> None:
    box.client("application-autoscaling").put_scaling_policy(
        PolicyName=name,
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": value,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
        },
    )


def activities(box: Sandbox) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = box.client("application-autoscaling").describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId=RID
    )["ScalingActivities"]
    return found


def counts(world: World) -> tuple[int, int]:
    service = world.service()
    return service["desiredCount"], len(world.tasks())


def test_target_tracking_on_cpu_scales_the_service_as_the_clock_moves(box: Sandbox) -> None:
    world = scaled_service(box)
    assert rt.set_time(MONDAY) == MONDAY
    tracking(box, "cpu50", "ECSServiceAverageCPUUtilization", 50.0)
    assert rt.set_load(RID, 150, model=PLAIN) == RID  # 2 tasks at 75% CPU
    rt.advance(minutes=2)
    assert counts(world) == (2, 2)  # AlarmHigh wants 3 datapoints
    rt.advance(minutes=8)
    assert counts(world) == (3, 3)  # ceil(2 x 75 / 50); the scheduler started the task
    [first] = activities(box)
    assert first["Description"] == "Setting desired count to 3."
    assert first["StartTime"] == MONDAY + dt.timedelta(minutes=3)
    assert "-AlarmHigh-" in first["Cause"] and first["Cause"].endswith("triggered policy cpu50")
    states = {
        a["AlarmName"].split("-")[-6]: a["StateValue"]
        for a in box.client("cloudwatch").describe_alarms()["MetricAlarms"]
    }
    assert states == {"AlarmHigh": "OK", "AlarmLow": "OK"}  # 3 tasks at 50%: neither breaches
    rt.set_load(RID, None)  # no load: CPU 0%, AlarmLow after 15 minutes, in to MinCapacity
    rt.advance(minutes=30)
    assert counts(world) == (1, 1)
    assert activities(box)[0]["Description"] == "Setting desired count to 1."
    assert rt.time() == MONDAY + dt.timedelta(minutes=40)


def test_a_scheduled_action_fires_at_nine_in_berlin(box: Sandbox) -> None:
    world = scaled_service(box, desired=1)
    rt.set_time(MONDAY)
    aas = box.client("application-autoscaling")
    aas.put_scheduled_action(
        ServiceNamespace="ecs",
        ScheduledActionName="office-hours",
        ResourceId=RID,
        ScalableDimension=DIM,
        Schedule="cron(0 9 ? * MON-FRI *)",
        Timezone="Europe/Berlin",
        ScalableTargetAction={"MinCapacity": 3, "MaxCapacity": 10},
    )
    rt.advance(hours=7, minutes=59)  # 07:59 UTC is 08:59 in Berlin (winter time)
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["MinCapacity"] == 1 and counts(world) == (1, 1)
    rt.advance(minutes=1)
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["MinCapacity"] == 3 and counts(world) == (3, 3)
    times = {a["StartTime"] for a in activities(box)}
    assert times == {MONDAY + dt.timedelta(hours=8)}


def _manifest(n: int) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": n,
                "digest": "sha256:" + f"{n:x}" * 64,
            },
            "layers": [],
        }
    )


def test_a_lifecycle_policy_expires_untagged_images_at_the_daily_evaluation(box: Sandbox) -> None:
    rt.set_time(MONDAY + dt.timedelta(hours=12))
    ecr = box.client("ecr")
    ecr.create_repository(repositoryName="web")
    for n, tag in ((1, {"imageTag": "v1"}), (2, {})):  # the second is untagged
        ecr.put_image(
            repositoryName="web",
            imageManifest=_manifest(n),
            imageDigest="sha256:" + str(n) * 64,
            **tag,
        )
    ecr.put_lifecycle_policy(
        repositoryName="web",
        lifecyclePolicyText=json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "selection": {
                            "tagStatus": "untagged",
                            "countType": "sinceImagePushed",
                            "countUnit": "days",
                            "countNumber": 1,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        ),
    )
    details = ecr.describe_images(repositoryName="web")["imageDetails"]
    pushed = sorted((i["imagePushedAt"], i.get("imageTags", [])) for i in details)
    # On the virtual clock, a millisecond apart so that "newest" follows the push order.
    assert [tags for _, tags in pushed] == [["v1"], []]
    assert [at - MONDAY for at, _ in pushed] == [
        dt.timedelta(hours=12),
        dt.timedelta(hours=12, milliseconds=1),
    ]

    def tags() -> list[list[str]]:
        found = ecr.describe_images(repositoryName="web")["imageDetails"]
        return sorted(i.get("imageTags", []) for i in found)

    rt.advance(hours=12)  # Tuesday 00:00: 12 hours old, kept
    assert tags() == [[], ["v1"]]
    rt.advance(hours=23, minutes=59)
    assert tags() == [[], ["v1"]]
    rt.advance(minutes=1)  # Wednesday 00:00: 36 hours old, expired
    assert tags() == [["v1"]]


def _script(box: Sandbox) -> tuple[list[Any], list[Any], tuple[int, int]]:
    box.reset()
    _seed(box, 7)
    world = scaled_service(box, desired=2, high=8)
    rt.set_time(MONDAY)
    tracking(box, "cpu50", "ECSServiceAverageCPUUtilization", 50.0)
    rt.set_load(
        RID,
        {"shape": "spike", "base": 100, "peak": 500, "at_minute": 10, "minutes": 20},
        model=PLAIN,
    )
    rt.advance(hours=2)
    found = [
        (a["ActivityId"], a["StartTime"], a["Description"], a["Cause"]) for a in activities(box)
    ]
    timeline = [(e["at"], e["kind"]) for e in rt.timeline()]
    return found, timeline, counts(world)


def test_the_same_script_gives_the_same_activities(box: Sandbox) -> None:
    first = _script(box)
    assert len(first[0]) >= 3  # out, out again after the cooldown, in
    assert _script(box) == first


def test_a_day_of_two_policies_stays_interactive(box: Sandbox) -> None:
    scaled_service(box, desired=2, low=2, high=20)
    rt.set_time(MONDAY)
    tracking(box, "cpu50", "ECSServiceAverageCPUUtilization", 50.0)
    tracking(box, "mem70", "ECSServiceAverageMemoryUtilization", 70.0)
    rt.set_load(RID, {"shape": "daily", "low": 50, "high": 900, "peak_hour": 14})
    begin = time.perf_counter()
    rt.advance(hours=24)
    took = time.perf_counter() - begin
    assert len(activities(box)) >= 4
    assert took < 10.0, f"advance(hours=24) took {took:.1f} s"


def test_set_load_names_the_service_it_wants(box: Sandbox) -> None:
    with pytest.raises(ValueError, match="service/CLUSTER/NAME"):
        rt.set_load("web", 10)
    arn = "arn:aws:ecs:us-east-1:123456789012:service/lab/web"
    assert rt.set_load(arn, None) == RID


def test_a_range_registered_again_moves_the_desired_count_into_it_at_once(box: Sandbox) -> None:
    """API_RegisterScalableTarget: registering an active resource "changes the resource's
    current capacity to a value that is inside of this range" — a lower MaxCapacity scales
    the service in before the call returns, a higher MinCapacity scales it out."""
    world = scaled_service(box, desired=6, low=2, high=10)
    aas = box.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RID, ScalableDimension=DIM, MinCapacity=2, MaxCapacity=4
    )
    assert counts(world) == (4, 4)
    aas.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RID, ScalableDimension=DIM, MinCapacity=5, MaxCapacity=8
    )
    assert counts(world) == (5, 5)
