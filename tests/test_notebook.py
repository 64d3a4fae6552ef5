"""The notebook front end: open_lab / lab.check as a learner and as the grader see them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import Status
from ecs_learn.notebook import CheckFailedError, LabNotFoundError, open_lab


@pytest.fixture(autouse=True)
def _learner_home(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress goes to a folder of the test's own, never the real user data folder."""
    monkeypatch.setenv("ECS_LEARN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ECS_LEARN_GRADING", raising=False)


@pytest.fixture
def lab(sandbox: Any) -> Iterator[Any]:
    session = open_lab("01")
    try:
        yield session
    finally:
        strict.disable()


def test_open_lab_joins_the_running_sandbox_and_turns_strict_on(lab: Any, sandbox: Any) -> None:
    assert lab.sandbox is sandbox
    assert strict.is_enabled()
    assert "lab 01" in repr(lab) and "embedded sandbox" in repr(lab)


def test_a_failed_check_is_returned_to_a_learner(lab: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECS_LEARN_GRADING", raising=False)
    result = lab.check("execution-role")
    assert result.status is Status.FAILED
    assert "Not yet" in result._repr_html_()


def test_under_grading_a_failed_check_raises_so_its_cell_fails(
    lab: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECS_LEARN_GRADING", "1")
    with pytest.raises(CheckFailedError, match=r"\[FAIL\] execution-role"):
        lab.check("execution-role")


def test_unknown_ids_name_the_valid_ones_in_one_line(lab: Any) -> None:
    with pytest.raises(LabNotFoundError) as caught:
        lab.check("fargate")
    assert "fargate-task" in str(caught.value)
    assert caught.value._render_traceback_() == [f"LabNotFoundError: {caught.value}"]
    with pytest.raises(LabNotFoundError, match=r"the labs are: 01 \(task-definitions\)"):
        open_lab("42")


def test_reset_empties_the_account_and_says_so(
    lab: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    lab.client("ecs").create_cluster(clusterName="temp")
    lab.reset()
    assert lab.client("ecs").list_clusters()["clusterArns"] == []
    assert "Emptied the mocked account" in capsys.readouterr().out  # it used to say nothing


def test_a_failed_warm_up_is_told_in_the_repr_and_before_the_first_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecs_learn.sandbox import Sandbox, core

    # A warm-up call botocore itself refuses (a required parameter is missing).
    monkeypatch.setattr(core, "WARM_UP_CALLS", (("ecs", "describe_services"),))
    monkeypatch.delenv("ECS_LEARN_GRADING", raising=False)
    box = Sandbox().start(background=False)
    try:
        session = open_lab("01")
        assert "warning: the mocked account's warm-up failed (ParamValidationError" in repr(session)
        session.check("execution-role")
        session.check("execution-role")
        told = capsys.readouterr().out
        assert told.count("Warning: the mocked account's warm-up failed") == 1
    finally:
        strict.disable()
        box.stop()


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


def _exercise_cell(check_id: str) -> str:
    from tests.labs.notebook_code import code_cells

    for cell in code_cells("01-task-definitions.ipynb"):
        text = "".join(cell["source"])
        if text.startswith(f'lab.reset("{check_id}")') or f'\nlab.reset("{check_id}")' in text:
            return text
    raise AssertionError(f"no exercise cell for {check_id}")


def test_every_exercise_cell_runs_twice_cleanly(lab: Any) -> None:
    """Seen in issue 13: re-running an exercise cell failed with EntityAlreadyExists."""
    from tests.labs.notebook_code import run_solution

    namespace = run_solution("01-task-definitions.ipynb")
    for check_id in lab.lab.check_ids():
        exec(_exercise_cell(check_id), namespace)  # the second run of each cell
        assert namespace["lab"].check(check_id).passed, check_id


def test_reset_of_one_exercise_removes_only_what_it_owns_and_says_what(
    lab: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    iam, ecs = lab.client("iam"), lab.client("ecs")
    for name in ("ecsTaskExecutionRole", "web-app-task-role"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(
        RoleName="web-app-task-role",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )
    ecs.register_task_definition(
        family="web-ec2", containerDefinitions=[{"name": "web", "image": "x", "memory": 256}]
    )
    lab.reset("task-role")
    said = capsys.readouterr().out
    assert said.strip() == (
        "Reset task-role: removed IAM role web-app-task-role (and its 1 inline policy)."
    )
    names = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert "web-app-task-role" not in names and "ecsTaskExecutionRole" in names
    assert ecs.list_task_definitions()["taskDefinitionArns"]  # other exercises untouched
    lab.reset("ec2-task")
    assert "removed task definition family web-ec2 (1 revision)" in capsys.readouterr().out
    assert lab.check("ec2-task").requirements[0].found == "nothing"
    lab.reset("ec2-task")
    assert capsys.readouterr().out.strip() == "Reset ec2-task: nothing to remove yet."


def test_reset_of_an_exercise_that_owns_nothing_says_so(
    sandbox: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every check names what it owns today (tests/checks/test_registry.py); one that did
    not would be told apart from one with nothing to remove yet."""
    import dataclasses

    from ecs_learn.checks.catalog import Lab
    from ecs_learn.checks.owns import Owns

    real = Lab.get_check
    monkeypatch.setattr(
        Lab, "get_check", lambda self, cid: dataclasses.replace(real(self, cid), owns=Owns())
    )
    lab04 = open_lab("04")
    try:
        capsys.readouterr()
        lab04.reset("asg-capacity-provider")
        said = capsys.readouterr().out
    finally:
        strict.disable()
    assert "cannot be started over on its own" in said and "lab.reset()" in said


def test_reset_of_an_exercise_that_creates_nothing_says_why(sandbox: Any, capsys: Any) -> None:
    lab08 = open_lab("08")
    try:
        capsys.readouterr()
        lab08.reset("load-test")
        said = capsys.readouterr().out
    finally:
        strict.disable()
    assert said.startswith(
        "Reset load-test: nothing to remove: The load test creates nothing in the account"
    )


def test_a_strict_rejection_keeps_aws_wording_and_explains_elsewhere(lab: Any) -> None:
    """Seen in issue 13: the essay was appended to Error.Message, said twice, not AWS's
    wording, and ended by suggesting ecs_learn.strict.lenient()."""
    from botocore.exceptions import ClientError

    from ecs_learn.strict.panel import rejection_of

    with pytest.raises(ClientError) as caught:
        lab.client("ecs").register_task_definition(
            family="f",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="4096",
            containerDefinitions=[{"name": "a", "image": "x"}],
        )
    err = caught.value
    assert err.response["Error"]["Message"] == "Invalid 'cpu' setting for task."
    assert str(err) == (
        "An error occurred (ClientException) when calling the RegisterTaskDefinition "
        "operation: Invalid 'cpu' setting for task."
    )
    panel = rejection_of(err)
    assert panel is not None
    html = panel._repr_html_()
    assert html.index("An error occurred (ClientException)") < html.index("memory</code>")
    assert "task-cpu-memory-error" in html  # a link to the AWS page
    assert "lenient" not in html and "lenient" not in str(panel)
    assert html.count("Fargate has no task size") == 1  # said once


def test_any_other_aws_error_shows_aws_line_and_the_cell_line_not_a_traceback(
    sandbox: Any,
) -> None:
    """Seen walking lab 02: running "create the repository" twice printed 40 lines of
    botocore traceback around RepositoryAlreadyExistsException."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("from ecs_learn.notebook import open_lab\nlab = open_lab('02')")
        shell.run_cell("ecr = lab.client('ecr')\necr.create_repository(repositoryName='twice')")
        with capture_output() as captured:
            result = shell.run_cell("print('first')\necr.create_repository(repositoryName='twice')")
        assert isinstance(result.error_in_exec, Exception)  # the cell still fails
        html = captured.outputs[-1].data["text/html"]
        assert "ecs-learn-aws-error" in html
        assert (
            "An error occurred (RepositoryAlreadyExistsException) when calling the "
            "CreateRepository operation" in html
        )
        where = "line 2 of this cell: ecr.create_repository(repositoryName=&#x27;twice&#x27;)"
        assert where in html
        assert "Traceback" not in captured.stdout + captured.stderr
        with capture_output() as captured:
            shell.run_cell("%tb")  # the full traceback is still there when wanted
        assert "RepositoryAlreadyExistsException" in captured.stdout + captured.stderr
        with capture_output() as captured:  # botocore's own validation: the same panel
            shell.run_cell("ecr.describe_repositories(repositoryName='twice')")
        html = captured.outputs[-1].data["text/html"]
        assert "ParamValidationError" in html and "Unknown parameter in input" in html
        assert "line 1 of this cell" in html
        shell.run_cell("def make():\n    ecr.create_repository(repositoryName='twice')")
        with capture_output() as captured:  # as a kernel runs cells (counted in history)
            shell.run_cell("make()", store_history=True)
        html = captured.outputs[-1].data["text/html"]
        assert "at In [" in html and "], line 2: ecr.create_repository(" in html
        with capture_output() as captured:
            shell.run_cell(
                "x = 1\necr.create_repository(repositoryName='twice')", store_history=True
            )
        assert "line 2 of this cell" in captured.outputs[-1].data["text/html"]
    finally:
        strict.disable()


def test_strict_advice_is_one_line_without_ecs_learns_source_line(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen walking lab 07: advice printed as "/.../ecs_learn/strict/hooks.py:58:
    AdviceWarning: ..." followed by "errors = _findings(op, call)"."""
    import warnings

    from IPython.core.interactiveshell import InteractiveShell

    from ecs_learn.strict.panel import install_notebook_display

    monkeypatch.setattr(warnings, "formatwarning", warnings.formatwarning)  # restored after
    InteractiveShell.instance()
    assert install_notebook_display() and install_notebook_display()  # twice: wrapped once
    advice = warnings.formatwarning(
        "IAM002 at AssumeRolePolicyDocument: trusts ecs.amazonaws.com",
        strict.AdviceWarning,
        "/x/ecs_learn/strict/hooks.py",
        58,
        "errors = _findings(op, call)",
    )
    assert advice == (
        "AdviceWarning (AWS accepts this call; ecs-learn advises): "
        "IAM002 at AssumeRolePolicyDocument: trusts ecs.amazonaws.com\n"
    )
    other = warnings.formatwarning("old", DeprecationWarning, "/x/mod.py", 3, "call()")
    assert other.startswith("/x/mod.py:3: DeprecationWarning: old")  # others as Python has them


def test_the_ipython_display_shows_the_panel_not_a_traceback(sandbox: Any) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    try:
        with capture_output() as captured:
            shell.run_cell("from ecs_learn.notebook import open_lab\nlab = open_lab('01')")
            shell.run_cell(
                "lab.client('ecs').register_task_definition(family='f', "
                "requiresCompatibilities=['FARGATE'], networkMode='bridge', cpu='256', "
                "memory='512', containerDefinitions=[{'name': 'a', 'image': 'x'}])"
            )
        (output,) = captured.outputs
        assert "ecs-learn-rejection" in output.data["text/html"]
        assert "Traceback" not in captured.stdout + captured.stderr
        with capture_output() as captured:
            result = shell.run_cell(
                f"lab.client('iam').create_role(RoleName='r', AssumeRolePolicyDocument={TRUST!r})"
            )
        shown = result.result
        assert "ResponseMetadata" in shown  # the value is the plain boto3 dict...
        formatted = shell.display_formatter.format(shown)[0]["text/plain"]
        assert "ResponseMetadata" not in formatted and "'Role'" in formatted  # ...not shown
    finally:
        strict.disable()
        InteractiveShell.clear_instance()


def test_check_results_are_recorded_and_a_restart_is_told(sandbox: Any, tmp_path: Any) -> None:
    """Seen in issue 4: after a kernel restart nothing said the account was gone."""
    from ecs_learn import learner
    from ecs_learn.notebook import _ACCOUNTS

    session = open_lab("01")
    iam = session.client("iam")
    iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(
        RoleName="ecsTaskExecutionRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    )
    result = session.check("execution-role")
    assert result.passed and result.account == session.account.label
    failed = session.check("task-role")
    progress = learner.progress_store().load()
    records = progress.lab("01")
    assert records["execution-role"]["status"] == "passed"
    assert records["task-role"]["status"] == "failed"
    assert any(f["why"] == "lab 01 check task-role" for f in progress.flags.values())
    assert "ecs-learn-restarted" not in session._repr_html_()
    assert f"session <code>{session.account.label}</code>" in session._repr_html_()
    assert f"mocked account session <code>{failed.account}</code>" in failed._repr_html_()

    _ACCOUNTS.clear()  # what a new kernel has: no account session yet
    sandbox.reset()
    again = open_lab("01")
    assert again.account.label != session.account.label
    assert again.earlier == ["execution-role"]
    assert "new, empty mocked account" in again._repr_html_()
    assert "Run All Cells" in repr(again)
    strict.disable()


def test_under_grading_nothing_is_recorded(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecs_learn import learner

    monkeypatch.setenv("ECS_LEARN_GRADING", "1")
    session = open_lab("01")
    with pytest.raises(CheckFailedError):
        session.check("execution-role")
    assert learner.progress_store().load().labs == {}
    strict.disable()


def test_report_is_a_summary_with_details_on_demand(lab: Any) -> None:
    """Seen in issue 4: lab.report() repeated every panel with no summary."""
    html = lab.report()._repr_html_()
    assert html.count("<details") == 6 and "ecs-learn-score-bar" in html
    assert "0 of 6 exercises done" in html
    head = html.split("<details", 1)[0]
    assert "ecs-learn-check" not in head


def test_show_draws_the_account_as_inline_svg(lab: Any) -> None:
    assert "empty" in lab.show()._repr_html_()
    iam, ecs = lab.client("iam"), lab.client("ecs")
    iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=TRUST)
    arn = iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]["Arn"]
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        executionRoleArn=arn,
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web",
                        "awslogs-region": "us-east-1",
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    )
    drawing = lab.show()
    html = drawing._repr_html_()
    assert html.count("<svg") == 1 and html.count("class='ecs-learn-node'") == 4
    assert html.count("class='ecs-learn-edge'") == 2  # the role and the log group
    assert "web:1 -> ecsTaskExecutionRole (execution role)" in str(drawing)


def test_a_quiz_on_a_tag_draws_from_every_bank_and_the_review_reads_the_report(
    sandbox: Any,
) -> None:
    session = open_lab("08")
    try:
        quiz = session.quiz(tag="capstone", count=4, seed=3)
        assert quiz.total == 4 and all("capstone" in q.item.tags for q in quiz.questions)
        assert len({q.item.id.split("/")[0] for q in quiz.questions}) >= 2
        with pytest.raises(LabNotFoundError, match="no quiz item carries the tag 'nope'"):
            session.quiz(tag="nope")
        review = session.review()
        assert review.points == 0 and "0 of 8 components complete" in review.verdict
        assert [c.result.check_id for c in review.behaviour] == ["repair-secret", "load-test"]
        assert "What is missing" in review._repr_html_()
    finally:
        strict.disable()
