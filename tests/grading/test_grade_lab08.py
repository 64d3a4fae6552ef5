"""Grading the capstone with the real ``ecs-learn grade`` (a subprocess, real kernels, a moto
server per submission): a full, a half-done and an empty submission get their per-check scores,
and each check's feedback names every piece that is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.notebooks import cell_check_id, cell_source, read_notebook, write_notebook
from ecs_learn.grading.release import student_version
from tests.grading.class_of_three import unsolve

LAB = get_lab("08")
FIRST_HALF = ("images", "security-groups", "storage", "roles-and-secrets", "task-definitions")


def _half_done() -> dict[str, Any]:
    """The resources of the first five exercises, with one slip (the lifecycle policy keeps ten
    releases, not five); the load balancer, the services, scaling, the repair and the load test
    left as the learner got them."""
    nb = read_notebook(LAB.notebook_path)
    started = False
    for cell in nb["cells"]:
        if cell_check_id(cell) == "task-definitions":
            started = True
        source = cell_source(cell)
        if '"countType": "imageCountMoreThan",\n                "countNumber": 5,' in source:
            cell["source"] = source.replace('"countNumber": 5,', '"countNumber": 10,')
        if started and "# BEGIN SOLUTION" in source:
            unsolve(cell)
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("lab08-submissions")
    subs = folder / "subs"
    subs.mkdir()
    write_notebook(read_notebook(LAB.notebook_path), subs / "full.ipynb")
    write_notebook(_half_done(), subs / "half.ipynb")
    write_notebook(student_version(read_notebook(LAB.notebook_path)), subs / "empty.ipynb")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ecs_learn.cli import main; main()",
            "grade",
            str(subs),
            "--lab",
            "08",
            "--out",
            str(folder / "grades.csv"),
            "--json",
            str(folder / "grades.json"),
            "--feedback",
            str(folder / "feedback"),
            "--jobs",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads((folder / "grades.json").read_text())["students"]
    return {
        "rows": {r["student"]: r for r in rows},
        "feedback": {p.stem: p.read_text() for p in (folder / "feedback").glob("*.md")},
    }


def _names_every_missing_piece(row: dict[str, Any], check_id: str) -> None:
    """The check's feedback names each requirement of its points table (not the "AWS accepts
    it" gates: for a resource that is not there, nothing is rejected)."""
    item = LAB.get_check(check_id)
    reason = row["check_results"][check_id]["reason"]
    for label in set(item.weights) - set(item.gates):
        assert f"{label}: expected" in reason, (check_id, label, reason)


def test_the_full_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["rows"]["full"]
    assert row["status"] == "graded", row
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 40
    assert row["feedback"] == []


def test_the_half_done_submission_earns_the_first_half_and_is_told_what_is_missing(
    graded: dict,  # type: ignore[type-arg]
) -> None:
    row = graded["rows"]["half"]
    assert row["status"] == "graded", row
    assert row["checks"] == {
        "images": 4.0,  # both release rules keep ten
        "security-groups": 2,
        "storage": 3,
        "roles-and-secrets": 4,
        "task-definitions": 6,
        "load-balancer": 0,
        "services": 0,
        "auto-scaling": 0,
        "repair-secret": 0,
        "load-test": 0,
    }
    assert row["points"] == 19
    images = row["check_results"]["images"]["reason"]
    assert images.startswith("web release rule: expected keep the 5 newest images tagged v…")
    assert "imageCountMoreThan 10" in images and "api release rule" in images
    for check_id in LAB.check_ids():
        if check_id not in FIRST_HALF:
            _names_every_missing_piece(row, check_id)
    assert not [f for f in row["feedback"] if "raised an error" in f]  # only checks failed
    feedback = graded["feedback"]["half"]
    assert "**Score: 19 / 40**" in feedback and "## load-balancer" in feedback
    assert (
        "listener rule /api/* — expected: path-pattern /api/* -> forward to bookshelf-api;"
        in feedback
    )


def test_the_empty_submission_scores_zero_and_every_check_names_its_pieces(
    graded: dict,  # type: ignore[type-arg]
) -> None:
    row = graded["rows"]["empty"]
    assert row["status"] == "graded", row
    assert set(row["checks"].values()) == {0}
    for check_id in LAB.check_ids():
        _names_every_missing_piece(row, check_id)
    assert not [f for f in row["feedback"] if "raised an error" in f]
