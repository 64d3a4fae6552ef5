"""Grading lab 05 end to end (real kernels, a moto server per submission): a correct, a
partly wrong and an empty submission get the expected totals."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.resources import labs_dir
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("05")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """A mount target in us-east-1a only, and the definition repair left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'for az in ("us-east-1a", "us-east-1b"):' in source:
            cell["source"] = source.replace(
                'for az in ("us-east-1a", "us-east-1b"):', 'for az in ("us-east-1a",):'
            )
        if "fixed = copy.deepcopy(archive)" in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("lab05-submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=3, timeout=300)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded", row
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 23
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_what_depends_on_the_mistakes(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == pytest.approx(
        {
            "nfs-security-groups": 2,
            "file-system": 2.1,  # less us-east-1b's mount target (0.5) and its groups (0.4)
            "access-point": 2,
            "efs-task-definition": 3,
            "shared-service": 1.9,  # the task in us-east-1b cannot mount: 2 tasks, 2 AZs lost
            "ec2-task-definition": 2,
            "ec2-efs-tasks": 0.9,  # one task runs (us-east-1a): the rule there, its file system
            "repair-mount": 3,
            "repair-definition": 0,
        }
    )
    assert row["points"] == pytest.approx(16.9)
    text = " ".join(row["feedback"])
    assert "mount target in us-east-1b: expected exists, found us-east-1a" in text
    assert "ResourceInitializationError" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
