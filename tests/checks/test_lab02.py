"""Lab 02's checks against real moto and the runtime: the solution passes, mistakes fail
with the reason (a wrong field, a task that cannot pull, a preview that was never started)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, Status, get_lab
from ecs_learn.sandbox.images import push
from tests.checks.priced import assert_every_row_priced
from tests.labs.notebook_code import run_solution

NOTEBOOK = "02-ecr.ipynb"
LAB = get_lab("02")


@pytest.fixture
def reader(sandbox: Any) -> Iterator[AccountReader]:
    yield AccountReader.for_sandbox(sandbox)
    strict.disable()


@pytest.fixture
def solved(reader: AccountReader) -> dict[str, Any]:
    return run_solution(NOTEBOOK, skip_tags=("report", "quiz"))


def _failing(check_id: str, reader: AccountReader) -> list[tuple[str, str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return [(r.label, r.expected, r.found) for r in result.requirements if not r.ok]


def test_every_check_passes_on_the_instructor_solution(
    reader: AccountReader, solved: dict[str, Any]
) -> None:
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ]
    assert report.points == report.max_points == 20
    assert_every_row_priced(LAB, report)


def test_every_check_fails_on_an_empty_account(reader: AccountReader) -> None:
    report = LAB.run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED}
    assert report.points == 0
    assert report.by_id()["repository"].requirements[0].found == "nothing"


def test_a_mutable_repository_fails_on_the_field_to_change(
    reader: AccountReader, sandbox: Any
) -> None:
    sandbox.client("ecr").create_repository(repositoryName="shop/web")
    assert _failing("repository", reader) == [
        ("imageTagMutability", "IMMUTABLE", "MUTABLE"),
        ("scan on push", "on (repository or registry setting)", "off"),
    ]


def test_registry_level_scanning_counts_as_scan_on_push(
    reader: AccountReader, sandbox: Any
) -> None:
    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="shop/web", imageTagMutability="IMMUTABLE")
    ecr.put_registry_scanning_configuration(
        scanType="BASIC",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "shop/*", "filterType": "WILDCARD"}],
            }
        ],
    )
    assert LAB.run("repository", reader).status is Status.PASSED


def test_a_role_without_the_token_permission_fails_and_says_why(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    only_pull = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                ],
                "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/shop/web",
            }
        ],
    }
    sandbox.client("iam").put_role_policy(
        RoleName="web-execution-role",
        PolicyName="pull-shop-web",
        PolicyDocument=json.dumps(only_pull),
    )
    failing = _failing("pull-role", reader)
    assert [label for label, _, _ in failing] == ["ecr:GetAuthorizationToken on *"]
    # and the account acts on it: a new task cannot get registry auth
    ecs = sandbox.client("ecs")
    started = ecs.run_task(
        cluster="shop",
        taskDefinition="web-pinned",
        launchType="FARGATE",
        networkConfiguration=solved["network"],
    )["tasks"][0]
    task = ecs.describe_tasks(cluster="shop", tasks=[started["taskArn"]])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    assert "ecr:GetAuthorizationToken" in task["stoppedReason"]


def test_a_tag_that_was_never_pushed_stops_the_tasks_and_fails_pull_by_tag(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    ecs = sandbox.client("ecs")
    td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    container = {
        **td["containerDefinitions"][0],
        "image": td["containerDefinitions"][0]["image"].replace("v1.0.0", "v9"),
    }
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn=td["executionRoleArn"],
        containerDefinitions=[container],
    )
    ecs.update_service(cluster="shop", service="web", taskDefinition="web")
    failing = dict((label, found) for label, _, found in _failing("pull-by-tag", reader))
    assert failing["image"].endswith("shop/web:v9")


def _register_pinned(sandbox: Any, image: str, **changes: Any) -> None:
    """web-pinned as the brief has it, with ``image`` and ``changes``; one task run."""
    ecs = sandbox.client("ecs")
    web = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    container = {**web["containerDefinitions"][0], "image": image}
    params = {
        "family": "web-pinned",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": web["executionRoleArn"],
        "containerDefinitions": [container],
        **changes,
    }
    ecs.register_task_definition(**{k: v for k, v in params.items() if v is not None})


def test_a_task_pinned_by_tag_earns_the_rest_of_the_digest_exercise(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    uri = solved["REPOSITORY_URI"]
    _register_pinned(sandbox, f"{uri}:v1.0.0")  # a tag where the brief asks for the digest
    sandbox.client("ecs").run_task(
        cluster="shop",
        taskDefinition="web-pinned",
        launchType="FARGATE",
        networkConfiguration=solved["network"],
    )
    result = LAB.run("pull-by-digest", reader)
    wrong = {r.label: (r.expected, r.found, r.hint) for r in result.requirements if not r.ok}
    assert list(wrong) == ["image"]
    assert wrong["image"][:2] == (f"{uri}@{solved['digest_v1']}", f"{uri}:v1.0.0")
    assert "not a colon" in wrong["image"][2]
    assert (result.points, result.max_points) == (2, 3)  # every row but the image (1 point)
    assert result.judged == "web-pinned:2"


def test_a_pinned_task_that_cannot_pull_says_why_once(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    """Seen walking lab 02: the stop reason filled the found column and the hint again."""
    uri = solved["REPOSITORY_URI"]
    _register_pinned(sandbox, f"{uri}@sha256:{solved['digest_v1']}")  # "sha256:" twice
    sandbox.client("ecs").run_task(
        cluster="shop",
        taskDefinition="web-pinned",
        launchType="FARGATE",
        networkConfiguration=solved["network"],
    )
    result = LAB.run("pull-by-digest", reader)
    task = next(r for r in result.requirements if r.label == "running task of web-pinned")
    assert not task.ok and task.found == "0: the task stopped"
    assert task.hint.startswith("the task stopped: CannotPullContainerError")
    assert "run the exercise cell again" in task.hint
    image = next(r for r in result.requirements if r.label == "image")
    assert "already starts with 'sha256:'" in image.hint


def test_a_pinned_task_definition_aws_would_reject_earns_nothing(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    uri = solved["REPOSITORY_URI"]
    with strict.lenient():  # moto alone stores a private ECR image without an execution role
        _register_pinned(sandbox, f"{uri}@{solved['digest_v1']}", executionRoleArn=None)
    result = LAB.run("pull-by-digest", reader)
    wrong = {r.label: r.found for r in result.requirements if not r.ok}
    assert "TD019" in wrong["AWS accepts it"] and "executionRoleArn" in wrong
    assert result.points == 0  # the image is right, but AWS would not have registered it


def test_a_preview_never_started_fails_lifecycle_with_the_call_to_make(
    reader: AccountReader, sandbox: Any
) -> None:
    policy = run_solution(NOTEBOOK, skip_tags=("report", "quiz", "exercise", "given"))
    assert "policy" not in policy  # only the setup ran
    ecr = sandbox.client("ecr")
    ecr.create_repository(repositoryName="shop/web", imageTagMutability="IMMUTABLE")
    for patch in range(6):
        push("shop/web", f"v1.0.{patch}", ecr=ecr)
    for build in ("build 17", "build 18"):
        push("shop/web", None, content=build, ecr=ecr)
    rules = [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["v*"],
                "countType": "imageCountMoreThan",
                "countNumber": 3,
            },
            "action": {"type": "expire"},
        },
    ]
    ecr.put_lifecycle_policy(
        repositoryName="shop/web", lifecyclePolicyText=json.dumps({"rules": rules})
    )
    assert _failing("lifecycle-policy", reader) == [
        ("lifecycle policy preview", "started (start_lifecycle_policy_preview)", "nothing")
    ]
    # the pushes and the policy earn theirs: 3 less the preview's two rows (0.5 and 0.75)
    assert LAB.run("lifecycle-policy", reader).points == 1.75
    ecr.start_lifecycle_policy_preview(repositoryName="shop/web")
    assert LAB.run("lifecycle-policy", reader).status is Status.PASSED  # a pattern list works


def test_keeping_five_releases_fails_on_the_rule_and_the_preview(
    reader: AccountReader, solved: dict[str, Any], sandbox: Any
) -> None:
    ecr = sandbox.client("ecr")
    policy = json.loads(json.dumps(solved["policy"]))
    policy["rules"][1]["selection"]["countNumber"] = 5
    ecr.put_lifecycle_policy(repositoryName="shop/web", lifecyclePolicyText=json.dumps(policy))
    ecr.start_lifecycle_policy_preview(repositoryName="shop/web")
    failing = _failing("lifecycle-policy", reader)
    assert [label for label, _, _ in failing] == ["release rule", "images the preview expires"]
    assert failing[1][1:] == ("v1.0.0, v1.0.1, v1.0.2", "v1.0.0")


def test_the_repair_fails_until_the_service_runs_a_pushed_image(
    reader: AccountReader, sandbox: Any
) -> None:
    cells = run_solution(NOTEBOOK, skip_tags=("report", "quiz"))
    ecs = sandbox.client("ecs")
    ecs.update_service(cluster="shop", service="orders", taskDefinition="orders:1")
    failing = [label for label, _, _ in _failing("repair-pull", reader)]
    # the fixed task keeps running while the broken revision fails to start (a rolling
    # update), but it is not a task of the revision the service now asks for
    assert failing == ["service's task definition", "image registry", "image tag", "runningCount"]
    assert LAB.run("repair-pull", reader).points == 0
    assert cells["broken_image"].endswith("us-west-2.amazonaws.com/shop/web:latest")


def test_checks_only_read_the_account(reader: AccountReader, solved: dict[str, Any]) -> None:
    from ecs_learn.checks import WriteAttemptError

    with pytest.raises(WriteAttemptError):
        reader.ecr.start_lifecycle_policy_preview(repositoryName="shop/web")
