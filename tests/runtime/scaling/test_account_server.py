"""The same adapter against a loopback moto server (the grader's mode): the sandbox's moto
extensions are applied in the server process too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn.runtime.scaling import ScalingEngine
from ecs_learn.sandbox import Sandbox
from ecs_learn.sandbox.server import MotoServer
from tests.runtime.scaling.test_account import PLAIN, RID, START, cpu_policy, run, service


@pytest.fixture(scope="module")
def server_box() -> Iterator[Any]:
    with MotoServer() as server:
        box = Sandbox(server.endpoint).start(background=False)
        try:
            yield box
        finally:
            box.stop()


def test_policy_acts_and_activities_read_back_over_http(server_box: Any) -> None:
    service(server_box)
    answer = cpu_policy(server_box)
    high = next(a["AlarmName"] for a in answer["Alarms"] if "-AlarmHigh-" in a["AlarmName"])
    cw = server_box.client("cloudwatch")
    assert cw.describe_alarms(AlarmNames=[high])["MetricAlarms"][0]["Threshold"] == 50.0
    run(server_box, ScalingEngine(PLAIN), 14, lambda m: 80 if m < 10 else 160)
    ecs = server_box.client("ecs")
    assert (
        ecs.describe_services(cluster="lab", services=["web"])["services"][0]["desiredCount"] == 4
    )
    activities = server_box.client("application-autoscaling").describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId=RID
    )["ScalingActivities"]
    assert [a["Description"] for a in activities] == ["Setting desired count to 4."]
    assert activities[0]["StartTime"] == START + dt.timedelta(minutes=12)
