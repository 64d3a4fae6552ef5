"""The embedded sandbox against real moto: isolation, quirk fixes, reset."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest

from ecs_learn.sandbox import ACCOUNT_ID, REGION, NetworkGuardError, Sandbox, active
from tests.conftest import REAL_LOOKING_ENV

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def test_real_looking_credentials_are_replaced_and_plain_clients_are_mocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in REAL_LOOKING_ENV.items():
        monkeypatch.setenv(key, value)
    with Sandbox().start(background=False) as box:
        assert os.environ["AWS_ACCESS_KEY_ID"] != REAL_LOOKING_ENV["AWS_ACCESS_KEY_ID"]
        assert "AWS_PROFILE" not in os.environ
        plain = boto3.client("sts")
        identity = plain.get_caller_identity()
        assert identity["Account"] == ACCOUNT_ID  # moto's account, not a real one
        assert plain.meta.region_name == REGION
        box.client("ecs").create_cluster(clusterName="lab")
        assert boto3.client("ecs").list_clusters()["clusterArns"] == [
            f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/lab"
        ]
    assert active() is None
    # the learner's environment comes back as it was...
    assert os.environ["AWS_PROFILE"] == "production"
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL_LOOKING_ENV["AWS_ACCESS_KEY_ID"]
    # ...and a client made outside the sandbox still cannot reach AWS
    monkeypatch.delenv("AWS_PROFILE")
    with pytest.raises(NetworkGuardError):
        boto3.client("ecs").list_clusters()


def _fargate_task(box: Any) -> str:
    ecs = box.client("ecs")
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 256}],
    )
    subnet = box.client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    group = box.client("ec2").describe_security_groups()["SecurityGroups"][0]["GroupId"]
    task = ecs.run_task(
        cluster="lab",
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}
        },
    )["tasks"][0]
    return str(task["taskArn"])


def test_tasks_stay_running_however_often_they_are_described(sandbox: Any) -> None:
    arn = _fargate_task(sandbox)
    ecs = sandbox.client("ecs")
    states = [
        ecs.describe_tasks(cluster="lab", tasks=[arn])["tasks"][0]["lastStatus"] for _ in range(6)
    ]
    assert states == ["RUNNING"] * 6  # plain moto: DEACTIVATING, STOPPING, ... STOPPED
    ecs.stop_task(cluster="lab", task=arn)
    assert ecs.describe_tasks(cluster="lab", tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED"


def test_a_default_network_is_ready(sandbox: Any) -> None:
    ec2 = sandbox.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1
    subnets = ec2.describe_subnets()["Subnets"]
    assert len({s["AvailabilityZone"] for s in subnets}) >= 2


def test_aws_managed_policies_exist_with_their_real_paths(sandbox: Any) -> None:
    iam = boto3.client("iam")
    iam.create_role(RoleName="exec", AssumeRolePolicyDocument=TRUST)
    arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    iam.attach_role_policy(RoleName="exec", PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName="exec")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]
    document = iam.get_policy_version(PolicyArn=arn, VersionId="v1")  # lazily loaded too
    assert "ecr:GetAuthorizationToken" in json.dumps(document["PolicyVersion"]["Document"])
    with pytest.raises(iam.exceptions.NoSuchEntityException):  # no path: wrong in AWS too
        iam.attach_role_policy(
            RoleName="exec", PolicyArn="arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"
        )


def test_listing_aws_policies_loads_them_all(sandbox: Any) -> None:
    iam = sandbox.client("iam")
    names = [
        p["PolicyName"]
        for page in iam.get_paginator("list_policies").paginate(Scope="AWS")
        for p in page["Policies"]
    ]
    assert "AmazonEC2ContainerServiceforEC2Role" in names
    assert len(names) > 1000


def test_reset_empties_the_account_and_keeps_the_fixes(sandbox: Any) -> None:
    _fargate_task(sandbox)
    sandbox.reset()
    ecs = sandbox.client("ecs")
    assert ecs.list_clusters()["clusterArns"] == []
    arn = _fargate_task(sandbox)
    for _ in range(4):
        assert ecs.describe_tasks(cluster="lab", tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"


def test_only_one_sandbox_runs_at_a_time(sandbox: Any) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        Sandbox().start(background=False)


def test_background_warm_up_finishes_and_calls_wait_for_it() -> None:
    box = Sandbox().start(background=True)
    try:
        assert box.client("ecs").list_clusters()["clusterArns"] == []  # waits for warm-up
        assert box.wait_ready(timeout=60)
        assert box.warm_up_error is None
    finally:
        box.stop()


def test_a_client_after_stop_is_refused() -> None:
    box = Sandbox().start(background=False)
    box.stop()
    with pytest.raises(RuntimeError, match="not running"):
        box.client("ecs")
