"""The service scheduler on Fargate: tasks start, spread over AZs, and are replaced (both modes)."""

from __future__ import annotations

import ipaddress

from ecs_learn.sandbox import Sandbox
from tests.runtime.world import build


def test_a_fargate_service_runs_its_tasks_spread_over_azs_before_the_call_returns(
    box: Sandbox,
) -> None:
    world = build(box, alb=False)
    world.create_service(world.task_definition(), count=4)
    service = world.service()
    assert (service["runningCount"], service["pendingCount"]) == (4, 0)
    deployment = service["deployments"][0]
    assert (deployment["status"], deployment["rolloutState"], deployment["runningCount"]) == (
        "PRIMARY",
        "COMPLETED",
        4,
    )
    tasks = world.tasks()
    assert len(tasks) == 4
    assert {t["group"] for t in tasks} == {"service:web"}
    assert {t["startedBy"] for t in tasks} == {deployment["id"]}
    assert deployment["id"].startswith("ecs-svc/")
    assert sorted(t["availabilityZone"] for t in tasks) == [
        "us-east-1a",
        "us-east-1a",
        "us-east-1b",
        "us-east-1b",
    ]
    cidrs = {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24"}
    for task in tasks:
        details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
        assert ipaddress.ip_address(details["privateIPv4Address"]) in ipaddress.ip_network(
            cidrs[task["availabilityZone"]]
        )
        assert (task["cpu"], task["memory"], task["launchType"], task["platformVersion"]) == (
            "256",
            "512",
            "FARGATE",
            "1.4.0",
        )
        assert task["lastStatus"] == "RUNNING"
    messages = world.messages()
    assert messages[0] == "(service web) has reached a steady state."
    assert messages[-1].startswith("(service web) has started 4 tasks: (task ")


def test_scaling_in_stops_tasks_with_the_schedulers_stop_code(box: Sandbox) -> None:
    world = build(box, alb=False)
    world.create_service(world.task_definition(), count=3)
    world.client("ecs").update_service(cluster="lab", service="web", desiredCount=1)
    assert world.service()["runningCount"] == 1
    stopped = world.tasks(status="STOPPED")
    assert len(stopped) == 2
    assert {t["stopCode"] for t in stopped} == {"ServiceSchedulerInitiated"}
    assert all(
        t["stoppedReason"].startswith("Scaling activity initiated by (deployment ecs-svc/")
        for t in stopped
    )
    assert any(m.startswith("(service web) has stopped 2 running tasks:") for m in world.messages())


def test_a_task_the_learner_stops_is_replaced(box: Sandbox) -> None:
    world = build(box, alb=False)
    world.create_service(world.task_definition(), count=2)
    victim = world.tasks()[0]["taskArn"]
    world.client("ecs").stop_task(cluster="lab", task=victim, reason="testing")
    assert world.service()["runningCount"] == 2
    stopped = world.client("ecs").describe_tasks(cluster="lab", tasks=[victim])["tasks"][0]
    assert (stopped["lastStatus"], stopped["stopCode"], stopped["stoppedReason"]) == (
        "STOPPED",
        "UserInitiated",
        "testing",
    )


def test_run_task_works_for_the_normal_fargate_shape_on_a_create_vpc_subnet(box: Sandbox) -> None:
    world = build(box, alb=False)
    ecs = world.client("ecs")
    task = ecs.run_task(
        cluster="lab",
        taskDefinition=world.task_definition(),
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [world.subnets[1]]}
        },  # no securityGroups
    )["tasks"][0]
    described = ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"][0]
    assert (described["lastStatus"], described["availabilityZone"], described["group"]) == (
        "RUNNING",
        "us-east-1b",
        "family:web",
    )


def test_list_tasks_filters_by_service_and_exact_cluster(box: Sandbox) -> None:
    world = build(box, alb=False)
    ecs = world.client("ecs")
    td = world.task_definition()
    world.create_service(td, count=2)
    world.create_service(td, count=1, serviceName="api")
    ecs.create_cluster(clusterName="ec2lab")
    assert len(ecs.list_tasks(cluster="lab", serviceName="web")["taskArns"]) == 2
    assert len(ecs.list_tasks(cluster="lab", serviceName="api")["taskArns"]) == 1
    assert ecs.list_tasks(cluster="ec2lab")["taskArns"] == []


def test_describe_shows_the_deployment_configuration_the_learner_sent(box: Sandbox) -> None:
    world = build(box, alb=False)
    config = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 150,
        "minimumHealthyPercent": 50,
    }
    world.create_service(world.task_definition(), count=1, deploymentConfiguration=config)
    assert world.service()["deploymentConfiguration"] == config


def test_fargate_spot_strategy_records_the_provider_each_task_used(box: Sandbox) -> None:
    world = build(box, alb=False)
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    params = {"capacityProviderStrategy": strategy}
    ecs = world.client("ecs")
    ecs.create_service(
        cluster="lab",
        serviceName="web",
        taskDefinition=world.task_definition(),
        desiredCount=3,
        networkConfiguration=world.network(),
        **params,
    )
    providers = sorted(t["capacityProviderName"] for t in world.tasks())
    assert providers == ["FARGATE", "FARGATE", "FARGATE_SPOT"]


def test_an_ec2_service_without_container_instances_cannot_place_tasks(box: Sandbox) -> None:
    world = build(box, alb=False)
    ecs = world.client("ecs")
    td = ecs.register_task_definition(
        family="ec2web",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="lab", serviceName="web", taskDefinition=td, desiredCount=1, launchType="EC2"
    )
    assert world.service()["runningCount"] == 0
    assert world.messages()[0] == (
        "(service web) was unable to place a task because no container instance met all of its "
        "requirements. Reason: No Container Instances were found in your cluster. For more "
        "information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    )


def test_an_update_by_family_names_the_revision_and_the_same_revision_deploys_nothing(
    box: Sandbox,
) -> None:
    """moto kept ``taskDefinition="web"`` as given; AWS stores the revision's ARN, and an
    update that names the revision the service already runs starts no deployment."""
    world = build(box, alb=False)
    first = world.task_definition()
    world.create_service(first, count=2)
    ecs = world.client("ecs")
    ecs.update_service(cluster="lab", service="web", taskDefinition="web")
    service = world.service()
    assert service["taskDefinition"] == first
    assert len(service["deployments"]) == 1 and len(world.tasks()) == 2
    second = world.task_definition()
    ecs.update_service(cluster="lab", service="web", taskDefinition="web")
    assert world.service()["taskDefinition"] == second
