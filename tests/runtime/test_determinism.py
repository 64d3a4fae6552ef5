"""Same script, same events and timeline: twice in a row, in both modes."""

from __future__ import annotations

import urllib.request
from typing import Any

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import REPO_HOST, build


def _seed(box: Sandbox, seed: int) -> None:
    if box.endpoint:
        urllib.request.urlopen(
            urllib.request.Request(f"{box.endpoint}/moto-api/seed?a={seed}", method="POST")
        )
    else:
        from moto.moto_api._internal import mock_random

        mock_random.seed(seed)


def _script(box: Sandbox) -> tuple[list[str], list[dict[str, Any]], list[Any]]:
    box.reset()
    _seed(box, 42)
    world = build(box)
    role = world.execution_role()
    good = world.task_definition(world.push(), executionRoleArn=role)
    world.create_service(
        good,
        count=3,
        lb=True,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    rt.advance(minutes=3)
    world.client("ecs").update_service(
        cluster="lab",
        service="web",
        taskDefinition=world.task_definition(f"{REPO_HOST}/web:nope", executionRoleArn=role),
    )
    rt.advance(minutes=10)
    world.client("ecs").update_service(cluster="lab", service="web", desiredCount=1)
    rt.advance(hours=1)
    return world.messages(), rt.timeline(), world.health()


def test_the_same_script_gives_the_same_events_and_timeline(box: Sandbox) -> None:
    first, second = _script(box), _script(box)
    assert first == second
    assert len(first[0]) > 10 and len(first[1]) > 10
