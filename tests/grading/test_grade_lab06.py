"""Grading lab 06 end to end (real kernels, a moto server per submission): a correct, a
partly wrong and an empty submission get the expected totals."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.resources import labs_dir
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("06")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """The resource label names the load balancer only (AWS and the strict layer refuse the
    policy), and the repair is left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'label = lb_arn.split(":loadbalancer/")[1] + "/" + tg_arn.split(":")[-1]' in source:
            cell["source"] = source.replace(
                'label = lb_arn.split(":loadbalancer/")[1] + "/" + tg_arn.split(":")[-1]',
                'label = lb_arn.split(":loadbalancer/")[1]',
            )
        if '"TargetValue": 75.0' in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("lab06-submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=3, timeout=300)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded", row
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 23
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == {
        "scalable-target": 2,
        "cpu-tracking": 2,
        "request-tracking": 0,
        "step-scaling": 3,
        "office-hours": 2,
        "repair-scale-in": 0,
        "predict-1015": 2,  # predicted from the replay of this submission's own policies
        "predict-peak": 2,
        "ec2-two-layers": 4,
    }
    assert row["points"] == 17
    text = " ".join(row["feedback"])
    assert "scaling policy requests-3000: expected on service/lab/web, found nothing" in text
    assert "policies with DisableScaleIn: expected none, found memory-guard" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded", row
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
