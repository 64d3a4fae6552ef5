"""Grading a class folder end to end: real nbval, real kernels, a real moto server each."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.grade import grade_folder, prepare_submission
from ecs_learn.grading.notebooks import cell_check_id, cell_source, read_notebook, write_notebook
from ecs_learn.grading.release import student_version
from ecs_learn.resources import labs_dir

LAB = get_lab("01")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """Task role trusted by EC2 (wrong), and the repair left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'RoleName="web-app-task-role",\n    AssumeRolePolicyDocument' in source:
            cell["source"] = source.replace(
                "AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust)",
                'AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust).replace("ecs-tasks", "ec2")',
            )
        if "fixed = copy.deepcopy(broken)" in source:
            cell.update(
                student_version({"nbformat": 4, "cells": [copy.deepcopy(cell)]})["cells"][0]
            )
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("submissions")
    write_notebook(read_notebook(SOURCE), folder / "correct.ipynb")
    write_notebook(_partly_wrong(), folder / "partly.ipynb")
    write_notebook(student_version(read_notebook(SOURCE)), folder / "empty.ipynb")
    (folder / "corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    results = grade_folder(folder, LAB, jobs=2, timeout=300)
    return {r.student: r.to_dict() for r in results}


def test_one_row_per_notebook_and_nothing_else(graded: dict) -> None:  # type: ignore[type-arg]
    assert sorted(graded) == ["correct", "corrupt", "empty", "partly"]


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded"
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 14
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == {
        "execution-role": 2,
        "task-role": 1.5,  # partial credit: the role and its policy are right, the trust is not
        "ec2-task": 2,
        "fargate-task": 3,
        "sidecar-task": 2,
        "repair-task": 0,
    }
    assert row["points"] == 10.5
    text = " ".join(row["feedback"])
    assert "trusted by: expected ecs-tasks.amazonaws.com, found ec2.amazonaws.com" in text
    assert "task definition family orders-api: expected registered" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)


def test_a_corrupt_file_gets_zero_with_the_reason(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["corrupt"]
    assert row["status"] == "invalid" and row["points"] == 0
    assert "corrupt.ipynb" in row["reason"] and "invalid JSON" in row["reason"]


def test_edited_and_deleted_check_cells_are_restored_and_reported() -> None:
    nb = read_notebook(SOURCE)
    checks = [c for c in nb["cells"] if cell_check_id(c)]
    checks[0]["source"] = "print('I promise it passes')"
    nb["cells"].remove(checks[1])
    prepared, notes = prepare_submission(nb, LAB)
    restored = [cell_source(c) for c in prepared["cells"] if cell_check_id(c)]
    assert restored[0] == 'lab.check("execution-role")'
    assert notes == [
        "the check cell for 'execution-role' was edited; it was restored",
        "the check cell for 'task-role' is missing (graded all the same)",
    ]


def test_the_cli_writes_csv_and_json(tmp_path: Path, cli_python: list[str]) -> None:
    import subprocess

    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("", encoding="utf-8")
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [
            *cli_python,
            "grade",
            str(folder),
            "--lab",
            "01",
            "--out",
            str(out),
            "--json",
            str(tmp_path / "g.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["student"] == "broken" and rows[0]["total"] == "0"
    assert "the file is empty" in rows[0]["feedback"]
    assert json.loads((tmp_path / "g.json").read_text())["students"][0]["status"] == "invalid"


def test_the_cli_names_an_unknown_lab(tmp_path: Path, cli_python: list[str]) -> None:
    import subprocess

    done = subprocess.run(
        [*cli_python, "grade", str(tmp_path), "--lab", "77"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "there is no lab '77'" in done.stderr and "Traceback" not in done.stderr


def test_an_endless_cell_is_stopped_and_costs_only_what_depends_on_it(tmp_path: Path) -> None:
    from ecs_learn.grading.grade import grade_submission

    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        if 'RoleName="web-app-task-role",\n    AssumeRolePolicyDocument' in cell_source(cell):
            cell["source"] = "while True:\n    pass\n"
    write_notebook(nb, tmp_path / "looper.ipynb")
    row = grade_submission(tmp_path / "looper.ipynb", LAB, cell_timeout=5, timeout=120)
    assert row.status == "graded"
    assert row.checks == {
        "execution-role": 2,
        "task-role": 0,
        "ec2-task": 2,
        "fargate-task": 0,
        "sidecar-task": 2,
        "repair-task": 3,
    }  # fargate-task uses the task role the endless cell never made
    assert "code cell 4 ran longer than the 5 s allowed and was stopped" in row.feedback
