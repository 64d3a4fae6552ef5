"""Tasks that register fine and fail at run time, with AWS's stop codes and reasons."""

from __future__ import annotations

import json

import pytest

import ecs_learn.runtime as rt
from ecs_learn.runtime.iam import RolePolicies
from ecs_learn.runtime.iam_eval import PolicySource
from ecs_learn.sandbox import Sandbox
from tests.runtime.world import REPO_HOST, build


def _stopped(world: object) -> dict[str, object]:
    tasks = world.tasks(status="STOPPED")  # type: ignore[attr-defined]
    assert tasks, "no stopped task"
    found: dict[str, object] = tasks[0]
    return found


def test_an_image_tag_never_pushed_cannot_be_pulled_and_the_service_keeps_retrying(
    box: Sandbox,
) -> None:
    world = build(box, alb=False)
    world.push("web", "v1")
    image = f"{REPO_HOST}/web:v2"
    world.create_service(
        world.task_definition(image, executionRoleArn=world.execution_role()), count=1
    )
    task = _stopped(world)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"] == (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref "
        f"{image}: {image}: not found"
    )
    rt.advance(minutes=3)  # 15 s, 30 s, 60 s ... between attempts
    assert len(world.tasks(status="STOPPED")) >= 4
    assert "(service web) is unable to consistently start tasks successfully." in world.messages()
    assert world.service()["runningCount"] == 0


def test_a_pushed_image_with_the_managed_execution_policy_runs(box: Sandbox) -> None:
    world = build(box, alb=False)
    td = world.task_definition(world.push(), executionRoleArn=world.execution_role())
    world.create_service(td, count=1)
    assert world.service()["runningCount"] == 1


def test_an_execution_role_without_ecr_permissions_cannot_get_registry_auth(box: Sandbox) -> None:
    world = build(box, alb=False)
    td = world.task_definition(
        world.push(), executionRoleArn=world.execution_role("bare", managed=False)
    )
    world.create_service(td, count=1)
    reason = str(_stopped(world)["stoppedReason"])
    assert reason.startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: "
    )
    assert "is not authorized to perform: ecr:GetAuthorizationToken on resource: *" in reason


def test_a_secret_the_execution_role_may_not_read_fails_the_task(box: Sandbox) -> None:
    world = build(box, alb=False)
    secret = world.client("secretsmanager").create_secret(Name="db/password", SecretString="pw")[
        "ARN"
    ]
    role = world.execution_role()
    td = world.task_definition(
        executionRoleArn=role, container={"secrets": [{"name": "PW", "valueFrom": secret}]}
    )
    world.create_service(td, count=1)
    reason = str(_stopped(world)["stoppedReason"])
    assert (
        "unable to retrieve secret from asm" in reason
        and f"secretsmanager:GetSecretValue on resource: {secret}" in reason
    )
    world.client("iam").put_role_policy(
        RoleName="exec",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "SecretsManager:getSecretValue",
                        "Resource": "arn:aws:secretsmanager:*:*:secret:db/*",
                    }
                ],
            }
        ),
    )
    rt.advance(minutes=1)  # the next retry runs
    assert world.service()["runningCount"] == 1


def test_an_awslogs_group_that_does_not_exist(box: Sandbox) -> None:
    world = build(box, alb=False)
    log = {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": "/ecs/web",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "web",
        },
    }
    td = world.task_definition(
        executionRoleArn=world.execution_role(), container={"logConfiguration": log}
    )
    world.create_service(td, count=1)
    assert "The specified log group does not exist." in str(_stopped(world)["stoppedReason"])


def test_efs_without_a_mount_target_in_the_tasks_az_and_with_nfs_closed(box: Sandbox) -> None:
    world = build(box, alb=False)
    efs = world.client("efs")
    fs = efs.create_file_system(CreationToken="data")["FileSystemId"]
    mt_sg = world.client("ec2").create_security_group(
        GroupName="efs", Description="efs", VpcId=world.vpc
    )["GroupId"]
    efs.create_mount_target(FileSystemId=fs, SubnetId=world.subnets[0], SecurityGroups=[mt_sg])
    td = world.task_definition(
        volumes=[{"name": "data", "efsVolumeConfiguration": {"fileSystemId": fs}}]
    )
    ecs = world.client("ecs")
    for subnet, expected in (
        (world.subnets[1], "Failed to resolve"),
        (world.subnets[0], "mount.nfs4: Connection timed out"),
    ):
        arn = ecs.run_task(
            cluster="lab",
            taskDefinition=td,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [world.task_sg]}
            },
        )["tasks"][0]["taskArn"]
        task = ecs.describe_tasks(cluster="lab", tasks=[arn])["tasks"][0]
        assert task["stopCode"] == "TaskFailedToStart" and expected in task["stoppedReason"]


def test_an_essential_container_that_exits_stops_its_task(box: Sandbox) -> None:
    world = build(box, alb=False)
    td = world.task_definition(container={"command": ["sh", "-c", "exit 3"]})
    world.create_service(td, count=1)
    assert world.service()["runningCount"] == 1  # it started
    rt.advance(seconds=10)
    task = _stopped(world)
    assert (task["stopCode"], task["stoppedReason"]) == (
        "EssentialContainerExited",
        "Essential container in task exited",
    )
    assert task["containers"][0]["exitCode"] == 3  # type: ignore[index]


@pytest.mark.parametrize(
    ("statements", "action", "resource", "allowed"),
    [
        (
            [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}],
            "ECR:BatchGetImage",
            "arn:x",
            True,
        ),
        (
            [{"Effect": "Allow", "Action": "ecr:Get*", "Resource": "*"}],
            "ecr:BatchGetImage",
            "arn:x",
            False,
        ),
        (
            [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"},
            ],
            "ecr:BatchGetImage",
            "arn:x",
            False,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "NotAction": "iam:*",
                    "Resource": "arn:aws:ssm:*:*:parameter/app/*",
                }
            ],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/app/db",
            True,
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Action": ["ssm:GetParameters"],
                    "Resource": "arn:aws:ssm:*:*:parameter/app/*",
                }
            ],
            "ssm:GetParameters",
            "arn:aws:ssm:us-east-1:1:parameter/other",
            False,
        ),
    ],
)
def test_the_iam_evaluator(
    statements: list[dict[str, object]], action: str, resource: str, allowed: bool
) -> None:
    assert (
        RolePolicies(
            "arn:aws:iam::1:role/r", True, (PolicySource("test", {"Statement": statements}),)
        ).allows(action, resource)
        is allowed
    )
