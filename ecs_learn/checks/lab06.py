"""Lab 06 — service auto scaling: a scalable target, target tracking on CPU and on requests per
target, step scaling on an alarm, scheduled actions, a repair, predictions, and the two layers
on EC2 (the service's tasks and, through a capacity provider with managed scaling, the
instances of an Auto Scaling group).

Each check reads the account through describe/list/get calls only. The behaviour checks and the
prediction checks replay the lab's day of load (:data:`DAY_OF_LOAD`, data of this lab, not an
answer) through the simulator on the policies the learner registered, read back with describe
calls (:func:`replay_account`): the expected values are never written anywhere.

The learner's predictions are SSM parameters (:data:`PREDICTIONS`) that the exercise cells write
with ``ssm.put_parameter``; a check reads them with ``get_parameter``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from ecs_learn.checks.owns import Owns, ScalingPart, Service
from ecs_learn.checks.reader import AccountReader
from ecs_learn.checks.realism import AWS_ACCEPTS, aws_accepts, rejections
from ecs_learn.checks.registry import Judged, check, judged, requirement
from ecs_learn.checks.result import Requirement

__all__ = [
    "CHECKS",
    "DAY_OF_LOAD",
    "PREDICTIONS",
    "RESOURCE_ID",
    "START",
    "account_policy_file",
    "replay_account",
]

CLUSTER, SERVICE = "lab", "web"
RESOURCE_ID = f"service/{CLUSTER}/{SERVICE}"
DIMENSION = "ecs:service:DesiredCount"
START = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone.utc)  # a Monday, winter time
PREFIX = "/ecs-learn/lab06/predictions/"
PREDICTIONS = {
    "desired-at-1015": PREFIX + "desired-at-1015",
    "peak": PREFIX + "peak",
}
BERLIN = "Europe/Berlin"


def _day_of_load() -> dict[str, Any]:
    """A working day in requests/s, every 5 minutes: a daily curve and a spike at 10:00 UTC."""
    from ecs_learn.runtime.scaling.load import parse_load

    curve = parse_load({"shape": "daily", "low": 40, "high": 420, "peak_hour": 14})
    points = []
    for minute in range(0, 1440, 5):
        rps = curve.rps(minute, START + dt.timedelta(minutes=minute))
        if 600 <= minute < 620:
            rps += 700
        points.append([minute, round(rps, 1)])
    return {"shape": "trace", "points": points}


DAY_OF_LOAD: dict[str, Any] = _day_of_load()


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [
        item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]
    ]


def _target(aws: Any) -> dict[str, Any] | None:
    found = aws.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[RESOURCE_ID], ScalableDimension=DIMENSION
    )["ScalableTargets"]
    return dict(found[0]) if found else None


def _policies(aws: Any) -> list[dict[str, Any]]:
    return _pages(
        aws.client("application-autoscaling"),
        "describe_scaling_policies",
        "ScalingPolicies",
        ServiceNamespace="ecs",
        ResourceId=RESOURCE_ID,
    )


def _policy(aws: Any, name: str) -> dict[str, Any] | None:
    return next((p for p in _policies(aws) if p["PolicyName"] == name), None)


def account_policy_file(aws: Any) -> dict[str, Any] | None:
    """The simulator's policy file for ``service/lab/web``, read from the account.

    ``aws``: anything with ``client(service)`` (the lab session, an AccountReader). ``None``
    when the service is not a scalable target yet. The replay starts at MinCapacity.
    """
    target = _target(aws)
    if target is None:
        return None
    policies = _policies(aws)
    arns = [str(p["PolicyARN"]) for p in policies]
    alarms = [
        a
        for a in _pages(aws.client("cloudwatch"), "describe_alarms", "MetricAlarms")
        if any(str(x).startswith(arn) for x in a.get("AlarmActions") or [] for arn in arns)
    ]
    scheduled = _pages(
        aws.client("application-autoscaling"),
        "describe_scheduled_actions",
        "ScheduledActions",
        ServiceNamespace="ecs",
        ResourceId=RESOURCE_ID,
    )
    target = _range_at_start(target, scheduled)
    return {
        "scalable_target": target,
        "desired_count": int(target["MinCapacity"]),
        "policies": policies,
        "alarms": alarms,
        "scheduled_actions": scheduled,
    }


def _range_at_start(target: dict[str, Any], scheduled: list[dict[str, Any]]) -> dict[str, Any]:
    """Min/MaxCapacity in force at :data:`START`: the last scheduled action of the week before
    sets them (the account's own values may be what a later action set, e.g. after
    ``rt.advance``)."""
    from ecs_learn.runtime.scaling.engine import ScheduledAction

    latest: tuple[dt.datetime, ScheduledAction] | None = None
    for item in scheduled:
        action = ScheduledAction.from_aas(item)
        fired = list(action.schedule.fire_times(START - dt.timedelta(days=7), START))
        if fired and (latest is None or fired[-1] >= latest[0]):
            latest = (fired[-1], action)
    if latest is None:
        return target
    action = latest[1]
    found = dict(target)
    if action.min_capacity is not None:
        found["MinCapacity"] = action.min_capacity
    if action.max_capacity is not None:
        found["MaxCapacity"] = action.max_capacity
    return found


def replay_account(aws: Any, minutes: int = 1440) -> Any:
    """Replay :data:`DAY_OF_LOAD` from Monday 00:00 UTC through the account's own policies.

    Returns an ``ecs_learn.simulator.Replay`` (shown as a figure in a notebook), or ``None``
    when nothing is registered yet. Pure: reads the account, writes nothing, moves no clock.
    """
    from ecs_learn.runtime.scaling.engine import ScalingConfig
    from ecs_learn.runtime.scaling.load import parse_load
    from ecs_learn.runtime.scaling.metrics import ServiceModel
    from ecs_learn.simulator import run
    from ecs_learn.simulator.spec import PolicyFile

    spec = account_policy_file(aws)
    if spec is None:
        return None
    config = ScalingConfig.build(
        spec["scalable_target"],
        spec["policies"],
        spec["alarms"],
        spec["scheduled_actions"],
        ServiceModel(),
    )
    return run(PolicyFile(config, spec["desired_count"]), parse_load(DAY_OF_LOAD), minutes, START)


def desired_at(replay: Any, hour: int, minute: int) -> int:
    """The desired task count the replay shows at ``hour:minute`` UTC on Monday."""
    return int(replay.timeline.records[hour * 60 + minute].desired)


_RESPONSE_ONLY = ("PolicyARN", "Alarms", "CreationTime", "ScheduledActionARN", "RoleARN")
DEFAULT_COOLDOWN = 300  # seconds, for ECS, when a target tracking policy names none


def _stored(item: dict[str, Any]) -> dict[str, Any]:
    """A described policy, target or scheduled action as the input that made it."""
    return {k: v for k, v in item.items() if k not in _RESPONSE_ONLY}


def _scheduled(aws: AccountReader) -> list[dict[str, Any]]:
    return _pages(
        aws.client("application-autoscaling"),
        "describe_scheduled_actions",
        "ScheduledActions",
        ServiceNamespace="ecs",
        ResourceId=RESOURCE_ID,
    )


def _cooldowns(config: dict[str, Any], out: int, into: int) -> Iterator[Requirement]:
    """ScaleOutCooldown ``out`` and ScaleInCooldown ``into`` (left out: ECS's 300 s)."""
    for key, wanted in (("ScaleOutCooldown", out), ("ScaleInCooldown", into)):
        value = config.get(key)
        shown = value if value is not None else f"{DEFAULT_COOLDOWN} (the default)"
        yield requirement(
            f"{key} (s)",
            wanted,
            shown,
            ok=(value if value is not None else DEFAULT_COOLDOWN) == wanted,
            hint=f"TargetTrackingScalingPolicyConfiguration={{..., '{key}': {wanted}}} "
            "(put_scaling_policy with the same name replaces the policy)",
        )


def _missing(label: str, expected: str) -> Requirement:
    return requirement(label, expected, None, ok=False)


def _tracking(policy: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    return found


def _metric_type(policy: dict[str, Any]) -> str | None:
    spec = _tracking(policy).get("PredefinedMetricSpecification") or {}
    kind = spec.get("PredefinedMetricType")
    return str(kind) if kind else None


# -- exercise 1 ------------------------------------------------------------------------------
@check(
    "scalable-target",
    gates=(AWS_ACCEPTS,),
    title="The service registered as a scalable target (2 to 12 tasks)",
    points={
        "MinCapacity (outside office hours)": 0.7,
        "MaxCapacity": 0.7,
        "suspended scaling": 0.4,
        AWS_ACCEPTS: 0.2,
    },
    hint=(
        "register_scalable_target(ServiceNamespace='ecs', ResourceId='service/lab/web', "
        "ScalableDimension='ecs:service:DesiredCount', MinCapacity=2, MaxCapacity=12). The "
        "ResourceId names the cluster and the service, not an ARN."
    ),
    owns=Owns(scalable_targets=(RESOURCE_ID,)),
)
def scalable_target(aws: AccountReader) -> Iterator[Requirement | Judged]:
    target = _target(aws)
    if target is None:
        yield _missing(f"scalable target {RESOURCE_ID} ({DIMENSION})", "registered")
        return
    yield judged(f"scalable target {RESOURCE_ID}")
    again = "register_scalable_target again with MinCapacity=2, MaxCapacity=12 (it updates)"
    night = _range_at_start(target, _scheduled(aws))  # a scheduled action may have raised it
    yield requirement("MinCapacity (outside office hours)", 2, night.get("MinCapacity"), hint=again)
    yield requirement("MaxCapacity", 12, target.get("MaxCapacity"), hint=again)
    suspended = sorted(k for k, v in (target.get("SuspendedState") or {}).items() if v)
    yield requirement(
        "suspended scaling",
        "none",
        suspended or "none",
        ok=not suspended,
        hint="register_scalable_target(..., SuspendedState={every flag False})",
    )
    yield aws_accepts(rejections("scalable-target", _stored(target)))


# -- exercise 2 ------------------------------------------------------------------------------
@check(
    "cpu-tracking",
    gates=(AWS_ACCEPTS,),
    title="Target tracking on the service's average CPU (50%)",
    points={
        "PolicyType": 0.2,
        "metric": 0.4,
        "TargetValue": 0.4,
        "ScaleOutCooldown (s)": 0.2,
        "ScaleInCooldown (s)": 0.2,
        "alarms AWS made": 0.3,
        AWS_ACCEPTS: 0.3,
    },
    hint=(
        "put_scaling_policy(PolicyName='cpu-50', PolicyType='TargetTrackingScaling', "
        "TargetTrackingScalingPolicyConfiguration={'TargetValue': 50.0, "
        "'PredefinedMetricSpecification': {'PredefinedMetricType': "
        "'ECSServiceAverageCPUUtilization'}, 'ScaleOutCooldown': 60, 'ScaleInCooldown': 300})."
    ),
    owns=Owns(scaling_policies=(ScalingPart(RESOURCE_ID, "cpu-50"),)),
)
def cpu_tracking(aws: AccountReader) -> Iterator[Requirement | Judged]:
    policy = _policy(aws, "cpu-50")
    if policy is None:
        yield _missing("scaling policy cpu-50", "on service/lab/web")
        return
    yield judged(f"scaling policy cpu-50 on {RESOURCE_ID}")
    config = _tracking(policy)
    yield requirement("PolicyType", "TargetTrackingScaling", policy.get("PolicyType"))
    yield requirement(
        "metric",
        "ECSServiceAverageCPUUtilization",
        _metric_type(policy),
        hint="PredefinedMetricSpecification={'PredefinedMetricType': "
        "'ECSServiceAverageCPUUtilization'}",
    )
    yield requirement(
        "TargetValue", 50.0, config.get("TargetValue"), hint="TargetValue=50.0 (percent CPU)"
    )
    yield from _cooldowns(config, 60, 300)
    alarms = sorted(a["AlarmName"].split("-")[-6] for a in policy.get("Alarms") or [])
    yield requirement(
        "alarms AWS made",
        ["AlarmHigh", "AlarmLow"],
        alarms,
        hint="with DisableScaleIn there is no AlarmLow: leave DisableScaleIn out",
    )
    yield aws_accepts(rejections("scaling-policy", _stored(policy)))


# -- exercise 3 ------------------------------------------------------------------------------
def _resource_label(aws: AccountReader) -> str | None:
    """``app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`` of the service's target group."""
    services = aws.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"]
    groups = [lb.get("targetGroupArn") for s in services for lb in s.get("loadBalancers") or []]
    if not groups or not groups[0]:
        return None
    tg = aws.elbv2.describe_target_groups(TargetGroupArns=[groups[0]])["TargetGroups"][0]
    lbs = tg.get("LoadBalancerArns") or []
    if not lbs:
        return None
    lb_part = str(lbs[0]).split(":loadbalancer/", 1)[-1]
    tg_part = str(tg["TargetGroupArn"]).split(":", 5)[-1]
    return f"{lb_part}/{tg_part}"


@check(
    "request-tracking",
    gates=(AWS_ACCEPTS,),
    title="Target tracking on ALB requests per target (3000 a minute)",
    points={
        "PolicyType": 0.25,
        "metric": 0.5,
        "TargetValue (requests per target per minute)": 0.5,
        "ResourceLabel": 1,
        "ScaleOutCooldown (s)": 0.25,
        "ScaleInCooldown (s)": 0.25,
        AWS_ACCEPTS: 0.25,
    },
    hint=(
        "PredefinedMetricType='ALBRequestCountPerTarget' needs a ResourceLabel: the part of the "
        "load balancer ARN after 'loadbalancer/' (app/NAME/ID), a slash, and the part of the "
        "target group ARN after the account id and colon (targetgroup/NAME/ID). TargetValue is "
        "requests per target per minute."
    ),
    owns=Owns(scaling_policies=(ScalingPart(RESOURCE_ID, "requests-3000"),)),
)
def request_tracking(aws: AccountReader) -> Iterator[Requirement | Judged]:
    policy = _policy(aws, "requests-3000")
    if policy is None:
        yield _missing("scaling policy requests-3000", "on service/lab/web")
        return
    yield judged(f"scaling policy requests-3000 on {RESOURCE_ID}")
    config = _tracking(policy)
    yield requirement("PolicyType", "TargetTrackingScaling", policy.get("PolicyType"))
    yield requirement("metric", "ALBRequestCountPerTarget", _metric_type(policy))
    yield requirement(
        "TargetValue (requests per target per minute)",
        3000.0,
        config.get("TargetValue"),
        hint="per minute: 50 a second is 3000",
    )
    label = (config.get("PredefinedMetricSpecification") or {}).get("ResourceLabel")
    wanted = _resource_label(aws)
    yield requirement(
        "ResourceLabel",
        wanted or "the label of the service's load balancer and target group",
        label,
        ok=wanted is not None and label == wanted,
        hint=(
            "build it from the ARNs you look up (describe_load_balancers, "
            "describe_target_groups); typed ids name another load balancer"
            if label
            else "PredefinedMetricSpecification={..., 'ResourceLabel': label}"
        ),
    )
    yield from _cooldowns(config, 60, 300)
    yield aws_accepts(rejections("scaling-policy", _stored(policy)))


# -- exercise 4 ------------------------------------------------------------------------------
def _steps(policy: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    config = policy.get("StepScalingPolicyConfiguration") or {}
    return [
        (
            s.get("MetricIntervalLowerBound"),
            s.get("MetricIntervalUpperBound"),
            s.get("ScalingAdjustment"),
        )
        for s in config.get("StepAdjustments") or []
    ]


def _show_steps(steps: list[tuple[Any, Any, Any]]) -> list[str]:
    def bound(value: Any, infinite: str) -> str:
        return infinite if value is None else f"{float(value):g}"

    return [f"[{bound(lo, '-inf')}, {bound(hi, '+inf')}) {adj:+}" for lo, hi, adj in steps]


@check(
    "step-scaling",
    gates=(AWS_ACCEPTS,),
    title="Step scaling on a CPU alarm you created (90%: +2, 100%: +4)",
    points={
        "PolicyType": 0.2,
        "AdjustmentType": 0.2,
        "Cooldown (s)": 0.2,
        "step adjustments": 0.5,
        AWS_ACCEPTS: 0.2,
        "alarm metric": 0.3,
        "alarm statistic": 0.2,
        "alarm threshold": 0.3,
        "alarm comparison": 0.2,
        "alarm datapoints": 0.3,
        "alarm action": 0.4,
    },
    hint=(
        "Put the StepScaling policy 'cpu-burst' first (AdjustmentType ChangeInCapacity, "
        "Cooldown 180, StepAdjustments [0,10) +2 and [10, none) +4: bounds are offsets from the "
        "alarm's threshold), then put_metric_alarm 'web-cpu-high' on AWS/ECS CPUUtilization "
        "(ClusterName=lab, ServiceName=web), Average, Period 60, 2 of 2 datapoints, "
        "GreaterThanOrEqualToThreshold 90, with AlarmActions=[the policy's PolicyARN]."
    ),
    owns=Owns(alarms=("web-cpu-high",), scaling_policies=(ScalingPart(RESOURCE_ID, "cpu-burst"),)),
)
def step_scaling(aws: AccountReader) -> Iterator[Requirement | Judged]:
    policy = _policy(aws, "cpu-burst")
    if policy is None:
        yield _missing("scaling policy cpu-burst", "on service/lab/web")
        return
    yield judged("scaling policy cpu-burst and alarm web-cpu-high")
    config = policy.get("StepScalingPolicyConfiguration") or {}
    yield requirement("PolicyType", "StepScaling", policy.get("PolicyType"))
    yield requirement("AdjustmentType", "ChangeInCapacity", config.get("AdjustmentType"))
    yield requirement("Cooldown (s)", 180, config.get("Cooldown"))
    steps = sorted(_steps(policy), key=lambda s: -1e18 if s[0] is None else float(s[0]))
    want = [(0.0, 10.0, 2), (10.0, None, 4)]
    normal = [
        (None if lo is None else float(lo), None if hi is None else float(hi), adj)
        for lo, hi, adj in steps
    ]
    yield requirement(
        "step adjustments",
        _show_steps(want),
        _show_steps(steps),
        ok=normal == want,
        hint="bounds are offsets from the alarm's threshold: 0 to 10 above it +2, 10 and "
        "above +4 (no upper bound)",
    )
    yield aws_accepts(rejections("scaling-policy", _stored(policy)))
    found = aws.cloudwatch.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
    if not found:
        yield _missing("CloudWatch alarm web-cpu-high", "exists")
        return
    alarm = found[0]
    dims = {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}
    again = "put_metric_alarm with the same AlarmName replaces the alarm"
    yield requirement(
        "alarm metric",
        "AWS/ECS CPUUtilization of lab/web",
        f"{alarm.get('Namespace')} {alarm.get('MetricName')} of "
        f"{dims.get('ClusterName')}/{dims.get('ServiceName')}",
        hint="Namespace='AWS/ECS', MetricName='CPUUtilization', Dimensions ClusterName=lab "
        "and ServiceName=web",
    )
    yield requirement("alarm statistic", "Average", alarm.get("Statistic"), hint=again)
    yield requirement("alarm threshold", 90.0, alarm.get("Threshold"), hint=again)
    yield requirement(
        "alarm comparison",
        "GreaterThanOrEqualToThreshold",
        alarm.get("ComparisonOperator"),
        hint=again,
    )
    yield requirement(
        "alarm datapoints",
        "2 of 2, 60 s",
        f"{alarm.get('DatapointsToAlarm', alarm.get('EvaluationPeriods'))} of "
        f"{alarm.get('EvaluationPeriods')}, {alarm.get('Period')} s",
        hint="Period=60, EvaluationPeriods=2, DatapointsToAlarm=2",
    )
    actions = alarm.get("AlarmActions") or []
    yield requirement(
        "alarm action",
        "the policy cpu-burst (its PolicyARN)",
        ["policy cpu-burst" if a == policy["PolicyARN"] else a for a in actions] or None,
        ok=policy["PolicyARN"] in actions,
        hint="AlarmActions=[burst['PolicyARN']]: what put_scaling_policy returned",
    )


# -- exercise 5 ------------------------------------------------------------------------------
@check(
    "office-hours",
    gates=(AWS_ACCEPTS,),
    title="Scheduled actions: at least 4 tasks from 08:00 to 19:00 in Berlin on weekdays",
    points={
        "office-open Schedule": 0.2,
        "office-open Timezone": 0.2,
        "office-open MinCapacity": 0.2,
        "office-open MaxCapacity": 0.1,
        "office-close Schedule": 0.2,
        "office-close Timezone": 0.2,
        "office-close MinCapacity": 0.2,
        "office-close MaxCapacity": 0.1,
        "MinCapacity at 08:00 Berlin (simulated)": 0.4,
        AWS_ACCEPTS: 0.2,
    },
    hint=(
        "Two put_scheduled_action calls with Timezone='Europe/Berlin': 'office-open' with "
        "Schedule='cron(0 8 ? * MON-FRI *)' and ScalableTargetAction={'MinCapacity': 4, "
        "'MaxCapacity': 12}, and 'office-close' with 'cron(0 19 ? * MON-FRI *)' and "
        "MinCapacity 2. Without Timezone a cron runs in UTC."
    ),
    owns=Owns(
        scheduled_actions=(
            ScalingPart(RESOURCE_ID, "office-open"),
            ScalingPart(RESOURCE_ID, "office-close"),
        )
    ),
)
def office_hours(aws: AccountReader) -> Iterator[Requirement | Judged]:
    found = {a["ScheduledActionName"]: a for a in _scheduled(aws)}
    yield judged(f"the scheduled actions of {RESOURCE_ID}")
    again = "put_scheduled_action with the same name updates what it names in the action"
    for name, schedule, low in (
        ("office-open", "cron(0 8 ? * MON-FRI *)", 4),
        ("office-close", "cron(0 19 ? * MON-FRI *)", 2),
    ):
        action = found.get(name)
        if action is None:
            yield _missing(f"scheduled action {name}", "exists")
            continue
        yield requirement(
            f"{name} Schedule",
            schedule,
            action.get("Schedule"),
            hint=f"{again}; six fields: minutes hours day-of-month month day-of-week year",
        )
        yield requirement(
            f"{name} Timezone",
            BERLIN,
            action.get("Timezone") or "UTC",
            hint=f"Timezone='{BERLIN}': without it the cron runs in UTC",
        )
        limits = action.get("ScalableTargetAction") or {}
        yield requirement(f"{name} MinCapacity", low, limits.get("MinCapacity"), hint=again)
        yield requirement(f"{name} MaxCapacity", 12, limits.get("MaxCapacity"), hint=again)
    if not found:
        return
    yield aws_accepts(*(rejections("scheduled-action", _stored(a)) for a in found.values()))
    replay = replay_account(aws)
    if replay is not None:
        # The minimum, not the desired count: the morning's load alone already keeps 4
        # or more tasks running at 08:05 Berlin, whenever the schedule fires.
        before, after = (replay.timeline.records[m].min_capacity for m in (6 * 60 + 55, 7 * 60 + 5))
        yield requirement(
            "MinCapacity at 08:00 Berlin (simulated)",
            "raised to 4 between 07:55 and 08:05 Berlin (06:55 and 07:05 UTC in January)",
            f"{before} at 07:55, {after} at 08:05 Berlin",
            ok=before < after == 4,
            hint="office-open must raise MinCapacity at 08:00 Berlin time (07:00 UTC in "
            "winter); a cron without Timezone fires at 08:00 UTC, an hour late",
        )


# -- exercise 6: the repair --------------------------------------------------------------------
@check(
    "repair-scale-in",
    title="Repair: the memory policy lets the service scale in again",
    points={
        "policies with DisableScaleIn": 1,
        "memory-guard TargetValue": 0.75,
        "tasks at 23:30 UTC (simulated)": 1.25,
    },
    hint=(
        "memory-guard has DisableScaleIn=True and a target (35%) the idle service already "
        "exceeds: it scales out and never back. Put it again with DisableScaleIn False and "
        "TargetValue 75 (or delete it), then replay: at night the service should be back at "
        "MinCapacity."
    ),
    owns=Owns(scaling_policies=(ScalingPart(RESOURCE_ID, "memory-guard"),)),
)
def repair_scale_in(aws: AccountReader) -> Iterator[Requirement | Judged]:
    policies = _policies(aws)
    if not policies:
        yield _missing("scaling policies on service/lab/web", "registered")
        return
    yield judged(f"the scaling policies of {RESOURCE_ID}, replayed over a day")
    stuck = sorted(p["PolicyName"] for p in policies if _tracking(p).get("DisableScaleIn"))
    yield requirement(
        "policies with DisableScaleIn",
        "none",
        stuck or "none",
        ok=not stuck,
        hint="put the policy again with 'DisableScaleIn': False (or delete it)",
    )
    memory = next((p for p in policies if p["PolicyName"] == "memory-guard"), None)
    value = _tracking(memory).get("TargetValue") if memory is not None else None
    yield requirement(
        "memory-guard TargetValue",
        "75 (or the policy deleted)",
        "deleted" if memory is None else value,
        ok=memory is None or float(value or 0) == 75,
        hint="35% is barely above what the idle service uses: TargetValue 75",
    )
    spec = account_policy_file(aws)
    replay = replay_account(aws)
    if replay is not None and spec is not None:
        night = desired_at(replay, 23, 30)
        low = int(spec["scalable_target"]["MinCapacity"])
        yield requirement(
            "tasks at 23:30 UTC (simulated)",
            f"MinCapacity ({low})",
            night,
            ok=night == low,
            hint="replay_account(lab) shows which policy keeps the tasks: every policy must "
            "be able to scale in",
        )


# -- exercises 7 and 8: predictions ------------------------------------------------------------
def _prediction(aws: AccountReader, key: str) -> int | None:
    try:
        value = aws.ssm.get_parameter(Name=PREDICTIONS[key])["Parameter"]["Value"]
    except ClientError:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _judge_prediction(
    aws: AccountReader, key: str, label: str, actual: Any, hint: str
) -> Iterator[Requirement | Judged]:
    guess = _prediction(aws, key)
    if guess is None:
        yield _missing(f"your prediction ({PREDICTIONS[key]})", "a whole number")
        return
    replay = replay_account(aws)
    if replay is None:
        yield _missing(f"scalable target {RESOURCE_ID}", "registered, to simulate")
        return
    yield judged(f"{PREDICTIONS[key]} against a replay of {RESOURCE_ID}'s policies")
    expected = actual(replay)
    yield requirement(
        label,
        "what the simulator gives for your policies",
        guess,
        ok=guess == expected,
        hint=hint,  # never which way it is off: that would give the number away
    )


@check(
    "predict-1015",
    title="Prediction: the desired task count at 10:15 UTC",
    points={"desired count at 10:15": 2},  # one number: right or wrong
    hint=(
        "Replay the day (replay_account(lab)) and read the desired line at 10:15: the spike "
        "starts at 10:00; which policy acts first, and what does its cooldown allow by 10:15? "
        "Store your number with ssm.put_parameter(Name='/ecs-learn/lab06/predictions/"
        "desired-at-1015', Value=str(n), Type='String', Overwrite=True)."
    ),
    owns=Owns(ssm_parameters=(PREDICTIONS["desired-at-1015"],)),
)
def predict_1015(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield from _judge_prediction(
        aws,
        "desired-at-1015",
        "desired count at 10:15",
        lambda r: desired_at(r, 10, 15),
        "follow the figure from minute 600 to 615",
    )


@check(
    "predict-peak",
    title="Prediction: the most tasks the service has during the day",
    points={"largest desired count": 2},  # one number: right or wrong
    hint=(
        "The largest desired count of the replay: MaxCapacity caps it. Store it in "
        "/ecs-learn/lab06/predictions/peak (a String parameter, Overwrite=True)."
    ),
    owns=Owns(ssm_parameters=(PREDICTIONS["peak"],)),
)
def predict_peak(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield from _judge_prediction(
        aws,
        "peak",
        "largest desired count",
        lambda r: max(r.timeline.column("desired")),
        "the top of the desired line; MaxCapacity caps it",
    )


# -- exercise 9: the two layers on EC2 -------------------------------------------------------
EC2_CLUSTER, EC2_SERVICE, EC2_PROVIDER = "lab-ec2", "web-ec2", "lab06-ec2"
EC2_RESOURCE_ID = f"service/{EC2_CLUSTER}/{EC2_SERVICE}"
EC2_PER_INSTANCE = 2  # web-ec2 takes 1 vCPU of a t3.medium's 2


def _ec2_scaling(aws: AccountReader) -> Iterator[Requirement]:
    aas = aws.client("application-autoscaling")
    found = aas.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[EC2_RESOURCE_ID], ScalableDimension=DIMENSION
    )["ScalableTargets"]
    target = found[0] if found else {}
    yield requirement(
        f"{EC2_RESOURCE_ID} Min/MaxCapacity",
        "2..10",
        f"{target['MinCapacity']}..{target['MaxCapacity']}" if target else None,
    )
    policies = _pages(
        aas,
        "describe_scaling_policies",
        "ScalingPolicies",
        ServiceNamespace="ecs",
        ResourceId=EC2_RESOURCE_ID,
    )
    cpu = [
        f"{p['PolicyName']}: {_tracking(p).get('TargetValue')}"
        for p in policies
        if _metric_type(p) == "ECSServiceAverageCPUUtilization"
    ]
    yield requirement(
        f"{EC2_RESOURCE_ID} CPU target tracking",
        "a policy holding ECSServiceAverageCPUUtilization at 50",
        cpu or None,
        ok=any(c.endswith(": 50.0") or c.endswith(": 50") for c in cpu),
    )


@check(
    "ec2-two-layers",
    title="On EC2: auto scaling adds tasks, managed scaling adds the instances they need",
    points={
        f"{EC2_PROVIDER} group": 0.25,
        f"{EC2_PROVIDER} managed scaling": 0.5,
        f"cluster {EC2_CLUSTER} capacity providers": 0.25,
        f"{EC2_SERVICE} capacityProviderStrategy": 0.5,
        f"{EC2_RESOURCE_ID} Min/MaxCapacity": 0.25,
        f"{EC2_RESOURCE_ID} CPU target tracking": 0.5,
        f"{EC2_SERVICE} desiredCount": 0.5,
        f"{EC2_SERVICE} running, waiting for an instance": 0.5,
        f"{EC2_PROVIDER} instances": 0.5,
        f"{EC2_SERVICE} tasks on the group's instances": 0.25,
    },
    hint=(
        f"Capacity provider {EC2_PROVIDER!r} on the group {EC2_PROVIDER!r} with managedScaling "
        f"ENABLED and targetCapacity 100, in cluster {EC2_CLUSTER!r}'s providers; service "
        f"{EC2_SERVICE!r} (2 tasks) with capacityProviderStrategy [{{'capacityProvider': "
        f"{EC2_PROVIDER!r}, 'weight': 1}}]; scalable target {EC2_RESOURCE_ID} 2..10 with a CPU "
        "target tracking policy at 50. Then run the cell that offers the load and advances "
        "the clock."
    ),
    owns=Owns(
        scaling_policies=(ScalingPart(EC2_RESOURCE_ID, "cpu-50"),),
        scalable_targets=(EC2_RESOURCE_ID,),
        services=(Service(EC2_CLUSTER, EC2_SERVICE),),
        capacity_providers=(EC2_PROVIDER,),
    ),
)
def ec2_two_layers(aws: AccountReader) -> Iterator[Requirement | Judged]:
    yield judged(f"service {EC2_SERVICE} on capacity provider {EC2_PROVIDER}")
    ecs = aws.ecs
    try:
        providers = ecs.describe_capacity_providers(capacityProviders=[EC2_PROVIDER])[
            "capacityProviders"
        ]
    except ClientError:
        providers = []
    settings = (providers[0].get("autoScalingGroupProvider") or {}) if providers else {}
    managed = settings.get("managedScaling") or {}
    yield requirement(
        f"{EC2_PROVIDER} group",
        EC2_PROVIDER,
        str(settings.get("autoScalingGroupArn", "")).rsplit("/", 1)[-1] or None,
    )
    yield requirement(
        f"{EC2_PROVIDER} managed scaling",
        "ENABLED, targetCapacity 100",
        f"{managed.get('status')}, targetCapacity {managed.get('targetCapacity')}"
        if managed
        else None,
    )
    clusters = ecs.describe_clusters(clusters=[EC2_CLUSTER])["clusters"]
    attached = list(clusters[0].get("capacityProviders") or []) if clusters else []
    yield requirement(
        f"cluster {EC2_CLUSTER} capacity providers",
        f"include {EC2_PROVIDER}",
        attached or None,
        ok=EC2_PROVIDER in attached,
    )
    try:
        found = ecs.describe_services(cluster=EC2_CLUSTER, services=[EC2_SERVICE])["services"]
    except ClientError:  # no cluster lab-ec2 yet
        found = []
    service = next((s for s in found if s.get("status") == "ACTIVE"), None)
    if service is None:
        yield _missing(f"service {EC2_SERVICE} in {EC2_CLUSTER}", "created")
        return
    strategy = [
        str(s.get("capacityProvider")) for s in service.get("capacityProviderStrategy") or []
    ]
    yield requirement(f"{EC2_SERVICE} capacityProviderStrategy", [EC2_PROVIDER], strategy or None)
    yield from _ec2_scaling(aws)
    desired, running = int(service["desiredCount"]), int(service["runningCount"])
    yield requirement(
        f"{EC2_SERVICE} desiredCount", "raised above 2 by the policy", desired, ok=desired > 2
    )
    yield requirement(
        f"{EC2_SERVICE} running, waiting for an instance",
        f"{desired} running, 0 waiting",
        f"{running} running, {service['pendingCount']} waiting",
        ok=running == desired and service["pendingCount"] == 0,
    )
    groups = aws.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[EC2_PROVIDER])[
        "AutoScalingGroups"
    ]
    members = {i["InstanceId"] for i in groups[0]["Instances"]} if groups else set()
    needed = -(-running // EC2_PER_INSTANCE)
    yield requirement(
        f"{EC2_PROVIDER} instances",
        f"grown by managed scaling to {needed} or more",
        len(members),
        ok=len(members) >= max(needed, 2),
    )
    arns = ecs.list_tasks(cluster=EC2_CLUSTER, serviceName=EC2_SERVICE, desiredStatus="RUNNING")[
        "taskArns"
    ]
    tasks = ecs.describe_tasks(cluster=EC2_CLUSTER, tasks=arns[:100])["tasks"] if arns else []
    hosts = {str(t.get("containerInstanceArn")) for t in tasks}
    instances = []
    if hosts - {"None"}:
        described = ecs.describe_container_instances(
            cluster=EC2_CLUSTER, containerInstances=sorted(hosts - {"None"})
        )["containerInstances"]
        instances = [str(c["ec2InstanceId"]) for c in described]
    on_group = [i for i in instances if i in members]
    yield requirement(
        f"{EC2_SERVICE} tasks on the group's instances",
        "all",
        f"{len(on_group)} of {len(instances)} instances used",
        ok=bool(tasks) and len(on_group) == len(instances) == len(hosts),
    )


CHECKS = (
    scalable_target,
    cpu_tracking,
    request_tracking,
    step_scaling,
    office_hours,
    repair_scale_in,
    predict_1015,
    predict_peak,
    ec2_two_layers,
)
