"""CI runs lab 06 under nbval: the instructor source passes every cell; the student
version fails exactly its check cells (the learner has not written anything yet)."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir
from tests.labs.test_lab01_nbval import _check_cell_numbers, _nbval

NOTEBOOK = labs_dir() / "06-service-auto-scaling.ipynb"


def test_the_instructor_source_passes_every_cell(tmp_path: Path) -> None:
    outcomes = _nbval(NOTEBOOK, tmp_path)
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes


def test_the_student_version_fails_exactly_its_check_cells(tmp_path: Path) -> None:
    student = release_notebook(NOTEBOOK, tmp_path / "student" / NOTEBOOK.name)
    outcomes = _nbval(student, tmp_path)
    failed = {n for n, o in outcomes.items() if o == "failed"}
    assert failed == _check_cell_numbers(student)
    assert len(failed) >= 5
