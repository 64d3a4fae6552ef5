"""Lab 06's checks against real moto: the solution passes, mistakes fail with the reason, and
the prediction checks follow the learner's own policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from ecs_learn.checks.lab06 import PREDICTIONS, desired_at, replay_account
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import run_solution

NOTEBOOK = "06-service-auto-scaling.ipynb"
LAB = get_lab("06")


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


@pytest.fixture
def solved(reader: AccountReader) -> AccountReader:
    run_solution(NOTEBOOK, skip_tags=("report", "quiz", "clock"))
    return reader


def _wrong(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}


def test_every_check_passes_on_the_instructor_solution_and_fails_on_an_empty_account(
    sandbox: Any, reader: AccountReader
) -> None:
    empty = LAB.run_all(reader)
    assert {r.status for r in empty.results} == {Status.FAILED} and empty.points == 0
    run_solution(NOTEBOOK, skip_tags=("report", "quiz", "clock"))
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ]
    assert report.points == report.max_points == 23
    assert_every_row_priced(LAB, report)
    assert len(LAB.checks) >= 5


def test_a_typed_resource_label_that_names_another_target_group_fails(
    solved: AccountReader, sandbox: Any
) -> None:
    aas = sandbox.client("application-autoscaling")
    aas.put_scaling_policy(
        PolicyName="requests-3000",
        ServiceNamespace="ecs",
        ResourceId="service/lab/web",
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 3000.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ALBRequestCountPerTarget",
                "ResourceLabel": "app/web/0123456789abcdef/targetgroup/web/0123456789abcdef",
            },
            "ScaleOutCooldown": 60,
        },
    )
    wrong = _wrong("request-tracking", solved)
    assert list(wrong) == ["ResourceLabel"]  # ScaleInCooldown left out is ECS's 300 s
    expected, found = wrong["ResourceLabel"]
    assert expected.startswith("app/web/") and "/targetgroup/web/" in expected
    assert found.endswith("0123456789abcdef")
    assert LAB.run("request-tracking", solved).points == 2  # all but the label's point


def test_a_step_policy_aws_would_refuse_earns_nothing(solved: AccountReader, sandbox: Any) -> None:
    """Overlapping steps: moto alone stores them; every other row of the exercise holds."""
    aas = sandbox.client("application-autoscaling")
    with strict.lenient():
        aas.put_scaling_policy(
            PolicyName="cpu-burst",
            ServiceNamespace="ecs",
            ResourceId="service/lab/web",
            ScalableDimension="ecs:service:DesiredCount",
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": 180,
                "StepAdjustments": [
                    {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10,
                     "ScalingAdjustment": 2},
                    {"MetricIntervalLowerBound": 5, "ScalingAdjustment": 4},
                ],
            },
        )  # fmt: skip
    result = LAB.run("step-scaling", solved)
    wrong = {r.label: r.found for r in result.requirements if not r.ok}
    assert "AAS015" in wrong["AWS accepts it"] and "step adjustments" in wrong
    assert not {"PolicyType", "AdjustmentType", "Cooldown (s)", "alarm threshold"} & set(wrong)
    assert result.points == 0


def test_office_hours_in_utc_fail_on_the_time_zone_and_on_when_the_minimum_rises(
    solved: AccountReader, sandbox: Any
) -> None:
    """Seen walking lab 06: without Timezone the simulated row still passed (the morning's
    load alone kept 7 tasks running at 08:05 Berlin), so it judged nothing of the schedule."""
    aas = sandbox.client("application-autoscaling")
    target = {
        "ServiceNamespace": "ecs",
        "ResourceId": "service/lab/web",
        "ScalableDimension": "ecs:service:DesiredCount",
    }
    for name, hour, low in (("office-open", 8, 4), ("office-close", 19, 2)):
        # put again without Timezone would keep Berlin: an update changes only what it names
        aas.delete_scheduled_action(ScheduledActionName=name, **target)
        aas.put_scheduled_action(
            ScheduledActionName=name,
            **target,
            Schedule=f"cron(0 {hour} ? * MON-FRI *)",
            ScalableTargetAction={"MinCapacity": low, "MaxCapacity": 12},
        )
    wrong = _wrong("office-hours", solved)
    assert set(wrong) == {
        "office-open Timezone",
        "office-close Timezone",
        "MinCapacity at 08:00 Berlin (simulated)",
    }
    assert wrong["MinCapacity at 08:00 Berlin (simulated)"][1] == "2 at 07:55, 2 at 08:05 Berlin"
    assert desired_at(replay_account(solved), 7, 5) >= 4  # what the old row looked at


def test_the_unrepaired_memory_policy_fails_on_its_setting_and_its_behaviour(
    solved: AccountReader, sandbox: Any
) -> None:
    sandbox.client("application-autoscaling").put_scaling_policy(
        PolicyName="memory-guard",
        ServiceNamespace="ecs",
        ResourceId="service/lab/web",
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 35.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageMemoryUtilization"
            },
            "DisableScaleIn": True,
        },
    )
    wrong = _wrong("repair-scale-in", solved)
    assert wrong["policies with DisableScaleIn"] == ("none", "memory-guard")
    assert wrong["memory-guard TargetValue"][1] == "35.0"
    assert wrong["tasks at 23:30 UTC (simulated)"][0] == "MinCapacity (2)"
    assert int(wrong["tasks at 23:30 UTC (simulated)"][1]) > 2


def test_predictions_are_judged_against_a_replay_of_the_learners_own_policies(
    solved: AccountReader, sandbox: Any
) -> None:
    ssm, aas = sandbox.client("ssm"), sandbox.client("application-autoscaling")
    ssm.put_parameter(Name=PREDICTIONS["desired-at-1015"], Value="7", Type="String", Overwrite=True)
    assert _wrong("predict-1015", solved) == {
        "desired count at 10:15": ("what the simulator gives for your policies", "7")
    }
    # A lower maximum changes the simulation, so the same true answer no longer holds.
    for name in ("office-open", "office-close"):
        aas.delete_scheduled_action(
            ServiceNamespace="ecs",
            ScheduledActionName=name,
            ResourceId="service/lab/web",
            ScalableDimension="ecs:service:DesiredCount",
        )
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/lab/web",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=2,
        MaxCapacity=9,
    )
    replay = replay_account(solved)
    assert max(replay.timeline.column("desired")) == 9
    ssm.put_parameter(Name=PREDICTIONS["peak"], Value="12", Type="String", Overwrite=True)
    assert LAB.run("predict-peak", solved).status is Status.FAILED
    ssm.put_parameter(Name=PREDICTIONS["peak"], Value="9", Type="String", Overwrite=True)
    assert LAB.run("predict-peak", solved).passed
    ssm.put_parameter(
        Name=PREDICTIONS["desired-at-1015"],
        Value=str(desired_at(replay, 10, 15)),
        Type="String",
        Overwrite=True,
    )
    assert LAB.run("predict-1015", solved).passed


def test_an_unreadable_prediction_says_what_it_wants(solved: AccountReader, sandbox: Any) -> None:
    sandbox.client("ssm").put_parameter(
        Name=PREDICTIONS["peak"], Value="about ten", Type="String", Overwrite=True
    )
    assert _wrong("predict-peak", solved) == {
        f"your prediction ({PREDICTIONS['peak']})": ("a whole number", "nothing")
    }


def test_without_managed_scaling_the_added_tasks_wait_and_no_instance_comes(
    reader: AccountReader,
) -> None:
    from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
    from tests.labs.notebook_code import code_cells

    namespace: dict[str, Any] = {"__name__": "__lab__"}
    disabled = 0
    for cell in code_cells(NOTEBOOK):
        if cell_check_id(cell) is not None or {"report", "quiz", "clock"} & set(cell_tags(cell)):
            continue
        source = cell_source(cell)
        if '"status": "ENABLED", "targetCapacity": 100' in source:
            source = source.replace('"status": "ENABLED"', '"status": "DISABLED"')
            disabled += 1
        exec(compile(source, "<lab06>", "exec"), namespace)
    assert disabled == 1
    wrong = _wrong("ec2-two-layers", reader)
    assert wrong["lab06-ec2 managed scaling"] == (
        "ENABLED, targetCapacity 100",
        "DISABLED, targetCapacity 100",
    )
    assert wrong["web-ec2 running, waiting for an instance"][1].startswith("0 running")
    assert wrong["lab06-ec2 instances"][1] == "0"
    assert "managedScaling" in LAB.run("ec2-two-layers", reader).hint
