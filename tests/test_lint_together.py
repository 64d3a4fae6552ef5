"""Files linted together give the cross-document rules (``needs=``) their facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ecs_learn.lint import lint_files
from tests.test_lint import _app

ACCOUNT = "123456789012"
TG_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/web-tg/0123456789abcdef"
LB_ARN = (
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/net/web-nlb/0123456789abcdef"
)

TASK_DEFINITION: dict[str, Any] = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [
        {
            "name": "web",
            "image": "public.ecr.aws/nginx/nginx:latest",
            "portMappings": [{"containerPort": 80}],
        }
    ],
}
SERVICE: dict[str, Any] = {
    "cluster": "lab",
    "serviceName": "web",
    "taskDefinition": "web",
    "desiredCount": 1,
    "launchType": "FARGATE",
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    "loadBalancers": [{"targetGroupArn": TG_ARN, "containerName": "web", "containerPort": 80}],
}
TARGET_GROUP: dict[str, Any] = {
    "Name": "web-tg",
    "Protocol": "HTTP",
    "Port": 80,
    "VpcId": "vpc-1",
    "TargetType": "ip",
}


def _lint(tmp_path: Path, *docs: dict[str, Any]) -> dict[str, list[str]]:
    paths = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"{i}.json"
        path.write_text(json.dumps(doc))
        paths.append(path)
    return {str(r.kind): [f.rule_id for f in r.findings] for r in lint_files(paths) if r.kind}


def test_the_service_alone_is_clean_and_its_needs_rules_are_silent(tmp_path: Path) -> None:
    bad = {k: v for k, v in SERVICE.items() if k != "networkConfiguration"}
    assert _lint(tmp_path, bad)["service"] == []


def test_awsvpc_task_definition_makes_the_service_need_a_network_configuration(
    tmp_path: Path,
) -> None:
    service = {k: v for k, v in SERVICE.items() if k != "networkConfiguration"}
    found = _lint(tmp_path, TASK_DEFINITION, service)
    assert found["service"] == ["SVC004"]
    assert found["task-definition"] == []


def test_target_type_is_judged_against_the_linted_target_group(tmp_path: Path) -> None:
    instance = {**TARGET_GROUP, "TargetType": "instance"}
    assert _lint(tmp_path, TASK_DEFINITION, SERVICE, instance)["service"] == ["SVC007"]
    assert _lint(tmp_path, TASK_DEFINITION, SERVICE, TARGET_GROUP)["service"] == []
    # CreateTargetGroup without TargetType makes an 'instance' target group (AWS's default)
    default = {k: v for k, v in TARGET_GROUP.items() if k != "TargetType"}
    assert _lint(tmp_path, TASK_DEFINITION, SERVICE, default)["service"] == ["SVC007"]


def test_a_target_group_needs_the_task_definition_too(tmp_path: Path) -> None:
    instance = {**TARGET_GROUP, "TargetType": "instance"}
    assert _lint(tmp_path, SERVICE, instance)["service"] == []  # mode unknown: silent


def test_load_balancer_container_must_be_in_the_linted_task_definition(tmp_path: Path) -> None:
    service = {
        **SERVICE,
        "loadBalancers": [{**SERVICE["loadBalancers"][0], "containerName": "api"}],
    }
    assert _lint(tmp_path, TASK_DEFINITION, service)["service"] == ["SVC008"]


@pytest.mark.parametrize(
    ("reference", "revision", "matches"),
    [
        ("web", 7, True),  # latest revision
        ("web:7", 7, True),
        ("web:6", 7, False),  # another revision: unknown, so silent
        (f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:7", 7, True),
        ("api", 7, False),  # another family
    ],
)
def test_task_definition_reference_matching(
    tmp_path: Path, reference: str, revision: int, matches: bool
) -> None:
    described = {
        "taskDefinition": {
            **TASK_DEFINITION,
            "requiresCompatibilities": ["EC2"],
            "taskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:{revision}",
            "revision": revision,
        }
    }
    service = {**SERVICE, "taskDefinition": reference, "loadBalancers": []}
    found = _lint(tmp_path, described, service)["service"]
    assert found == (["SVC006"] if matches else [])  # FARGATE service, EC2-only definition


def test_register_input_counts_as_the_latest_revision(tmp_path: Path) -> None:
    older = {"taskDefinition": {**TASK_DEFINITION, "revision": 3}}
    newer = {**TASK_DEFINITION, "requiresCompatibilities": ["EC2"]}
    service = {**SERVICE, "loadBalancers": []}
    assert _lint(tmp_path, newer, older, service)["service"] == ["SVC006"]


def test_run_task_gets_its_task_definition(tmp_path: Path) -> None:
    run = {"cluster": "lab", "taskDefinition": "web:1", "count": 1, "launchType": "FARGATE"}
    assert _lint(tmp_path, run)["run-task"] == []
    assert _lint(tmp_path, TASK_DEFINITION, run)["run-task"] == ["RUN003"]


LISTENER = {
    "LoadBalancerArn": LB_ARN,
    "Protocol": "TCP",
    "Port": 80,
    "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
}


def test_target_group_attachment_comes_from_linted_listeners(tmp_path: Path) -> None:
    # No listener linted: whether the target group has a load balancer is unknown.
    assert "SVC012" not in _lint(tmp_path, SERVICE, TARGET_GROUP)["service"]
    assert "SVC012" not in _lint(tmp_path, SERVICE, TARGET_GROUP, LISTENER)["service"]
    elsewhere = {**LISTENER, "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:x"}]}
    assert "SVC012" in _lint(tmp_path, SERVICE, TARGET_GROUP, elsewhere)["service"]


def test_listener_protocol_is_judged_against_the_linted_load_balancer(tmp_path: Path) -> None:
    nlb = {"Name": "web-nlb", "Subnets": ["subnet-a", "subnet-b"], "Type": "network"}
    http = {**LISTENER, "Protocol": "HTTP"}
    assert _lint(tmp_path, http)["elbv2-listener"] == []
    assert _lint(tmp_path, nlb, http)["elbv2-listener"] == ["ELB010"]
    assert _lint(tmp_path, nlb, LISTENER)["elbv2-listener"] == []


TARGET = {
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "MinCapacity": 1,
    "MaxCapacity": 4,
}
POLICY = {
    "PolicyName": "cpu50",
    "ServiceNamespace": "ecs",
    "ResourceId": "service/lab/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "PolicyType": "TargetTrackingScaling",
    "TargetTrackingScalingPolicyConfiguration": {
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
        },
    },
}


def test_unrelated_scalable_targets_do_not_make_a_policy_unregistered(tmp_path: Path) -> None:
    # Registration is the account's state: a file for another target says nothing about it.
    other = {**TARGET, "ResourceId": "service/lab/api"}
    assert _lint(tmp_path, other, POLICY)["scaling-policy"] == []
    assert _lint(tmp_path, TARGET, POLICY)["scaling-policy"] == []


def test_attached_policy_is_judged_against_the_linted_role(tmp_path: Path) -> None:
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
    role = {"RoleName": "ecsTaskExecutionRole", "AssumeRolePolicyDocument": json.dumps(trust)}
    attach = {
        "RoleName": "ecsTaskExecutionRole",
        "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    }
    assert _lint(tmp_path, attach)["iam-attach-policy"] == []
    assert _lint(tmp_path, role, attach)["iam-attach-policy"] == ["IAM012"]


def test_cli_lints_the_files_as_one_set(tmp_path: Path) -> None:
    service = {k: v for k, v in SERVICE.items() if k != "networkConfiguration"}
    paths = []
    for name, doc in (("td.json", TASK_DEFINITION), ("svc.json", service)):
        (tmp_path / name).write_text(json.dumps(doc))
        paths.append(str(tmp_path / name))
    alone = CliRunner().invoke(_app(), ["lint", paths[1]])
    assert alone.exit_code == 0, alone.output
    together = CliRunner().invoke(_app(), ["lint", *paths])
    assert together.exit_code == 1
    assert "ERROR SVC004" in together.stdout
