"""The sandbox seeds the ECS-optimized AMIs: found by SSM, described, launchable, after resets."""

from __future__ import annotations

import time
from typing import Any

AL2023 = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
AL2 = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


def check_ecs_ami(box: Any) -> None:
    """The AMIs the SSM parameters name exist and launch (used by the server-mode test too)."""
    ssm, ec2 = box.client("ssm"), box.client("ec2")
    for name in (AL2023, AL2):
        image_id = ssm.get_parameter(Name=name)["Parameter"]["Value"]
        [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
        assert image["ImageOwnerAlias"] == "amazon" and "-ecs-" in image["Name"]
        assert image["State"] == "available"
    image_id = ssm.get_parameter(Name=AL2023)["Parameter"]["Value"]
    owned = ec2.describe_images(Owners=["amazon"], ImageIds=[image_id])["Images"]
    assert [i["ImageId"] for i in owned] == [image_id]
    launched = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t3.small")
    assert launched["Instances"][0]["ImageId"] == image_id


def test_the_ecs_optimized_ami_exists_and_survives_a_reset(sandbox: Any) -> None:
    check_ecs_ami(sandbox)
    started = time.perf_counter()
    sandbox.reset()
    assert time.perf_counter() - started < 0.5  # the reset stays cheap
    assert sandbox.client("ec2").describe_instances()["Reservations"] == []
    check_ecs_ami(sandbox)
