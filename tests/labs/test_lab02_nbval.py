"""CI runs lab 02 (ECR) under nbval: the instructor source passes every cell; the student
version fails exactly its check cells (the learner has not written anything yet)."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.grading.notebooks import read_notebook
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir
from tests.labs.nbval_run import check_cell_numbers as _check_cell_numbers
from tests.labs.nbval_run import nbval as _nbval

NOTEBOOK = labs_dir() / "02-ecr.ipynb"


def test_the_instructor_source_passes_every_cell(tmp_path: Path) -> None:
    outcomes = _nbval(NOTEBOOK, tmp_path)
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes


def test_the_student_version_fails_exactly_its_check_cells(tmp_path: Path) -> None:
    student = release_notebook(NOTEBOOK, tmp_path / "student" / NOTEBOOK.name)
    outcomes = _nbval(student, tmp_path)
    failed = {n for n, o in outcomes.items() if o == "failed"}
    assert failed == _check_cell_numbers(student)
    assert len(failed) >= 5


def test_every_exercise_cell_runs_twice_in_a_row(tmp_path: Path) -> None:
    """Re-running a cell (a learner's habit) must not raise: each exercise cell is repeated."""
    from ecs_learn.grading.notebooks import cell_tags, write_notebook

    nb = read_notebook(NOTEBOOK)
    cells = []
    for cell in nb["cells"]:
        cells.append(cell)
        if cell["cell_type"] == "code" and {"exercise", "given"} & set(cell_tags(cell)):
            cells.append({**cell, "id": f"{cell.get('id', 'cell')}-again"})
    nb["cells"] = cells
    twice = tmp_path / "twice" / NOTEBOOK.name
    twice.parent.mkdir()
    write_notebook(nb, twice)
    outcomes = _nbval(twice, tmp_path)
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes
