"""Targets register, pass or fail health checks on the clock, drain; requests route by rule."""

from __future__ import annotations

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import build


def test_targets_start_initial_and_become_healthy_after_threshold_times_interval(
    box: Sandbox,
) -> None:
    world = build(box)
    world.create_service(world.task_definition(), count=2, lb=True)
    assert [h[1:] for h in world.health()] == [("initial", "Elb.RegistrationInProgress")] * 2
    rt.advance(seconds=29)  # 3 x 10 s
    assert {h[1] for h in world.health()} == {"initial"}
    rt.advance(seconds=1)
    assert {h[1] for h in world.health()} == {"healthy"}
    ips = sorted(t["attachments"][0]["details"][-1]["value"] for t in world.tasks())
    assert [h[0] for h in world.health()] == ips


def test_a_security_group_closed_to_the_alb_times_out_and_ecs_replaces_the_task(
    box: Sandbox,
) -> None:
    world = build(box, open_task_sg=False)
    world.create_service(
        world.task_definition(), count=1, lb=True, healthCheckGracePeriodSeconds=60
    )
    first = world.tasks()[0]["taskArn"]
    rt.advance(seconds=20)
    assert world.health()[0][1:] == ("unhealthy", "Target.Timeout")
    assert any("is unhealthy in (target-group" in m for m in world.messages())
    rt.advance(seconds=40 + 60)  # grace period, then draining (60 s)
    stopped = world.client("ecs").describe_tasks(cluster="lab", tasks=[first])["tasks"][0]
    assert stopped["lastStatus"] == "STOPPED"
    assert (
        stopped["stoppedReason"]
        == f"Task failed ELB health checks in (target-group {world.tg_arn})"
    )
    assert world.service()["runningCount"] == 1  # replaced


def test_a_health_check_path_the_app_does_not_serve_is_a_response_code_mismatch(
    box: Sandbox,
) -> None:
    world = build(box)
    world.client("elbv2").modify_target_group(
        TargetGroupArn=world.tg_arn, HealthCheckPath="/health"
    )
    td = world.task_definition(container={"dockerLabels": {"ecs-learn.http.paths": "/,/api/*"}})
    world.create_service(td, count=1, lb=True, healthCheckGracePeriodSeconds=300)
    rt.advance(seconds=20)
    found = world.client("elbv2").describe_target_health(TargetGroupArn=world.tg_arn)[
        "TargetHealthDescriptions"
    ][0]
    assert found["TargetHealth"] == {
        "State": "unhealthy",
        "Reason": "Target.ResponseCodeMismatch",
        "Description": "Health checks failed with these codes: [404]",
    }


def test_scaling_in_drains_targets_for_the_deregistration_delay(box: Sandbox) -> None:
    world = build(box)
    world.create_service(world.task_definition(), count=2, lb=True)
    rt.advance(minutes=1)
    world.client("ecs").update_service(cluster="lab", service="web", desiredCount=1)
    assert sorted(h[1] for h in world.health()) == ["draining", "healthy"]
    assert "(service web) has begun draining connections on 1 tasks." in world.messages()
    rt.advance(seconds=60)
    assert [h[1] for h in world.health()] == ["healthy"]
    assert world.tasks(status="STOPPED")[0]["lastStatus"] == "STOPPED"


def test_requests_follow_listener_rules_by_priority_host_and_path(box: Sandbox) -> None:
    world = build(box)
    elbv2 = world.client("elbv2")
    api_tg = elbv2.create_target_group(
        Name="api", Protocol="HTTP", Port=80, VpcId=world.vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    listener = elbv2.describe_listeners(LoadBalancerArn=world.lb_arn)["Listeners"][0]["ListenerArn"]
    elbv2.create_rule(
        ListenerArn=listener,
        Priority=10,
        Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": api_tg}],
    )
    elbv2.create_rule(
        ListenerArn=listener,
        Priority=5,
        Conditions=[{"Field": "host-header", "Values": ["admin.example.com"]}],
        Actions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}],
    )
    world.create_service(world.task_definition(), count=1, lb=True)
    rt.advance(minutes=1)
    home = rt.send_request("web", "/")
    assert (home.status, home.target_group_arn) == (200, world.tg_arn)
    assert home.target is not None and home.target["Port"] == 80
    api = rt.send_request("web", "/api/users")
    assert (api.status, api.target_group_arn, api.target) == (503, api_tg, None)  # no targets there
    admin = rt.send_request("web", "/api/users", host="ADMIN.example.com")
    assert (admin.status, admin.action) == (403, "fixed-response")


def test_an_nlb_tcp_listener_forwards_to_its_target_group(box: Sandbox) -> None:
    world = build(box, alb=False)
    elbv2 = world.client("elbv2")
    nlb = elbv2.create_load_balancer(Name="net", Subnets=world.subnets, Type="network")[
        "LoadBalancers"
    ][0]
    world.tg_arn = elbv2.create_target_group(
        Name="tcp", Protocol="TCP", Port=80, VpcId=world.vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=nlb["LoadBalancerArn"],
        Protocol="TCP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": world.tg_arn}],
    )
    world.client("ec2").authorize_security_group_ingress(
        GroupId=world.task_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            }
        ],
    )
    world.create_service(world.task_definition(), count=2, lb=True)
    rt.advance(minutes=5)
    assert {h[1] for h in world.health()} == {"healthy"}
    first, second = rt.send_request(nlb["DNSName"]), rt.send_request(nlb["DNSName"])
    assert first.target_group_arn == world.tg_arn and first.target != second.target  # round robin
