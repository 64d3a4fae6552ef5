"""Lab 04's checks against real moto and the runtime: the solution passes, mistakes fail
with the field to change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import code_cells, run_solution

NOTEBOOK = "04-ec2-capacity.ipynb"
LAB = get_lab("04")
AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


def run_until(check_id: str) -> dict[str, Any]:
    """The solution's cells before the exercise that ``check_id`` grades."""
    before: list[dict[str, Any]] = []
    for cell in code_cells(NOTEBOOK):
        if cell_check_id(cell) == check_id:
            break
        if cell_check_id(cell) is None and not set(cell_tags(cell)) & {"report", "quiz"}:
            before.append(cell)
    else:
        raise AssertionError(f"no check cell {check_id}")
    if before and "exercise" in cell_tags(before[-1]):
        before.pop()
    namespace: dict[str, Any] = {"__name__": "__lab__"}
    for cell in before:
        exec(compile(cell_source(cell), f"<{Path(NOTEBOOK).stem}>", "exec"), namespace)
    return namespace


def failing(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found) for r in result.requirements if not r.ok}


def test_every_check_passes_on_the_instructor_solution(reader: AccountReader) -> None:
    run_solution(NOTEBOOK, skip_tags=("report", "quiz"))
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ]
    assert report.points == report.max_points == 24
    assert_every_row_priced(LAB, report)


def test_every_check_fails_on_an_empty_account(reader: AccountReader) -> None:
    report = LAB.run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED}
    assert report.points == 0


def test_an_instance_without_the_cluster_in_its_user_data_is_diagnosed(
    reader: AccountReader, sandbox: Any
) -> None:
    run_until("container-instances")  # setup, helpers, the role; no instance yet
    ssm, ec2 = sandbox.client("ssm"), sandbox.client("ec2")
    image = ssm.get_parameter(Name=AMI)["Parameter"]["Value"]
    [instance] = ec2.run_instances(
        ImageId=image, InstanceType="t3.medium", MinCount=1, MaxCount=1,
        IamInstanceProfile={"Name": "ecsInstanceRole"}, UserData="#!/bin/bash\necho hello\n",
    )["Instances"]  # fmt: skip
    wrong = failing("container-instances", reader)
    iid = instance["InstanceId"]
    assert wrong["UserData"] == (
        "a script writing ECS_CLUSTER=lab to /etc/ecs/ecs.config",
        f"{iid}: #!/bin/bash\necho hello",
    )
    assert "IamInstanceProfile" not in wrong and "ImageId" not in wrong  # those were right
    assert set(wrong) == {
        "t3.medium in us-east-1a",
        "t3.large in us-east-1b",
        "UserData",
        "tag lab=04",
    }
    assert "ECS_CLUSTER=lab" in LAB.get_check("container-instances").hint
    assert LAB.run("container-instances", reader).points == 0.75  # the AMI (0.5), the profile


def test_an_instance_role_trusted_by_ecs_tasks_fails_on_the_trust(
    reader: AccountReader, sandbox: Any
) -> None:
    iam = sandbox.client("iam")
    iam.create_role(
        RoleName="ecsInstanceRole",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}',
    )
    iam.attach_role_policy(
        RoleName="ecsInstanceRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    )
    wrong = failing("instance-role", reader)
    assert wrong["trusted by"] == ("ec2.amazonaws.com", "ecs-tasks.amazonaws.com")
    assert wrong["instance profile"] == (
        "ecsInstanceRole, holding the role ecsInstanceRole",
        "nothing",
    )
    assert LAB.run("instance-role", reader).points == 0.75  # the managed policy alone


def test_the_static_port_service_passes_the_conflict_and_fails_the_repair_until_fixed(
    reader: AccountReader,
) -> None:
    run_until("placement-repair")  # through exercise 4, not its repair
    assert LAB.run("port-conflict", reader).passed
    wrong = failing("placement-repair", reader)
    assert wrong["running tasks of web-static"] == ("3 of 3", "2 of 3")
    assert set(wrong) == {"room for the third task", "running tasks of web-static"}
    assert LAB.run("placement-repair", reader).points == 0  # the broken start earns nothing


def test_a_web_dynamic_aws_would_refuse_earns_nothing(reader: AccountReader, sandbox: Any) -> None:
    """A hard limit below the reservation: moto stores it, AWS would not (TD015)."""
    namespace = run_until("dynamic-ports")
    ecs = sandbox.client("ecs")
    with strict.lenient():
        ecs.register_task_definition(
            family="web-dynamic",
            requiresCompatibilities=["EC2"],
            networkMode="bridge",
            containerDefinitions=[{
                "name": "web",
                "image": "public.ecr.aws/nginx/nginx:stable",
                "memory": 256,
                "memoryReservation": 512,
                "portMappings": [{"containerPort": 80, "hostPort": 0}],
            }],
        )  # fmt: skip
    namespace["create_or_update_service"](
        cluster="lab", serviceName="web-dynamic", taskDefinition="web-dynamic", desiredCount=4,
        launchType="EC2",
    )  # fmt: skip
    result = LAB.run("dynamic-ports", reader)
    wrong = {r.label: r.found for r in result.requirements if not r.ok}
    assert "TD015" in wrong["AWS accepts it"] and "port mapping" not in wrong
    assert result.points == 0
