"""Target tracking as Application Auto Scaling documents it (see policies.py for sources)."""

from __future__ import annotations

from ecs_learn.runtime.scaling import ServiceModel, simulate
from ecs_learn.runtime.scaling.policies import TargetTracking, parse_policy, tracking_capacity
from tests.runtime.scaling.conftest import PLAIN, START, TARGET, steps, tracking


def test_load_doubling_reaches_the_formula_capacity_no_sooner_than_three_datapoints() -> None:
    # 2 tasks at 40% CPU; at minute 10 the load doubles to 80%.
    tl = simulate(
        [tracking()],
        TARGET,
        load=steps({0: 80, 10: 160}),
        start=START,
        minutes=20,
        desired=2,
        model=PLAIN,
    )
    desired = tl.column("desired")
    assert desired[:12] == [2] * 12  # minutes 10 and 11 breach, but 3 of 3 are needed
    assert desired[12] == tracking_capacity(2, 80.0, 50.0) == 4  # ceil(2 x 80 / 50)
    assert tl.records[12].acted == ("policy cpu50: desired 2->4",)
    high = next(n for n in tl.alarm_names() if "-AlarmHigh-" in n)
    assert tl.records[11].alarms[high] == "OK" and tl.records[12].alarms[high] == "ALARM"


def test_scale_in_waits_for_fifteen_low_datapoints_and_rounds_up() -> None:
    # 6 tasks at 50%; at minute 5 the load falls to 20% (below 0.9 x 50 = 45).
    tl = simulate(
        [tracking()],
        TARGET,
        load=steps({0: 300, 5: 120}),
        start=START,
        minutes=25,
        desired=6,
        model=PLAIN,
    )
    desired = tl.column("desired")
    assert desired[:19] == [6] * 19  # minutes 5..18 are 14 low datapoints
    assert desired[19] == 3  # ceil(6 x 20 / 50) = ceil(2.4)
    low = next(n for n in tl.alarm_names() if "-AlarmLow-" in n)
    assert "TargetTracking-service/lab/web-AlarmLow-" in low


def test_metric_just_below_target_does_not_scale_in() -> None:
    tl = simulate(
        [tracking()],
        TARGET,
        load=steps({0: 4 * 46}),
        start=START,
        minutes=40,
        desired=4,
        model=PLAIN,
    )
    assert set(tl.column("desired")) == {4}  # 46% is not below 45%


def test_scale_out_cooldown_counts_the_capacity_already_added() -> None:
    # Tasks take 4 minutes to start, so the metric stays at 80% after the scale-out.
    slow = ServiceModel(100.0, 0.0, 0.0, 1.0, task_startup_minutes=4)
    tl = simulate(
        [tracking()],
        TARGET,
        load=steps({0: 80, 10: 160}),
        start=START,
        minutes=20,
        desired=2,
        model=slow,
    )
    desired = tl.column("desired")
    assert desired[12] == 4
    # Without the rule it would have gone to ceil(4 x 80 / 50) = 7 at minute 13.
    assert desired[13:17] == [4, 4, 4, 4]


def test_a_larger_scale_out_during_the_cooldown_still_happens() -> None:
    slow = ServiceModel(100.0, 0.0, 0.0, 1.0, task_startup_minutes=4)
    # Target 25%: 2 tasks at 20%; 40% from minute 10, 80% from minute 13 (on 2 running tasks).
    tl = simulate(
        [tracking(value=25.0)],
        TARGET,
        load=steps({0: 40, 10: 80, 13: 160}),
        start=START,
        minutes=17,
        desired=2,
        model=slow,
    )
    desired = tl.column("desired")
    assert desired[12] == 4  # ceil(2 x 40 / 25)
    # Inside the cooldown, from the capacity before it: ceil(2 x 80 / 25) = 7 > 4 acts at once
    # (the alarm is still in ALARM, so it needs no new 3 datapoints).
    assert desired[13] == 7
    assert desired[14:17] == [7, 7, 7]


def test_after_the_cooldown_the_policy_scales_from_the_current_capacity() -> None:
    tl = simulate(
        [tracking()],
        TARGET,
        load=steps({0: 80, 10: 400}),
        start=START,
        minutes=30,
        desired=2,
        model=PLAIN,
    )
    desired = tl.column("desired")
    assert desired[12] == 4  # 2 tasks at 100% (capped): ceil(2 x 100 / 50)
    assert desired[13:17] == [4] * 4  # 4 running at 100% asks 4 from the base of 2: held
    assert desired[17] == 8  # the 300 s cooldown is over: ceil(4 x 100 / 50)
    assert desired[-1] == 8  # 400 rps at 50% per task: not above the target


def test_disable_scale_in_creates_no_low_alarm_and_never_scales_in() -> None:
    tl = simulate(
        [tracking(DisableScaleIn=True)],
        TARGET,
        load=steps({0: 300, 5: 50}),
        start=START,
        minutes=40,
        desired=6,
        model=PLAIN,
    )
    assert set(tl.column("desired")) == {6}
    assert [n for n in tl.alarm_names() if "AlarmLow" in n] == []


