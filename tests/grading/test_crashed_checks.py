"""A check that crashes is reported as crashed (with its reason), never as failed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.checks.result import CheckResult, Requirement, Status
from ecs_learn.grading.grade import grade_submission
from ecs_learn.grading.notebooks import read_notebook, write_notebook
from ecs_learn.grading.payload import GradingPayload
from ecs_learn.grading.report import write_csv, write_json
from ecs_learn.grading.score import score_payload
from ecs_learn.resources import labs_dir

LAB = get_lab("01")


def _reports(result: object, tmp_path: Path) -> tuple[dict, dict]:  # type: ignore[type-arg]
    write_csv([result], LAB, tmp_path / "grades.csv")  # type: ignore[list-item]
    write_json([result], LAB, tmp_path / "grades.json")  # type: ignore[list-item]
    (row,) = csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8"))
    (student,) = json.loads((tmp_path / "grades.json").read_text(encoding="utf-8"))["students"]
    return row, student


def test_a_crashed_check_in_a_real_grading_run_is_reported_as_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real nbval, kernel and moto server; the grader's own task-role check raises.

    The checks run in the grader's process, so the crash is planted there.
    """
    from dataclasses import replace

    from ecs_learn.checks.catalog import Lab

    def crash(aws: object) -> None:
        raise KeyError("RoleLastUsed")

    checks = tuple(replace(c, func=crash) if c.id == "task-role" else c for c in LAB.checks)
    lab = Lab(**{**LAB.__dict__, "checks": checks})
    write_notebook(read_notebook(labs_dir() / LAB.notebook), tmp_path / "correct.ipynb")

    result = grade_submission(tmp_path / "correct.ipynb", lab, timeout=300)

    assert result.status == "graded"
    assert result.checks["task-role"] == 0 and result.points == 12  # 14 minus the crashed 2
    assert "task-role: the check itself crashed (KeyError: 'RoleLastUsed')" in result.feedback
    row, student = _reports(result, tmp_path)
    assert row["crashed"] == "task-role: KeyError: 'RoleLastUsed'"
    assert row["task-role"] == "0" and row["total"] == "12"
    statuses = {k: v["status"] for k, v in student["check_results"].items()}
    assert statuses == {c.id: "crashed" if c.id == "task-role" else "passed" for c in LAB.checks}
    assert student["check_results"]["task-role"]["reason"] == "KeyError: 'RoleLastUsed'"


def test_a_crashed_check_and_a_failed_one_stay_apart_in_csv_and_json(tmp_path: Path) -> None:
    """From a payload: one check failed (the student's fault), one crashed (the check's)."""
    results = tuple(
        CheckResult("01", c.id, c.title, Status.PASSED, c.points, c.points) for c in LAB.checks
    )
    wrong = (Requirement("trusted by", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", False),)
    results = tuple(
        {
            "task-role": CheckResult("01", "task-role", "T", Status.FAILED, 0, 2, wrong, "hint"),
            "ec2-task": CheckResult(
                "01", "ec2-task", "E", Status.ERROR, 0, 2, (), "h", "IndexError: x"
            ),
        }.get(r.check_id, r)
        for r in results
    )
    result = score_payload(tmp_path / "ana.ipynb", LAB, GradingPayload("01", (), results))
    row, student = _reports(result, tmp_path)
    assert row["crashed"] == "ec2-task: IndexError: x"
    assert row["task-role"] == row["ec2-task"] == "0" and row["total"] == "10"
    assert student["check_results"]["task-role"] == {
        "status": "failed",
        "points": 0,
        "max_points": 2,
        "reason": "trusted by: expected ecs-tasks.amazonaws.com, found ec2.amazonaws.com",
    }
    assert student["check_results"]["ec2-task"]["status"] == "crashed"
    assert student["check_results"]["ec2-task"]["reason"] == "IndexError: x"


def test_a_submission_whose_checks_never_ran_says_not_run(tmp_path: Path) -> None:
    (tmp_path / "empty.ipynb").write_text("", encoding="utf-8")
    row, student = _reports(grade_submission(tmp_path / "empty.ipynb", LAB), tmp_path)
    assert row["status"] == "invalid" and row["crashed"] == ""
    assert {v["status"] for v in student["check_results"].values()} == {"not run"}
