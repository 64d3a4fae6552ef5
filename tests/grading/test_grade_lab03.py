"""Grading lab 03: a correct, a partly wrong and an empty submission, each in its own kernel
against its own moto server (where the runtime runs)."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.resources import labs_dir
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("03")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """The circuit breaker without rollback, and the repair left undone.

    The grader judges the account the submission leaves behind: without the rollback the
    service ends on the broken 3.0 revision, so the rolling update no longer holds either.
    """
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if "web_v3 = ecs.register_task_definition" in source:
            cell["source"] = source.replace('"rollback": True', '"rollback": False')
        if 'service="orders", forceNewDeployment=True' in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("lab03-submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=2, timeout=600)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded", row
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 24
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == pytest.approx(
        {
            "security-groups": 2,
            "alb": 3,
            "alb-service": 3,
            "path-routing": 3,
            "nlb-service": 3,
            # the account ends on the broken 3.0 revision: the image, the deployment and the
            # tasks of the rolling update fail (1.5 of 3); the breaker's setting and its rollback
            # fail (1.5 of 3); the repair's given state earns nothing
            "rolling-update": 1.5,
            "circuit-breaker": 1.5,
            "repair-targets": 0,
        }
    )
    assert row["points"] == pytest.approx(17)
    text = " ".join(row["feedback"])
    assert "deploymentCircuitBreaker: expected enable True, rollback True" in text
    assert "orders-tasks ingress: expected tcp 8080 from the orders-alb security group" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
