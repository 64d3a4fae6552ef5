"""Grading lab 02 end to end: real nbval, real kernels, a real moto server per submission
(the push helper, the runtime and the lifecycle preview all work through the server)."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.resources import labs_dir
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("02")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """The execution role trusted by EC2 (wrong), and the repair left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if "AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust)" in source:
            cell["source"] = source.replace(
                "AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust)",
                'AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust).replace("ecs-tasks", "ec2")',
            )
        if "fixed = ecs.register_task_definition(" in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=2, timeout=300)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded"
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 20
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == pytest.approx(
        {
            "repository": 2,
            "image-pushed": 2,
            "pull-role": 1.5,  # all but "trusted by" (0.5): partial credit per requirement
            "pull-by-tag": 3,
            "pull-by-digest": 3,
            "immutable-tag": 2,
            "lifecycle-policy": 3,
            "repair-pull": 0,
        }
    )
    assert row["points"] == pytest.approx(16.5)
    text = " ".join(row["feedback"])
    assert "trusted by: expected ecs-tasks.amazonaws.com, found ec2.amazonaws.com" in text
    assert "CannotPullContainerError" in text or "latest" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
