"""Lab 08's rubric against real moto and the runtime: the solution earns every point, an empty
account earns none and each check names every missing piece, and typical mistakes cost their own
requirements (or, for what AWS would reject, their whole check) with a hint that answers what was
found. One sandbox for the module, emptied before each test (starting one costs seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import AccountReader, LabReport, Status, get_lab
from ecs_learn.checks.review import State, architecture_review
from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from tests.labs.notebook_code import code_cells

NOTEBOOK = "08-capstone.ipynb"
LAB = get_lab("08")
SKIP = {"report", "quiz", "show", "review"}


@pytest.fixture(scope="module")
def box() -> Iterator[Any]:
    from ecs_learn.sandbox import Sandbox

    sandbox = Sandbox().start(background=False)
    try:
        yield sandbox
    finally:
        strict.disable()
        sandbox.stop()


@pytest.fixture
def reader(box: Any) -> Iterator[AccountReader]:
    box.reset()
    yield AccountReader.for_sandbox(box)
    strict.disable()


def run_cells(*, until: str | None = None, replace: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the solution's code cells (not the report, review, show or quiz) up to the check
    cell ``until``. ``replace``: substitutions in the cells' source (a learner's mistake);
    each must be found, so a test cannot silently stop testing its mistake."""
    namespace: dict[str, Any] = {"__name__": "__lab__"}
    unused = dict(replace or {})
    for cell in code_cells(NOTEBOOK):
        if cell_check_id(cell) is not None:
            if cell_check_id(cell) == until:
                break
            continue
        if set(cell_tags(cell)) & SKIP:
            continue
        source = cell_source(cell)
        for old, new in (replace or {}).items():
            if old in source:
                source = source.replace(old, new)
                unused.pop(old, None)
        exec(compile(source, "<lab08>", "exec"), namespace)
    assert not unused, f"mistakes not found in the notebook: {list(unused)}"
    return namespace


def wrong(check_id: str, reader: AccountReader) -> dict[str, tuple[str, str, str]]:
    result = LAB.run(check_id, reader)
    assert result.status is Status.FAILED, result
    return {r.label: (r.expected, r.found, r.hint) for r in result.requirements if not r.ok}


def test_an_empty_account_earns_nothing_and_each_check_names_every_missing_piece(
    reader: AccountReader,
) -> None:
    report = LAB.run_all(reader)
    assert {r.status for r in report.results} == {Status.FAILED} and report.points == 0
    for item, result in zip(LAB.checks, report.results, strict=True):
        named = {r.label for r in result.requirements}
        # every priced requirement is named as missing, except "AWS accepts it": nothing there
        # is rejected, it is absent
        assert named == set(item.weights) - set(item.gates), item.id
        assert all(r.hint for r in result.requirements), item.id
    review = architecture_review(report, LAB.checks, behaviour=LAB.behaviour)
    assert {c.state for c in review.components} == {State.MISSING}
    assert review.built == () and "0 of 8 components complete" in review.verdict


def test_the_instructor_solution_earns_every_point_and_a_clean_review(
    reader: AccountReader,
) -> None:
    namespace = run_cells()
    report = LAB.run_all(reader)
    assert [(r.check_id, r.status) for r in report.results] == [
        (c, Status.PASSED) for c in LAB.check_ids()
    ], "\n".join(str(r) for r in report.results if not r.passed)
    assert report.points == report.max_points == 40 and len(LAB.checks) >= 5
    for item, result in zip(LAB.checks, report.results, strict=True):  # the table, exactly
        assert {r.label for r in result.requirements} == set(item.weights), item.id
    load = {r.label: r.found for r in report.by_id()["load-test"].requirements}
    assert load["web scaled out on requests"] == "2 → 8 (web-requests)"
    assert load["api scaled out on requests"] == "2 → 4 (api-requests)"
    review = architecture_review(report, LAB.checks, title=LAB.title, behaviour=LAB.behaviour)
    assert review.missing == () and review.changes() == []
    assert review.verdict == (
        "8 of 8 components complete, and it behaves as asked (repair, under load)."
    )
    assert "2 → 8 (web-requests)" in review._repr_html_()
    # Every exercise cell can be run again: nothing fails, nothing scores less.
    for cell in code_cells(NOTEBOOK):
        if "exercise" in cell_tags(cell):
            exec(compile(cell_source(cell), "<lab08 again>", "exec"), namespace)
    again = LAB.run_all(reader)
    assert again.points == 40, "\n".join(str(r) for r in again.results if not r.passed)


def _mistakes() -> dict[str, str]:
    """A learner's slips in the first five exercises (one per resource group)."""
    return {
        # the release rule keeps ten, not five
        '"countType": "imageCountMoreThan",\n                "countNumber": 5,': (
            '"countType": "imageCountMoreThan",\n                "countNumber": 10,'
        ),
        # the web's tasks are open to the internet as well
        '(web_sg, 80, {"UserIdGroupPairs": [{"GroupId": alb_sg}]}),': (
            '(web_sg, 80, {"UserIdGroupPairs": [{"GroupId": alb_sg}]}),\n'
            '    (web_sg, 80, {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),'
        ),
        # the execution role may read every secret
        '"Action": "secretsmanager:GetSecretValue", "Resource": db_secret_arn}': (
            '"Action": "secretsmanager:GetSecretValue", "Resource": "*"}'
        ),
    }


