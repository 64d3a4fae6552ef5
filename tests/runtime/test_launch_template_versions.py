"""A new launch template version takes effect for the instances a group launches next (both
modes): moto's fixes in ``sandbox/moto_ext.py`` (user data of a version, the version a group
names)."""

from __future__ import annotations

import base64

from ecs_learn.sandbox import Sandbox
from tests.runtime.test_agent import AL2023, container_instances
from tests.runtime.test_ec2 import LAB, _profile
from tests.runtime.world import build


def test_a_group_launches_the_latest_version_with_its_profile_and_user_data(
    box: Sandbox,
) -> None:
    world = build(box, alb=False)
    ec2, asg = world.client("ec2"), world.client("autoscaling")
    image = world.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    data = {
        "ImageId": image,
        "InstanceType": "t3.small",
        "UserData": base64.b64encode(LAB.encode()).decode(),
    }
    ec2.create_launch_template(LaunchTemplateName="ecs-lt", LaunchTemplateData=data)
    asg.create_auto_scaling_group(
        AutoScalingGroupName="ecs-asg",
        LaunchTemplate={"LaunchTemplateName": "ecs-lt", "Version": "$Latest"},
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=1,
        VPCZoneIdentifier=",".join(world.subnets),
    )
    assert container_instances(box, "lab") == []  # version 1 has no instance profile
    fixed = {**data, "IamInstanceProfile": {"Name": _profile(world)}}
    version = ec2.create_launch_template_version(
        LaunchTemplateName="ecs-lt", LaunchTemplateData=fixed
    )["LaunchTemplateVersion"]
    assert version["VersionNumber"] == 2
    asg.update_auto_scaling_group(AutoScalingGroupName="ecs-asg", DesiredCapacity=0)
    asg.update_auto_scaling_group(AutoScalingGroupName="ecs-asg", DesiredCapacity=1)
    # launched from version 2: its agent has the profile and the user data, so it joins
    assert len(container_instances(box, "lab")) == 1
