"""Grading lab 07 end to end: a correct, a partly wrong and an empty submission, each in its own
kernel against its own moto server, give the expected totals and feedback."""

from __future__ import annotations

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_source, read_notebook
from tests.grading.class_of_three import grade_class, unsolve

LAB = get_lab("07")
SOURCE = LAB.notebook_path


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """Node role trusted by ECS tasks, EBS for the Fargate uploads, and the repair left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'ensure_role("eksNodeRole", "ec2.amazonaws.com")' in source:
            cell["source"] = source.replace('"ec2.amazonaws.com"', '"ecs-tasks.amazonaws.com"')
        if '"uploads": "aws-efs-csi-driver"' in source:
            cell["source"] = source.replace("aws-efs-csi-driver", "aws-ebs-csi-driver")
        if 'RoleName="reports-pod-role", PolicyDocument' in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("lab07-submissions")
    return grade_class(LAB, _partly_wrong(), folder, jobs=2, timeout=300)


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded"
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 24
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == pytest.approx(
        {
            "cluster-role": 2,
            "cluster": 2,
            "node-role": 1.5,  # the trust (0.5) wrong, the three policies right
            "nodegroup": 3,
            "pod-execution-role": 2,
            "fargate-profile": 3,
            "pod-placement": 3,
            "storage-drivers": 1.5,  # one workload of four wrong
            "ecr-images": 2,
            "repair-profile": 0,
        }
    )
    assert row["points"] == pytest.approx(20)
    text = " ".join(row["feedback"])
    assert "trusted by: expected ec2.amazonaws.com, found ecs-tasks.amazonaws.com" in text
    assert "expected aws-efs-csi-driver, found aws-ebs-csi-driver" in text
    assert "reports-pod-role trusted by: expected eks-fargate-pods.amazonaws.com" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)
