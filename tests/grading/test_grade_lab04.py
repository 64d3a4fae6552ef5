"""Grading lab 04 end to end: real kernels, a moto server (with the runtime) per submission."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.resources import labs_dir
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("04")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """Exercise 7 left undone, and Fargate Spot weighted 1 instead of 3 in exercise 10."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'serviceName="web-large"' in source:
            unsolve(cell)
        if 'serviceName="web-fargate"' in source:
            cell["source"] = source.replace(
                '{"capacityProvider": "FARGATE_SPOT", "weight": 3}',
                '{"capacityProvider": "FARGATE_SPOT", "weight": 1}',
            )
            assert cell["source"] != source
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=2, timeout=300)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded", row
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 24
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    expected = {c.id: c.points for c in LAB.checks}
    # exercise 7's cell makes both services, so nothing of it; Fargate Spot: the strategy
    # (0.4) and the split it makes (0.4) wrong, the rest of web-fargate right
    expected.update({"placement-constraints": 0, "fargate-spot": 1.2})
    assert row["checks"] == pytest.approx(expected)
    assert row["points"] == pytest.approx(21.2)
    text = " ".join(row["feedback"])
    assert "service web-large in cluster lab: expected ACTIVE, found nothing" in text
    assert "expected FARGATE: 2, FARGATE_SPOT: 3, found FARGATE: 3, FARGATE_SPOT: 2" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
