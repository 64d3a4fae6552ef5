"""Rolling updates within min/max percent, the circuit breaker, rollback; the issue's scenario."""

from __future__ import annotations

import ecs_learn.runtime as rt
from ecs_learn.runtime.deployments import failure_threshold
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import REPO_HOST, build


def test_the_circuit_breaker_threshold_follows_aws_formula() -> None:
    assert [failure_threshold(n) for n in (1, 3, 6, 7, 25, 400, 800)] == [3, 3, 3, 4, 13, 200, 200]


def test_a_rolling_update_without_a_load_balancer_completes_in_the_call(box: Sandbox) -> None:
    world = build(box, alb=False)
    world.create_service(world.task_definition(), count=2)
    new = world.task_definition("nginx:1.28")
    world.client("ecs").update_service(cluster="lab", service="web", taskDefinition=new)
    service = world.service()
    assert [
        (d["status"], d["rolloutState"], d["taskDefinition"]) for d in service["deployments"]
    ] == [("PRIMARY", "COMPLETED", new)]
    assert {t["taskDefinitionArn"] for t in world.tasks()} == {new}


def test_a_min_healthy_100_max_100_deployment_is_stuck_and_says_so(box: Sandbox) -> None:
    world = build(box, alb=False)
    config = {"minimumHealthyPercent": 100, "maximumPercent": 100}
    world.create_service(world.task_definition(), count=2, deploymentConfiguration=config)
    world.client("ecs").update_service(
        cluster="lab", service="web", taskDefinition=world.task_definition("nginx:1.28")
    )
    assert world.messages()[0].endswith(
        "Update the minimumHealthyPercent or maximumPercent value and try again."
    )


def test_scenario_alb_service_converges_then_a_broken_revision_trips_the_breaker_and_rolls_back(
    box: Sandbox,
) -> None:
    world = build(box)
    role = world.execution_role()
    good = world.task_definition(world.push("web", "v1"), executionRoleArn=role)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    world.create_service(good, count=3, lb=True, deploymentConfiguration=breaker)
    assert world.service()["runningCount"] == 3
    assert sorted(t["availabilityZone"] for t in world.tasks()) == [
        "us-east-1a",
        "us-east-1a",
        "us-east-1b",
    ]
    rt.advance(minutes=2)
    assert [h[1] for h in world.health()] == ["healthy"] * 3
    first = world.service()["deployments"][0]
    assert first["rolloutState"] == "COMPLETED"

    broken = world.task_definition(f"{REPO_HOST}/web:v2", executionRoleArn=role)  # never pushed
    world.client("ecs").update_service(cluster="lab", service="web", taskDefinition=broken)
    service = world.service()
    failed = next(d for d in service["deployments"] if d["taskDefinition"] == broken)
    assert (failed["rolloutState"], failed["rolloutStateReason"]) == (
        "FAILED",
        "ECS deployment circuit breaker: tasks failed to start.",
    )
    assert failed["failedTasks"] == 3
    primary = service["deployments"][0]
    assert primary["taskDefinition"] == good and primary["rolloutStateReason"] == (
        f"ECS deployment circuit breaker: rolling back to deploymentId {first['id']}."
    )
    assert service["taskDefinition"] == good
    assert any(m.endswith("deployment failed: tasks failed to start.") for m in world.messages())
    rt.advance(minutes=5)
    service = world.service()
    assert [(d["status"], d["rolloutState"]) for d in service["deployments"]] == [
        ("PRIMARY", "COMPLETED")
    ]
    assert service["runningCount"] == 3
    assert [h[1] for h in world.health()] == ["healthy"] * 3
    assert world.messages()[0] == "(service web) has reached a steady state."


def test_a_rollback_tripped_while_the_clock_runs_starts_its_tasks_at_once(box: Sandbox) -> None:
    world = build(box)
    role = world.execution_role()
    good = world.task_definition(world.push("web", "v1"), executionRoleArn=role)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    world.create_service(good, count=2, lb=True, deploymentConfiguration=breaker)
    rt.advance(minutes=2)
    broken = world.task_definition(f"{REPO_HOST}/web:v2", executionRoleArn=role)
    world.client("ecs").update_service(cluster="lab", service="web", taskDefinition=broken)
    # 2 failures < threshold 3: the breaker trips on the retry, inside advance
    rt.advance(minutes=2)
    service = world.service()
    assert [(d["rolloutState"], d["taskDefinition"]) for d in service["deployments"]] == [
        ("COMPLETED", good)
    ]
    assert service["runningCount"] == 2