def test_slips_cost_their_own_requirements_with_a_hint_that_answers_them(
    reader: AccountReader,
) -> None:
    run_cells(until="load-balancer", replace=_mistakes())
    results = {c: LAB.run(c, reader) for c in LAB.check_ids()[:5]}
    assert {c: r.points for c, r in results.items()} == {
        "images": 4.0,
        "security-groups": 1.75,
        "storage": 3,
        "roles-and-secrets": 3.5,
        "task-definitions": 6,
    }
    images = wrong("images", reader)
    assert set(images) == {"web release rule", "api release rule"}
    assert "imageCountMoreThan 10" in images["web release rule"][1]
    groups = wrong("security-groups", reader)
    assert groups == {
        "bookshelf-web: closed to the internet": (
            "no rule from 0.0.0.0/0",
            "tcp 80",
            "revoke_security_group_ingress the 0.0.0.0/0 rule: only the load balancer may "
            "reach the tasks",
        )
    }
    roles = wrong("roles-and-secrets", reader)
    assert list(roles) == ["bookshelf-execution reads nothing else"]
    assert roles["bookshelf-execution reads nothing else"][1] == "reads every secret"


def test_a_lifecycle_policy_aws_would_reject_earns_the_images_check_nothing(
    reader: AccountReader, box: Any
) -> None:
    run_cells(until="security-groups")
    with strict.lenient():  # moto alone accepts a tagged rule without a prefix
        box.client("ecr").put_lifecycle_policy(
            repositoryName="bookshelf/api",
            lifecyclePolicyText='{"rules": [{"rulePriority": 1, "selection": {"tagStatus": '
            '"tagged", "countType": "imageCountMoreThan", "countNumber": 5}, "action": '
            '{"type": "expire"}}]}',
        )
    result = LAB.run("images", reader)
    assert result.points == 0
    gate = next(r for r in result.requirements if r.label.startswith("api lifecycle policy"))
    assert not gate.ok and "ECR012" in gate.found
    review = architecture_review(LabReport("08", (result,)), LAB.checks)
    assert review.components[0].state is State.REJECTED
    assert review.changes()[0].rejected and review.changes()[0].worth == 5


def test_a_secret_the_execution_role_cannot_read_stops_the_tasks_and_the_hint_says_so(
    reader: AccountReader,
) -> None:
    run_cells(
        until="auto-scaling",
        replace={
            '{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": session_key_arn},': "",
        },
    )
    found = wrong("services", reader)
    running = found["web tasks running"]
    assert running[1].startswith("0 of 2; tasks stop with: ResourceInitializationError")
    assert running[2] == "the execution role may not read the parameter"
    assert "api tasks running" not in found  # the api's secret is readable: it runs
    assert set(found) >= {"web healthy targets", "request /"}


def test_a_resource_label_naming_the_other_target_group_is_named_in_the_hint(
    reader: AccountReader,
) -> None:
    run_cells(
        until="auto-scaling",
        replace={
            'tg_part = find_target_group(f"bookshelf-{name}").split(":")[-1]': (
                'tg_part = find_target_group("bookshelf-web").split(":")[-1]'
            )
        },
    )
    found = wrong("auto-scaling", reader)
    assert list(found) == ["api ResourceLabel"]
    assert "/targetgroup/bookshelf-api/" in found["api ResourceLabel"][0]
    assert "counts the requests of bookshelf-web" in found["api ResourceLabel"][2]


def test_too_low_a_maximum_or_too_short_a_cooldown_does_not_hold_under_load(
    reader: AccountReader,
) -> None:
    """web: MaxCapacity 5 for a peak that needs 8; api: a 60-second ScaleOutCooldown, shorter
    than a task's start-up, so it asks again before its first tasks count and overshoots."""
    run_cells(
        replace={
            '(("web", 10, 1200.0), ("api", 6, 600.0))': '(("web", 5, 1200.0), ("api", 6, 600.0))',
            '"ScaleOutCooldown": 180,': '"ScaleOutCooldown": 180 if name == "web" else 60,',
        }
    )
    found = wrong("load-test", reader)
    assert set(found) == {"web capacity caught up", "web headroom", "api headroom"}
    assert found["web capacity caught up"][1] == "ALARM"
    assert "MaxCapacity (5)" in found["web capacity caught up"][2]
    assert found["web headroom"][1] == "5 of 5"
    assert found["web headroom"][2].startswith("at MaxCapacity the next burst")
    assert found["api headroom"][2].startswith("it went 2 → 4 → 6: the second scale-out")
    scaling = wrong("auto-scaling", reader)
    assert set(scaling) == {"web scalable target", "api cooldowns"}
    assert "ends before new tasks start and count" in scaling["api cooldowns"][2]


def test_the_repair_granted_to_the_task_role_does_not_fix_the_release(
    reader: AccountReader,
) -> None:
    run_cells(
        until="load-test",
        replace={
            'iam.put_role_policy(\n    RoleName="bookshelf-execution",\n    PolicyName="read-b': (
                'iam.put_role_policy(\n    RoleName="bookshelf-api-task",\n    PolicyName="read-b'
            )
        },
    )
    found = wrong("repair-secret", reader)
    assert (
        "the secret is injected before your code runs"
        in (found["bookshelf-execution reads bookshelf/partner-token"][2])
    )
    assert "api deployment" in found or "api runs a revision with PARTNER_TOKEN" in found
