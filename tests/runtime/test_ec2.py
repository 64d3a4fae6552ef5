"""The EC2 launch type end to end (both modes): instances register, tasks are placed on them."""

from __future__ import annotations

import base64
import json
from typing import Any

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.test_agent import AL2023, USER_DATA, container_instances, profile
from tests.runtime.world import World, build

LAB = USER_DATA.format(cluster="lab")


def instances(world: World, count: int = 2, itype: str = "t3.medium", **kw: Any) -> list[str]:
    """``count`` instances from the ECS-optimized AMI, one per subnet in turn."""
    ec2, ssm = world.client("ec2"), world.client("ssm")
    image = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
    name = kw.pop("profile_name", None) or _profile(world)
    ids = []
    for n in range(count):
        ids += [
            i["InstanceId"]
            for i in ec2.run_instances(
                ImageId=image,
                MinCount=1,
                MaxCount=1,
                InstanceType=itype,
                UserData=LAB,
                IamInstanceProfile={"Name": name},
                SubnetId=world.subnets[n % len(world.subnets)],
                SecurityGroupIds=[world.task_sg],
            )["Instances"]
        ]
    return ids


def _profile(world: World) -> str:
    try:
        world.client("iam").get_instance_profile(InstanceProfileName="ecsInstance")
        return "ecsInstance"
    except world.client("iam").exceptions.NoSuchEntityException:
        return profile(world.box)


def ec2_definition(world: World, host_port: int | None = 80, memory: int = 256) -> str:
    mapping: dict[str, Any] = {"containerPort": 80}
    if host_port is not None:
        mapping["hostPort"] = host_port
    arn: str = world.client("ecs").register_task_definition(
        family="ec2web",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[
            {"name": "web", "image": "nginx", "memory": memory, "portMappings": [mapping]}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    return arn


def ec2_service(world: World, td: str, count: int, **extra: Any) -> None:
    params: dict[str, Any] = {
        "cluster": "lab",
        "serviceName": "web",
        "taskDefinition": td,
        "desiredCount": count,
        "launchType": "EC2",
    }
    params.update(extra)
    if "capacityProviderStrategy" in params:
        params.pop("launchType")
    world.client("ecs").create_service(**params)


def hosts_of(world: World) -> dict[str, str]:
    """container instance ARN -> EC2 instance id."""
    return {
        c["containerInstanceArn"]: c["ec2InstanceId"] for c in container_instances(world.box, "lab")
    }


def test_launched_instances_register_and_a_weak_profile_does_not(box: Sandbox) -> None:
    world = build(box, alb=False)
    ids = instances(world)
    assert sorted(hosts_of(world).values()) == sorted(ids)
    iam = world.client("iam")
    iam.create_role(RoleName="weak", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }))  # fmt: skip
    iam.create_instance_profile(InstanceProfileName="weak")
    iam.add_role_to_instance_profile(InstanceProfileName="weak", RoleName="weak")
    [weak] = instances(world, 1, profile_name="weak")
    assert weak not in hosts_of(world).values()
    outcome = rt.agent_outcomes()[weak]
    assert not outcome["registered"] and "ecs:RegisterContainerInstance" in outcome["reason"]
    assert any(e["kind"] == "instance-not-registered" for e in rt.timeline())


def test_static_host_port_on_two_instances_places_two_and_the_third_is_unplaceable(
    box: Sandbox,
) -> None:
    world = build(box, alb=False)
    instances(world)
    ec2_service(world, ec2_definition(world), 3)
    service = world.service()
    assert (service["runningCount"], service["desiredCount"]) == (2, 3)
    tasks = world.tasks()
    assert len({t["containerInstanceArn"] for t in tasks}) == 2
    assert all(t["launchType"] == "EC2" for t in tasks)
    unplaced = [m for m in world.messages() if "unable to place" in m]
    assert len(unplaced) == 1
    assert unplaced[0].startswith(
        "(service web) was unable to place a task because no container instance met all of its "
        "requirements. The closest matching (container-instance "
    )
    assert unplaced[0].endswith(
        ") is already using a port required by your task. For more information, see the "
        "Troubleshooting section of the Amazon ECS Developer Guide."
    )
    rt.advance(minutes=3)  # the scheduler keeps trying, the event is not repeated
    assert world.service()["runningCount"] == 2
    assert len([m for m in world.messages() if "unable to place" in m]) == 1
    instances(world, 1)  # a third instance: the third task lands there
    assert world.service()["runningCount"] == 3


def test_dynamic_host_ports_put_several_tasks_on_an_instance(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world)
    ec2_service(world, ec2_definition(world, host_port=0), 6)
    tasks = world.tasks()
    assert len(tasks) == 6
    by_host: dict[str, list[int]] = {}
    for task in tasks:
        [binding] = task["containers"][0]["networkBindings"]
        assert binding["containerPort"] == 80 and binding["protocol"] == "tcp"
        by_host.setdefault(task["containerInstanceArn"], []).append(binding["hostPort"])
    assert sorted(len(p) for p in by_host.values()) == [3, 3]  # spread over the AZs
    for ports in by_host.values():
        assert sorted(ports) == [32768, 32769, 32770]


