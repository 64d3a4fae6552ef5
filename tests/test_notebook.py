"""The notebook front end: open_lab / lab.check as a learner and as the grader see them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecs_learn import strict
from ecs_learn.checks import Status
from ecs_learn.notebook import CheckFailedError, LabNotFoundError, open_lab


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


def test_reset_empties_the_account(lab: Any) -> None:
    lab.client("ecs").create_cluster(clusterName="temp")
    lab.reset()
    assert lab.client("ecs").list_clusters()["clusterArns"] == []


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
        assert "warning: the mocked account's warm-up failed (ParamValidationError" in repr(
            session
        )
        session.check("execution-role")
        session.check("execution-role")
        told = capsys.readouterr().out
        assert told.count("Warning: the mocked account's warm-up failed") == 1
    finally:
        strict.disable()
        box.stop()
