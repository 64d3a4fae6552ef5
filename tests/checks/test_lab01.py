"""Lab 01's checks against real moto: the solution passes, mistakes fail with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from tests.labs.notebook_code import run_solution

NOTEBOOK = "01-task-definitions.ipynb"
ECS_TASKS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


def _result(check_id: str, reader: AccountReader) -> Any:
    return get_lab("01").run(check_id, reader)


def test_every_check_passes_on_the_instructor_solution(reader: AccountReader) -> None:
    run_solution(NOTEBOOK)
    report = get_lab("01").run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in get_lab("01").check_ids()
    ]
    assert report.points == report.max_points == 14


def test_every_check_fails_on_an_empty_account(reader: AccountReader) -> None:
    report = get_lab("01").run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED}
    assert report.points == 0
    first = report.by_id()["execution-role"]
    assert first.requirements[0].found == "nothing"
    assert "ecsTaskExecutionRole" in first.hint


def test_an_execution_role_trusted_by_ec2_fails_on_the_trust(
    reader: AccountReader, sandbox: Any
) -> None:
    iam = sandbox.client("iam")
    trust = json.loads(json.dumps(ECS_TASKS_TRUST))
    trust["Statement"][0]["Principal"]["Service"] = "ec2.amazonaws.com"
    iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(
        RoleName="ecsTaskExecutionRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    )
    result = _result("execution-role", reader)
    assert result.status is Status.FAILED
    wrong = [r for r in result.requirements if not r.ok]
    assert [(r.label, r.expected, r.found) for r in wrong] == [
        ("trusted by", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com")
    ]


def test_a_fargate_task_with_the_wrong_size_fails_on_cpu_and_memory(
    reader: AccountReader, sandbox: Any
) -> None:
    run_solution(NOTEBOOK)
    strict.disable()  # register something strict AWS would also accept, but not what was asked
    ecs = sandbox.client("ecs")
    current = ecs.describe_task_definition(taskDefinition="web-fargate")["taskDefinition"]
    ecs.register_task_definition(
        family="web-fargate",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="1 vCPU",
        memory="2 GB",
        executionRoleArn=current["executionRoleArn"],
        taskRoleArn=current["taskRoleArn"],
        containerDefinitions=current["containerDefinitions"],
    )
    result = _result("fargate-task", reader)
    wrong = {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}
    assert wrong == {"task cpu (units)": ("256", "1024"), "task memory (MiB)": ("512", "2048")}


def test_units_written_as_strings_are_understood(reader: AccountReader, sandbox: Any) -> None:
    run_solution(NOTEBOOK)
    ecs = sandbox.client("ecs")
    current = ecs.describe_task_definition(taskDefinition="web-fargate")["taskDefinition"]
    keep = ("family", "requiresCompatibilities", "networkMode", "executionRoleArn", "taskRoleArn")
    ecs.register_task_definition(
        **{k: current[k] for k in keep},
        cpu=".25 vCPU",
        memory="0.5 GB",
        containerDefinitions=current["containerDefinitions"],
    )
    assert _result("fargate-task", reader).passed


def test_the_repair_check_reports_what_aws_would_still_reject(
    reader: AccountReader, sandbox: Any
) -> None:
    namespace = run_solution(NOTEBOOK)
    broken = namespace["broken"]
    with strict.lenient():  # moto alone stores it
        sandbox.client("ecs").register_task_definition(**broken)
    result = _result("repair-task", reader)
    assert result.status is Status.FAILED
    rejected = [r for r in result.requirements if r.label.startswith("AWS rule")]
    assert rejected, result
    assert all(not r.ok for r in rejected)


def test_checks_only_read_the_account(reader: AccountReader) -> None:
    from ecs_learn.checks import WriteAttemptError

    with pytest.raises(WriteAttemptError, match="only read"):
        reader.ecs.create_cluster(clusterName="x")
    assert reader.ecs.list_clusters()["clusterArns"] == []


def test_a_crashing_check_is_an_error_not_a_failure(reader: AccountReader) -> None:
    from ecs_learn.checks import check, run_check

    @check("boom", title="crashes", points=1, hint="-")
    def boom(aws: AccountReader) -> Iterator[Any]:
        raise KeyError("oops")
        yield  # pragma: no cover

    result = run_check("01", boom, reader)
    assert result.status is Status.ERROR
    assert result.error == "KeyError: 'oops'"
    assert result.points == 0
