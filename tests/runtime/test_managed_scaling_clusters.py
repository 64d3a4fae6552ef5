"""Managed scaling with more than one cluster in the account (both modes): the pass over
another cluster must not call off a scale-out timed for this cluster's provider."""

from __future__ import annotations

import base64

import ecs_learn.runtime as rt
from ecs_learn.sandbox import Sandbox
from tests.runtime.test_agent import AL2023, container_instances
from tests.runtime.test_ec2 import LAB, _profile, ec2_definition, ec2_service
from tests.runtime.world import build


def test_a_second_cluster_does_not_stop_the_group_from_growing(box: Sandbox) -> None:
    world = build(box, alb=False)
    ecs, asg = world.client("ecs"), world.client("autoscaling")
    ecs.create_cluster(clusterName="another")  # sorted before "lab": reconciled first
    image = world.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    world.client("ec2").create_launch_template(
        LaunchTemplateName="ecs-lt",
        LaunchTemplateData={
            "ImageId": image,
            "InstanceType": "t3.small",
            "IamInstanceProfile": {"Name": _profile(world)},
            "UserData": base64.b64encode(LAB.encode()).decode(),
        },
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-asg",
        LaunchTemplate={"LaunchTemplateName": "ecs-lt", "Version": "$Latest"},
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=",".join(world.subnets),
    )
    group_arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["ecs-asg"])[
        "AutoScalingGroups"
    ][0]["AutoScalingGroupARN"]
    ecs.create_capacity_provider(
        name="asg-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": group_arn,
            "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        },
    )
    ecs.put_cluster_capacity_providers(
        cluster="lab", capacityProviders=["asg-cp"], defaultCapacityProviderStrategy=[]
    )
    ec2_service(
        world, ec2_definition(world), 1, capacityProviderStrategy=[{"capacityProvider": "asg-cp"}]
    )
    assert world.service()["pendingCount"] == 1
    rt.advance(minutes=1)
    assert len(container_instances(box, "lab")) == 1
    assert (world.service()["runningCount"], world.service()["pendingCount"]) == (1, 0)
