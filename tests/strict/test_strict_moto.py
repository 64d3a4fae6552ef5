"""Strict mode against real moto: calls moto accepts but AWS rejects now fail like AWS.

For every ERROR rule that moto does not enforce, the broken payload from the rule
table is sent through a real boto3 client under ``moto.mock_aws``: strict mode
rejects it with the modelled exception and AWS's error code, and inside
``lenient()`` moto accepts the very same call. For the rules moto does enforce,
moto rejects the call even in lenient mode (so the ``moto_enforces`` flag is honest).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import rule_payloads as P
from botocore.exceptions import ClientError
from moto import mock_aws
from strict_world import World, build_world, swap
from test_rule_table import CASES

import ecs_learn.strict as strict
from ecs_learn.rules import ALL_RULES, Severity, get_rule

CALLS: dict[str, tuple[str, str]] = {
    "task-definition": ("ecs", "register_task_definition"),
    "service": ("ecs", "create_service"),
    "run-task": ("ecs", "run_task"),
    "cluster": ("ecs", "create_cluster"),
    "ecr-repository": ("ecr", "create_repository"),
    "ecr-lifecycle-policy": ("ecr", "put_lifecycle_policy"),
    "efs-file-system": ("efs", "create_file_system"),
    "efs-mount-target": ("efs", "create_mount_target"),
    "elbv2-load-balancer": ("elbv2", "create_load_balancer"),
    "elbv2-listener": ("elbv2", "create_listener"),
    "elbv2-target-group": ("elbv2", "create_target_group"),
    "scalable-target": ("application-autoscaling", "register_scalable_target"),
    "scaling-policy": ("application-autoscaling", "put_scaling_policy"),
    "scheduled-action": ("application-autoscaling", "put_scheduled_action"),
    "iam-role": ("iam", "create_role"),
    "iam-attach-policy": ("iam", "attach_role_policy"),
    "eks-fargate-profile": ("eks", "create_fargate_profile"),
    "eks-nodegroup": ("eks", "create_nodegroup"),
}

# Per-rule adjustments so each call differs from a valid one in the rule's point only,
# and so calls that succeed in lenient mode do not collide with each other.
OVERRIDES: dict[str, dict[str, Any]] = {
    "SVC005": {"taskDefinition": "web-ec2:1", "loadBalancers": None},
    "SVC006": {"taskDefinition": "web-ec2vpc:1"},
    "SVC007": {
        "loadBalancers": [
            {"targetGroupArn": "inst-tg", "containerName": "web", "containerPort": 80}
        ]
    },
    "SVC012": {
        "loadBalancers": [
            {"targetGroupArn": "lonely-tg", "containerName": "web", "containerPort": 80}
        ]
    },
    "RUN004": {"taskDefinition": "web-ec2:1", "launchType": "FARGATE"},
    "RUN005": {"taskDefinition": "web-ec2:1"},
    "RUN006": {"taskDefinition": "web-ec2vpc:1"},
    "ELB010": {"LoadBalancerArn": "nlb", "Protocol": "HTTP"},
    "AAS004": {"ResourceId": "service/lab/web3"},
    "AAS010": {"ResourceId": "service/lab/web2"},
}
UNIQUE_NAME_KEY = {
    "service": "serviceName",
    "ecr-repository": "repositoryName",
    "efs-file-system": "CreationToken",
    "elbv2-load-balancer": "Name",
    "elbv2-target-group": "Name",
    "iam-role": "RoleName",
    "eks-fargate-profile": "fargateProfileName",
    "eks-nodegroup": "nodegroupName",
}


def call_for(rule_id: str, world: World) -> tuple[Any, str, dict[str, Any]]:
    """The client, method and kwargs that break ``rule_id`` in ``world``."""
    rule = get_rule(rule_id)
    case = next(c for c in CASES if c.rule_id == rule_id)
    kwargs = swap(case.invalid, world.swap)
    for key, value in OVERRIDES.get(rule_id, {}).items():
        if value is None:
            kwargs.pop(key, None)
        else:
            kwargs[key] = swap(value, {**world.swap, **world.ids})
    name_key = UNIQUE_NAME_KEY.get(rule.kind)
    if name_key and get_rule(rule_id) is not None:
        valid_name = case.valid.get(name_key)
        if kwargs.get(name_key) == valid_name:  # only rename when the name is not the point
            kwargs[name_key] = rule_id.lower()
    if rule.kind == "ecr-lifecycle-policy":
        text = json.dumps(kwargs, indent=2)
        kwargs = {"repositoryName": "lab-repo", "lifecyclePolicyText": text.ljust(100)}
    if rule.kind == "iam-role" and not isinstance(kwargs["AssumeRolePolicyDocument"], str):
        kwargs["AssumeRolePolicyDocument"] = json.dumps(kwargs["AssumeRolePolicyDocument"])
    service, method = CALLS[rule.kind]
    return world.client(service), method, kwargs


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    import os

    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    try:
        with mock_aws():
            strict.disable()
            yield build_world(lambda name: boto3.client(name, region_name="us-east-1"))
    finally:
        strict.disable()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


LENIENT_IN_MOTO = [r.id for r in ALL_RULES if r.severity is Severity.ERROR and not r.moto_enforces]
ENFORCED_BY_MOTO = [r.id for r in ALL_RULES if r.severity is Severity.ERROR and r.moto_enforces]


@pytest.mark.parametrize("rule_id", LENIENT_IN_MOTO)
def test_strict_rejects_what_moto_accepts(rule_id: str, world: World, strict_on: None) -> None:
    rule = get_rule(rule_id)
    client, method, kwargs = call_for(rule_id, world)
    with pytest.raises(ClientError) as caught:
        getattr(client, method)(**kwargs)
    err = caught.value
    assert err.response["Error"]["Code"] == rule.error_code
    assert type(err) is client.exceptions.from_code(rule.error_code)
    findings = err.response["EcsLearn"]["findings"]
    assert rule_id in {f["rule_id"] for f in findings}
    detail = err.response["EcsLearn"]
    assert rule_id in detail["explanation"] and detail["moto_would_accept"]
    # The message is AWS's alone: no ecs-learn essay, no advice to switch strict mode off.
    message = err.response["Error"]["Message"]
    assert "ecs-learn" not in message and "lenient" not in message and "\n" not in message
    assert str(err) == (
        f"An error occurred ({rule.error_code}) when calling the "
        f"{detail['operation']} operation: {message}"
    )

    with strict.lenient():
        getattr(client, method)(**kwargs)  # moto by itself lets it through


@pytest.mark.parametrize("rule_id", ENFORCED_BY_MOTO)
def test_moto_enforces_what_the_flag_says(rule_id: str, world: World, strict_on: None) -> None:
    client, method, kwargs = call_for(rule_id, world)
    if rule_id == "EFS010":
        kwargs["FileSystemId"] = world.ids["fs"]
    with pytest.raises(ClientError) as strict_error:
        getattr(client, method)(**kwargs)
    assert rule_id in {f["rule_id"] for f in strict_error.value.response["EcsLearn"]["findings"]}
    with strict.lenient(), pytest.raises(ClientError) as moto_error:
        getattr(client, method)(**kwargs)
    assert "EcsLearn" not in moto_error.value.response


def test_valid_calls_pass_in_strict_mode(world: World, strict_on: None) -> None:
    ecs = world.client("ecs")
    td = ecs.register_task_definition(**swap(P.FARGATE_TD, world.swap))["taskDefinition"]
    service = swap(P.SERVICE, world.swap) | {
        "serviceName": "valid-web",
        "taskDefinition": td["taskDefinitionArn"],
    }
    assert ecs.create_service(**service)["service"]["status"] == "ACTIVE"
    aas = world.client("application-autoscaling")
    aas.put_scaling_policy(**swap(P.TT_POLICY, world.swap))
    aas.put_scaling_policy(**P.STEP_POLICY)
    aas.put_scheduled_action(**P.SCHEDULED)
    world.client("ecr").put_lifecycle_policy(
        repositoryName="lab-repo", lifecyclePolicyText=json.dumps(P.LIFECYCLE)
    )


def test_disable_lets_everything_through(world: World) -> None:
    strict.enable()
    strict.disable()
    assert not strict.is_enabled()
    client, method, kwargs = call_for("TD011", world)
    getattr(client, method)(**kwargs)
