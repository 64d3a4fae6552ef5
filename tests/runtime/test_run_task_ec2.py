"""A learner's own run_task on EC2 (both modes): placed by the runtime as ECS places it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_learn.sandbox import Sandbox
from tests.runtime.test_ec2 import ec2_definition, hosts_of, instances
from tests.runtime.world import World, build


def run(world: World, td: str, count: int = 1, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = world.client("ecs").run_task(
        cluster="lab", taskDefinition=td, count=count, launchType="EC2", **extra
    )
    return answer


def test_binpack_on_memory_fills_one_instance_while_it_fits(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world)
    td = ec2_definition(world, host_port=None)
    answer = run(world, td, 3, placementStrategy=[{"type": "binpack", "field": "memory"}])
    assert answer["failures"] == [] and len(answer["tasks"]) == 3
    assert len({t["containerInstanceArn"] for t in answer["tasks"]}) == 1
    assert all(t["launchType"] == "EC2" and t["group"] == "family:ec2web" for t in answer["tasks"])


def test_spread_over_availability_zones(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world)
    td = ec2_definition(world, host_port=None)
    answer = run(
        world,
        td,
        4,
        placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    )
    zones = Counter(t["availabilityZone"] for t in answer["tasks"])
    assert sorted(zones.values()) == [2, 2] and len(zones) == 2


def test_a_static_host_port_three_times_on_two_instances(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world)
    answer = run(world, ec2_definition(world), 3)
    assert len(answer["tasks"]) == 2
    assert len({t["containerInstanceArn"] for t in answer["tasks"]}) == 2
    [failure] = answer["failures"]
    assert failure["reason"] == "RESOURCE:PORTS"
    assert failure["arn"] in hosts_of(world)


def test_dynamic_host_ports_are_distinct_network_bindings(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world, 1)
    answer = run(world, ec2_definition(world, host_port=0), 3)
    ports = [t["containers"][0]["networkBindings"][0]["hostPort"] for t in answer["tasks"]]
    assert sorted(ports) == [32768, 32769, 32770]
    described = world.client("ecs").describe_tasks(
        cluster="lab", tasks=[t["taskArn"] for t in answer["tasks"]]
    )["tasks"]
    assert sorted(
        t["containers"][0]["networkBindings"][0]["hostPort"] for t in described
    ) == sorted(ports)


def test_member_of_an_instance_type(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world)
    [small] = instances(world, 1, itype="t3.small")
    td = ec2_definition(world, host_port=None)
    constraint = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == t3.small"}]
    answer = run(world, td, 3, placementConstraints=constraint)
    assert {hosts_of(world)[t["containerInstanceArn"]] for t in answer["tasks"]} == {small}
    nowhere = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}]
    answer = run(world, td, 1, placementConstraints=nowhere)
    assert answer["tasks"] == []
    assert answer["failures"][0]["reason"] == "MemberOf placement constraint unsatisfied."


def test_no_container_instances_is_an_invalid_parameter(box: Sandbox) -> None:
    world = build(box, alb=False)
    with pytest.raises(ClientError) as raised:
        run(world, ec2_definition(world, host_port=None))
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"] == "No Container Instances were found in your cluster."


def _efs_definition(world: World, fs: str) -> str:
    arn: str = world.client("ecs").register_task_definition(
        family="files",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
        volumes=[{"name": "data", "efsVolumeConfiguration": {"fileSystemId": fs}}],
    )["taskDefinition"]["taskDefinitionArn"]
    return arn


def test_a_bridge_task_with_efs_mounts_in_its_instances_zone(box: Sandbox) -> None:
    world = build(box, alb=False)
    instances(world, 1)  # in the first subnet's zone
    efs, ec2, ecs = world.client("efs"), world.client("ec2"), world.client("ecs")
    mt_sg = ec2.create_security_group(GroupName="efs", Description="efs", VpcId=world.vpc)[
        "GroupId"
    ]
    ec2.authorize_security_group_ingress(
        GroupId=mt_sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
                        "UserIdGroupPairs": [{"GroupId": world.task_sg}]}],
    )  # fmt: skip
    here = efs.create_file_system(CreationToken="here")["FileSystemId"]
    efs.create_mount_target(FileSystemId=here, SubnetId=world.subnets[0], SecurityGroups=[mt_sg])
    elsewhere = efs.create_file_system(CreationToken="elsewhere")["FileSystemId"]
    efs.create_mount_target(
        FileSystemId=elsewhere, SubnetId=world.subnets[1], SecurityGroups=[mt_sg]
    )
    ok = run(world, _efs_definition(world, here))["tasks"][0]
    bad = run(world, _efs_definition(world, elsewhere))["tasks"][0]
    found = {
        t["taskArn"]: t
        for t in ecs.describe_tasks(cluster="lab", tasks=[ok["taskArn"], bad["taskArn"]])["tasks"]
    }
    zone = ec2.describe_subnets(SubnetIds=[world.subnets[0]])["Subnets"][0]["AvailabilityZone"]
    assert found[ok["taskArn"]]["lastStatus"] == "RUNNING"
    assert found[ok["taskArn"]]["availabilityZone"] == zone
    stopped = found[bad["taskArn"]]
    assert stopped["lastStatus"] == "STOPPED" and stopped["stopCode"] == "TaskFailedToStart"
    assert stopped["stoppedReason"].startswith(
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes"
    )
    assert "ensure that the VPC has an EFS mount target" in stopped["stoppedReason"]
