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
    assert wrong == {"task size": ("cpu 256, memory 512 MiB", "cpu 1024, memory 2048 MiB")}
    assert result.points == 2.75 and result.max_points == 3  # partial credit per requirement


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
    (rejected,) = [r for r in result.requirements if r.label == "AWS accepts it"]
    assert not rejected.ok
    assert "TD011 at memory" in rejected.found and "TD019" in rejected.found
    assert result.judged == "orders-api:2"  # the solution registered :1; this is the latest


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


def _register_fargate(sandbox: Any, **changes: Any) -> None:
    """The brief's web-fargate, with some fields changed (strict mode accepts each)."""
    iam, ecs = sandbox.client("iam"), sandbox.client("ecs")
    arn = {
        r: iam.get_role(RoleName=r)["Role"]["Arn"]
        for r in ("ecsTaskExecutionRole", "web-app-task-role")
    }
    options = {
        "awslogs-group": changes.pop("group", "/ecs/web-fargate"),
        "awslogs-region": changes.pop("region", "us-east-1"),
        "awslogs-stream-prefix": changes.pop("prefix", "web"),
    }
    ecs.register_task_definition(
        family="web-fargate",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn=arn["ecsTaskExecutionRole"],
        taskRoleArn=arn["web-app-task-role"],
        containerDefinitions=[
            {
                "name": "web",
                "image": changes.pop("image", "public.ecr.aws/nginx/nginx:stable"),
                "portMappings": [{"containerPort": 80}],
                "logConfiguration": {"logDriver": "awslogs", "options": options},
            }
        ],
    )


def test_fargate_task_holds_the_image_log_group_prefix_and_region_of_the_brief(
    reader: AccountReader, sandbox: Any
) -> None:
    """Seen in issue 13: another image, log group, stream prefix and region got full points."""
    run_solution(NOTEBOOK)
    _register_fargate(
        sandbox, image="nginx:latest", group="/ecs/other", prefix="app", region="eu-west-1"
    )
    result = _result("fargate-task", reader)
    wrong = sorted(r.label for r in result.requirements if not r.ok)
    assert wrong == ["awslogs-group", "awslogs-region", "awslogs-stream-prefix", "image"]
    assert result.status is Status.FAILED
    assert result.points == 2.0  # 4 of 12 requirements (0.25 each) missed
    assert result.judged == "web-fargate:2"  # the revision judged is named
    assert "judged <code>web-fargate:2</code>" in result._repr_html_()


def test_two_of_three_right_earns_part_of_the_points(reader: AccountReader, sandbox: Any) -> None:
    """Seen in issue 13: checks were all-or-nothing (0/2 with 2 of 3 rows right)."""
    iam = sandbox.client("iam")
    iam.create_role(
        RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(ECS_TASKS_TRUST)
    )
    result = _result("execution-role", reader)
    assert (result.points, result.max_points) == (1.0, 2.0)
    (missing,) = [r for r in result.requirements if not r.ok]
    assert missing.label == "managed policy attached" and missing.hint


def test_every_requirement_of_every_check_has_points_and_the_solution_earns_them(
    reader: AccountReader,
) -> None:
    run_solution(NOTEBOOK)
    lab = get_lab("01")
    for item in lab.checks:
        result = lab.run(item.id, reader)
        assert sorted(r.label for r in result.requirements) == sorted(item.weights), item.id
        assert result.points == item.points == pytest.approx(sum(item.weights.values()))
        assert result.judged, item.id


def test_hints_respond_to_what_was_found(reader: AccountReader, sandbox: Any) -> None:
    run_solution(NOTEBOOK)
    _register_fargate(sandbox, prefix="app")
    result = _result("fargate-task", reader)
    (prefix,) = [r for r in result.requirements if not r.ok]
    assert prefix.found == "app" and "'awslogs-stream-prefix'] = 'web'" in prefix.hint
    assert all(not r.hint for r in result.requirements if r.ok)


def test_every_check_links_to_flashcards_by_tag() -> None:
    """A failed check makes the flashcards on its tags due: each check must reach some."""
    from ecs_learn.quiz import load_catalog
    from ecs_learn.quiz.session import related_cards

    items = load_catalog().items()
    for item in get_lab("01").checks:
        assert related_cards(items, item.tags), item.id
