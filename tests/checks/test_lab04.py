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
    assert wrong[f"{iid} UserData"] == (
        "a script writing ECS_CLUSTER=lab to /etc/ecs/ecs.config",
        "#!/bin/bash\necho hello",
    )
    assert f"{iid} IamInstanceProfile" not in wrong  # the profile was right
    assert "ECS_CLUSTER=lab" in LAB.get_check("container-instances").hint


def test_an_instance_role_trusted_by_ecs_tasks_fails_on_the_trust(
    reader: AccountReader, sandbox: Any
) -> None:
    iam = sandbox.client("iam")
    iam.create_role(
        RoleName="ecsInstanceRole",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}',
    )
    wrong = failing("instance-role", reader)
    assert wrong["trusted by"] == ("ec2.amazonaws.com", "ecs-tasks.amazonaws.com")
    assert "instance profile ecsInstanceRole holds" in wrong


def test_the_static_port_service_passes_the_conflict_and_fails_the_repair_until_fixed(
    reader: AccountReader,
) -> None:
    run_until("placement-repair")  # through exercise 4, not its repair
    assert LAB.run("port-conflict", reader).passed
    wrong = failing("placement-repair", reader)
    assert wrong["running tasks of web-static"] == ("3 of 3", "2 of 3")
    assert set(wrong) == {"running tasks of web-static"}
