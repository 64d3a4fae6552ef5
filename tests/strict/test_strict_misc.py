"""Strict mode details: clients made before enable(), describe output, UpdateService."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import boto3
import pytest
import rule_payloads as P
from moto import mock_aws

import ecs_learn.strict as strict
from ecs_learn.rules import Severity, check


@pytest.mark.slow
def test_client_made_before_enable_is_checked_too() -> None:
    # In a fresh process, so that strict mode is switched on after the client exists.
    code = textwrap.dedent(
        """
        import boto3
        from moto import mock_aws
        import ecs_learn.strict as strict
        ecs = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        strict.enable()
        with mock_aws():
            try:
                ecs.register_task_definition(family="bad family!", containerDefinitions=[
                    {"name": "web", "image": "nginx", "memory": 128}])
            except ecs.exceptions.ClientException as err:
                print("rejected", err.response["EcsLearn"]["findings"][0]["rule_id"])
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "rejected TD001", proc.stderr


def test_describe_output_of_a_valid_task_definition_is_clean(strict_on: None) -> None:
    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        ecs.register_task_definition(**P.FARGATE_TD)
        described = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert [f for f in check("task-definition", described) if f.severity is Severity.ERROR] == []


def test_update_service_uses_the_services_task_definition(strict_on: None) -> None:
    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        ecs.create_cluster(clusterName="lab")
        ecs.register_task_definition(**{**P.EC2_TD, "requiresCompatibilities": ["EC2"]})
        ecs.create_service(
            cluster="lab",
            serviceName="web",
            taskDefinition="web-ec2",
            desiredCount=1,
            launchType="EC2",
        )
        net = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}}
        with pytest.raises(ecs.exceptions.InvalidParameterException) as caught:
            ecs.update_service(cluster="lab", service="web", networkConfiguration=net)
        assert [f["rule_id"] for f in caught.value.response["EcsLearn"]["findings"]] == ["SVC005"]
        ecs.update_service(cluster="lab", service="web", desiredCount=3)  # fine


def test_enable_is_idempotent_and_lenient_nests() -> None:
    strict.enable()
    strict.enable()
    try:
        with strict.lenient(), strict.lenient():
            assert strict.is_enabled()
        with mock_aws():
            ecs = boto3.client("ecs", region_name="us-east-1")
            with pytest.raises(ecs.exceptions.ClientException):
                ecs.register_task_definition(
                    family="x y", containerDefinitions=[{"name": "a", "image": "b", "memory": 64}]
                )
    finally:
        strict.disable()


def test_advice_rules_warn_with_the_facts_strict_fetches(sandbox: object) -> None:
    # IAM012 needs the role's trust policy: strict fetches it and warns, the call succeeds.
    iam = boto3.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="wrong-trust", AssumeRolePolicyDocument=json.dumps(trust))
    policy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    strict.enable()
    try:
        with pytest.warns(strict.AdviceWarning, match=r"IAM012 at RoleName: .*ecs-tasks"):
            iam.attach_role_policy(RoleName="wrong-trust", PolicyArn=policy)
        attached = iam.list_attached_role_policies(RoleName="wrong-trust")["AttachedPolicies"]
        assert [p["PolicyArn"] for p in attached] == [policy]
        trust["Statement"][0]["Principal"] = {"Service": "ecs-tasks.amazonaws.com"}
        iam.create_role(RoleName="right-trust", AssumeRolePolicyDocument=json.dumps(trust))
        with warnings.catch_warnings():
            warnings.simplefilter("error", strict.AdviceWarning)
            iam.attach_role_policy(RoleName="right-trust", PolicyArn=policy)
    finally:
        strict.disable()