def test_two_policies_take_the_larger_capacity() -> None:
    # CPU% = rps per task; memory% = 1.2 x rps per task. CPU targets 50%, memory 30%.
    model = ServiceModel(100.0, 0.0, 0.0, 1.2, task_startup_minutes=1)
    policies = [tracking("cpu", 50.0), tracking("mem", 30.0, "ECSServiceAverageMemoryUtilization")]
    tl = simulate(
        policies,
        TARGET,
        load=steps({0: 40, 10: 120}),
        start=START,
        minutes=14,
        desired=2,
        model=model,
    )
    # At minute 12: CPU 60% asks ceil(2 x 60/50) = 3, memory 72% asks ceil(2 x 72/30) = 5.
    assert tracking_capacity(2, 60, 50) == 3 and tracking_capacity(2, 72, 30) == 5
    assert tl.column("desired")[12] == 5
    assert tl.records[12].acted == ("policy mem: desired 2->5",)


def test_scale_in_only_when_every_tracking_policy_agrees() -> None:
    # CPU is low but memory stays at its target: no scale-in.
    model = ServiceModel(100.0, 0.0, 50.0, 0.0, task_startup_minutes=1)
    policies = [tracking("cpu"), tracking("mem", metric="ECSServiceAverageMemoryUtilization")]
    tl = simulate(
        policies, TARGET, load=steps({0: 100}), start=START, minutes=40, desired=5, model=model
    )
    assert set(tl.column("desired")) == {5}
    # Memory low too: both agree, the larger of the two capacities wins.
    model = ServiceModel(100.0, 0.0, 20.0, 0.0, task_startup_minutes=1)
    tl = simulate(
        policies, TARGET, load=steps({0: 100}), start=START, minutes=40, desired=5, model=model
    )
    # CPU asks ceil(5 x 20/50) = 2, memory ceil(5 x 20/50) = 2.
    assert tl.column("desired")[14] == 2


def test_capacity_stays_within_min_and_max() -> None:
    target = {**TARGET, "MaxCapacity": 3}
    tl = simulate(
        [tracking()],
        target,
        load=steps({0: 80, 10: 400}),
        start=START,
        minutes=20,
        desired=2,
        model=PLAIN,
    )
    assert max(tl.column("desired")) == 3
    target = {**TARGET, "MinCapacity": 4}
    tl = simulate(
        [tracking()], target, load=steps({0: 10}), start=START, minutes=40, desired=6, model=PLAIN
    )
    assert min(tl.column("desired")) == 4


def test_suspended_scale_out_does_nothing() -> None:
    target = {**TARGET, "SuspendedState": {"DynamicScalingOutSuspended": True}}
    tl = simulate(
        [tracking()],
        target,
        load=steps({0: 80, 10: 160}),
        start=START,
        minutes=20,
        desired=2,
        model=PLAIN,
    )
    assert set(tl.column("desired")) == {2}


def test_high_resolution_metric_scales_out_after_one_minute() -> None:
    policy = tracking(metric="ECSServiceAverageCPUUtilizationHighResolution")
    tl = simulate(
        [policy],
        TARGET,
        load=steps({0: 80, 10: 160}),
        start=START,
        minutes=14,
        desired=2,
        model=PLAIN,
    )
    assert tl.column("desired")[9:11] == [2, 4]  # three 20-second datapoints in minute 10


def test_alb_request_count_per_target_is_requests_per_minute_per_task() -> None:
    policy = tracking("alb", 3000.0, "ALBRequestCountPerTarget")
    policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
        "ResourceLabel"
    ] = "app/web/0123456789abcdef/targetgroup/web/0123456789abcdef"
    tl = simulate(
        [policy],
        TARGET,
        load=steps({0: 100, 5: 200}),
        start=START,
        minutes=9,
        desired=2,
        model=PLAIN,
    )
    assert tl.column("RequestCountPerTarget")[0] == 3000.0  # 100 rps x 60 s / 2 targets
    assert tl.column("desired")[7] == 4  # ceil(2 x 6000 / 3000)
    parsed = parse_policy({"ResourceId": "service/lab/web", **policy})
    assert isinstance(parsed, TargetTracking)
    high, _ = parsed.alarms()
    assert (high.namespace, high.metric_name, high.statistic) == (
        "AWS/ApplicationELB",
        "RequestCountPerTarget",
        "Sum",
    )
    assert high.dimensions == {"TargetGroup": "targetgroup/web/0123456789abcdef"}


def test_target_tracking_alarms_have_aws_names_thresholds_and_datapoints() -> None:
    parsed = parse_policy({"ResourceId": "service/lab/web", **tracking(value=60)})
    assert isinstance(parsed, TargetTracking)
    high, low = parsed.alarms("1234")
    assert low is not None
    assert high.name == "TargetTracking-service/lab/web-AlarmHigh-1234"
    assert (high.threshold, high.comparison, high.period, high.evaluation_periods) == (
        60.0,
        "GreaterThanThreshold",
        60,
        3,
    )
    assert (low.threshold, low.comparison, low.evaluation_periods, low.datapoints_to_alarm) == (
        54.0,
        "LessThanThreshold",
        15,
        15,
    )
    assert high.dimensions == {"ClusterName": "lab", "ServiceName": "web"}


def test_the_same_inputs_give_the_same_timeline() -> None:
    def run() -> str:
        return simulate(
            [tracking()],
            TARGET,
            load=steps({0: 80, 10: 300, 60: 50}),
            start=START,
            minutes=120,
            desired=2,
            model=PLAIN,
        ).to_csv()

    assert run() == run()
