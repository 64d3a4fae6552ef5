"""The account adapter, driven by a minute loop of our own against a real moto sandbox:
policies registered with boto3 act on the service, and everything reads back with boto3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecs_learn.runtime.agent import InternalClients
from ecs_learn.runtime.scaling import ScalingEngine, ServiceModel
from ecs_learn.runtime.scaling.metrics import PREDEFINED
from ecs_learn.sandbox import moto_ext_scaling

START = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.timezone.utc)
PLAIN = ServiceModel(100.0, 0.0, 0.0, 1.0, task_startup_minutes=1)
RID = "service/lab/web"


def service(box: Any, desired: int = 2) -> None:
    ecs = box.client("ecs")
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}],
    )
    ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web", desiredCount=desired)
    box.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=10,
    )


def cpu_policy(box: Any) -> dict[str, Any]:
    answer: dict[str, Any] = box.client("application-autoscaling").put_scaling_policy(
        PolicyName="cpu50",
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
        },
    )
    return answer


def run(box: Any, engine: ScalingEngine, minutes: int, load: Any) -> None:
    clients = InternalClients(box.endpoint)
    for m in range(minutes):
        now = START + dt.timedelta(minutes=m)
        engine.step(clients, now, lambda rid, when, m=m: load(m))


def test_target_tracking_alarms_are_made_as_aws_makes_them(sandbox: Any) -> None:
    service(sandbox)
    answer = cpu_policy(sandbox)
    names = sorted(a["AlarmName"] for a in answer["Alarms"])
    alarms = {
        a["AlarmName"]: a
        for a in sandbox.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    }
    high = next(a for n, a in alarms.items() if "-AlarmHigh-" in n)
    low = next(a for n, a in alarms.items() if "-AlarmLow-" in n)
    assert high["AlarmName"].startswith("TargetTracking-service/lab/web-AlarmHigh-")
    assert (
        high["Threshold"],
        high["EvaluationPeriods"],
        high["DatapointsToAlarm"],
        high["Period"],
    ) == (50.0, 3, 3, 60)
    assert (low["Threshold"], low["EvaluationPeriods"], low["DatapointsToAlarm"]) == (45.0, 15, 15)
    assert high["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_sandbox_and_the_engine_agree_on_the_predefined_metrics() -> None:
    for kind, ref in PREDEFINED.items():
        assert moto_ext_scaling.TRACKED[kind] == (
            ref.namespace,
            ref.name,
            ref.statistic,
            ref.period,
        )


def test_a_registered_policy_scales_the_service_and_reads_back(sandbox: Any) -> None:
    service(sandbox)
    cpu_policy(sandbox)
    engine = ScalingEngine(PLAIN)
    run(sandbox, engine, 14, lambda m: 80 if m < 10 else 160)
    ecs, aas, cw = (sandbox.client(s) for s in ("ecs", "application-autoscaling", "cloudwatch"))
    assert (
        ecs.describe_services(cluster="lab", services=["web"])["services"][0]["desiredCount"] == 4
    )
    activities = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=RID)[
        "ScalingActivities"
    ]
    assert len(activities) == 1
    first = activities[0]
    assert first["Description"] == "Setting desired count to 4."
    assert first["Cause"].startswith("monitor alarm TargetTracking-service/lab/web-AlarmHigh-")
    assert first["Cause"].endswith("in state ALARM triggered policy cpu50")
    assert first["StatusCode"] == "Successful"
    assert first["StartTime"] == START + dt.timedelta(minutes=12)
    states = {a["AlarmName"]: a["StateValue"] for a in cw.describe_alarms()["MetricAlarms"]}
    assert sorted(states.values()) == ["ALARM", "OK"]


def test_a_scheduled_action_changes_min_capacity_at_its_minute(sandbox: Any) -> None:
    service(sandbox, desired=1)
    aas = sandbox.client("application-autoscaling")
    aas.put_scheduled_action(
        ServiceNamespace="ecs",
        ScheduledActionName="morning",
        ResourceId=RID,
        ScalableDimension="ecs:service:DesiredCount",
        Schedule="at(2026-01-05T09:00:00)",
        Timezone="Europe/Berlin",
        ScalableTargetAction={"MinCapacity": 3},
    )
    engine = ScalingEngine(PLAIN)
    run(sandbox, engine, 60, lambda m: 10)
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["MinCapacity"] == 1  # 08:00 UTC is minute 60: not yet
    run_more = InternalClients(sandbox.endpoint)
    engine.step(run_more, START + dt.timedelta(minutes=60), 10.0)
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["MinCapacity"] == 3
    ecs = sandbox.client("ecs")
    assert (
        ecs.describe_services(cluster="lab", services=["web"])["services"][0]["desiredCount"] == 3
    )
    causes = {
        a["Cause"]
        for a in aas.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]
    }
    assert causes == {"scheduled action name morning was triggered"}


def test_lifecycle_policy_preview_through_boto3(sandbox: Any) -> None:
    import json

    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="web")
    for k in range(3):
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "layers": [{"digest": f"sha256:{k}" + "0" * 63, "size": 1}],
            }
        )
        ecr.put_image(repositoryName="web", imageManifest=manifest, imageTag=f"v{k}")
    text = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "selection": {
                        "tagStatus": "tagged",
                        "tagPrefixList": ["v"],
                        "countType": "imageCountMoreThan",
                        "countNumber": 1,
                    },
                    "action": {"type": "expire"},
                }
            ]
        }
    )
    with pytest.raises(ecr.exceptions.LifecyclePolicyPreviewNotFoundException):
        ecr.get_lifecycle_policy_preview(repositoryName="web")
    started = ecr.start_lifecycle_policy_preview(repositoryName="web", lifecyclePolicyText=text)
    assert started["status"] == "IN_PROGRESS"
    preview = ecr.get_lifecycle_policy_preview(repositoryName="web")
    assert preview["status"] == "COMPLETE"
    assert preview["summary"]["expiringImageTotalCount"] == 2
    assert {r["action"]["type"] for r in preview["previewResults"]} == {"EXPIRE"}
    assert {r["appliedRulePriority"] for r in preview["previewResults"]} == {1}


def test_the_preview_is_evaluated_by_the_runtime_through_the_sandbox_seam(sandbox: Any) -> None:
    """The sandbox answers GetLifecyclePolicyPreview with the evaluator the runtime registered
    when it attached (the sandbox never imports the runtime); without one, a clear error."""
    import json

    from botocore.exceptions import ClientError

    from ecs_learn.runtime import lifecycle
    from ecs_learn.sandbox import moto_ext_scaling

    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="api")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "layers": [{"digest": "sha256:" + "7" * 64, "size": 1}],
        }
    )
    ecr.put_image(repositoryName="api", imageManifest=manifest, imageTag="v1")
    keep_none = {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": 1,
                },
                "action": {"type": "expire"},
            }
        ]
    }
    ecr.start_lifecycle_policy_preview(
        repositoryName="api", lifecyclePolicyText=json.dumps(keep_none)
    )
    calls: list[str] = []

    def spy(text: str, images: Any, now: Any) -> dict[str, Any]:
        calls.append(text)
        return lifecycle.preview(text, images, now)

    try:
        moto_ext_scaling.set_lifecycle_evaluator(spy)
        assert ecr.get_lifecycle_policy_preview(repositoryName="api")["status"] == "COMPLETE"
        assert calls == [json.dumps(keep_none)]
        moto_ext_scaling.set_lifecycle_evaluator(None)
        with pytest.raises(ClientError) as caught:
            ecr.get_lifecycle_policy_preview(repositoryName="api")
        assert caught.value.response["Error"]["Code"] == "ServerException"
        assert "evaluated by the runtime" in caught.value.response["Error"]["Message"]
    finally:
        moto_ext_scaling.set_lifecycle_evaluator(lifecycle.preview)
