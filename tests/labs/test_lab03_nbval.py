"""CI runs lab 03 under nbval: the instructor source passes every cell; the student
version fails exactly its check cells (the learner has not written anything yet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir
from tests.labs.test_lab01_nbval import _check_cell_numbers, _nbval

NOTEBOOK = labs_dir() / "03-services-load-balancing.ipynb"


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    work = tmp_path_factory.mktemp("lab03-student")
    notebook = release_notebook(NOTEBOOK, work / "student" / NOTEBOOK.name)
    return notebook, _nbval(notebook, work)


def test_the_instructor_source_passes_every_cell(tmp_path: Path) -> None:
    outcomes = _nbval(NOTEBOOK, tmp_path)
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes


def test_the_student_version_fails_exactly_its_check_cells(
    student: tuple[Path, dict[int, str]],
) -> None:
    notebook, outcomes = student
    failed = {n for n, o in outcomes.items() if o == "failed"}
    assert failed == _check_cell_numbers(notebook)
    assert len(failed) >= 5


def test_the_notebook_is_stored_without_outputs() -> None:
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