def test_binpack_spread_distinct_instance_and_member_of(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world, 2)
    [small] = instances(world, 1, itype="t3.small")
    ecs = world.client("ecs")
    td = ec2_definition(world, host_port=None)
    ec2_service(world, td, 3, placementStrategy=[{"type": "binpack", "field": "memory"}])
    assert {hosts_of(world)[t["containerInstanceArn"]] for t in world.tasks()} == {small}
    ecs.delete_service(cluster="lab", service="web", force=True)
    ec2_service(
        world,
        td,
        3,
        serviceName="spread",
        placementStrategy=[{"type": "spread", "field": "instanceId"}],
    )
    assert len({t["containerInstanceArn"] for t in world.tasks("spread")}) == 3
    ec2_service(
        world, td, 4, serviceName="distinct", placementConstraints=[{"type": "distinctInstance"}]
    )
    assert len({t["containerInstanceArn"] for t in world.tasks("distinct")}) == 3
    assert any(
        'encountered error "DistinctInstance placement constraint unsatisfied."' in m
        for m in world.messages("distinct")
    )
    ec2_service(
        world,
        td,
        2,
        serviceName="small",
        placementConstraints=[
            {"type": "memberOf", "expression": "attribute:ecs.instance-type == t3.small"}
        ],
    )
    assert {hosts_of(world)[t["containerInstanceArn"]] for t in world.tasks("small")} == {small}


def test_an_instance_target_group_gets_instance_and_host_port_and_turns_healthy(
    box: Sandbox,
) -> None:
    world = build(box)
    ec2 = world.client("ec2")
    ec2.authorize_security_group_ingress(
        GroupId=world.task_sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 32768, "ToPort": 60999,
                        "UserIdGroupPairs": [{"GroupId": world.alb_sg}]}],
    )  # fmt: skip
    elbv2 = world.client("elbv2")
    tg = elbv2.create_target_group(
        Name="inst", Protocol="HTTP", Port=80, VpcId=world.vpc, TargetType="instance",
        HealthCheckIntervalSeconds=10, HealthyThresholdCount=3,
    )["TargetGroups"][0]["TargetGroupArn"]  # fmt: skip
    elbv2.create_listener(
        LoadBalancerArn=world.lb_arn,
        Protocol="HTTP",
        Port=8080,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    ids = instances(world)
    ec2_service(
        world,
        ec2_definition(world, host_port=0),
        2,
        loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 80}],
    )
    found = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    targets = sorted((h["Target"]["Id"], h["Target"]["Port"]) for h in found)
    assert targets == sorted((i, 32768) for i in ids)
    assert {h["TargetHealth"]["State"] for h in found} == {"initial"}
    rt.advance(seconds=30)
    found = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert {h["TargetHealth"]["State"] for h in found} == {"healthy"}


def test_managed_scaling_grows_the_group_and_the_waiting_tasks_then_run(box: Sandbox) -> None:
    world = build(box, alb=False)
    name = _profile(world)
    image = world.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    world.client("ec2").create_launch_template(
        LaunchTemplateName="ecs-lt",
        LaunchTemplateData={
            "ImageId": image,
            "InstanceType": "t3.small",
            "IamInstanceProfile": {"Name": name},
            "UserData": base64.b64encode(LAB.encode()).decode(),
        },
    )
    asg = world.client("autoscaling")
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-asg",
        LaunchTemplate={"LaunchTemplateName": "ecs-lt", "Version": "$Latest"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=0,
        VPCZoneIdentifier=",".join(world.subnets),
    )
    group_arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["ecs-asg"])[
        "AutoScalingGroups"
    ][0]["AutoScalingGroupARN"]
    ecs = world.client("ecs")
    ecs.create_capacity_provider(
        name="asg-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": group_arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        },
    )
    ecs.put_cluster_capacity_providers(
        cluster="lab",
        capacityProviders=["asg-cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg-cp", "weight": 1}],
    )
    ec2_service(
        world, ec2_definition(world), 2, capacityProviderStrategy=[{"capacityProvider": "asg-cp"}]
    )
    service = world.service()
    assert (service["runningCount"], service["pendingCount"]) == (0, 2)
    assert {t["lastStatus"] for t in world.tasks()} == {"PROVISIONING"}
    rt.advance(seconds=59)
    assert world.service()["pendingCount"] == 2
    rt.advance(seconds=1)  # one minute: CapacityProviderReservation 200% > 100%
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["ecs-asg"])[
        "AutoScalingGroups"
    ][0]
    assert group["DesiredCapacity"] == 2  # static port 80: one task per instance
    assert len(container_instances(box, "lab")) == 2
    service = world.service()
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    tasks = world.tasks()
    assert {t["capacityProviderName"] for t in tasks} == {"asg-cp"}
    assert len({t["containerInstanceArn"] for t in tasks}) == 2
    kinds = [e["kind"] for e in rt.timeline()]
    assert "capacity-provider-reservation" in kinds and "asg-scaled-out" in kinds


def test_cluster_default_fargate_strategy_splits_by_base_and_weight(box: Sandbox) -> None:
    world = build(box, alb=False)
    ecs = world.client("ecs")
    ecs.put_cluster_capacity_providers(
        cluster="lab",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    )
    ecs.create_service(
        cluster="lab",
        serviceName="web",
        taskDefinition=world.task_definition(),
        desiredCount=6,
        networkConfiguration=world.network(),
    )
    providers = sorted(t["capacityProviderName"] for t in world.tasks())
    assert providers == ["FARGATE"] * 3 + ["FARGATE_SPOT"] * 3
    ecs.update_service(cluster="lab", service="web", desiredCount=10)
    providers = sorted(t["capacityProviderName"] for t in world.tasks())
    assert providers == ["FARGATE"] * 4 + ["FARGATE_SPOT"] * 6
