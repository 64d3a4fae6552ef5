"""CI runs every lab under nbval: the instructor source passes every cell; the student
version fails exactly its check cells (the learner has not written anything yet).

Labs whose nbval runs need more (lab 02 re-runs every exercise cell; labs 05 and 07 run
both versions at once) have their own module; a meta-test keeps every lab covered.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_learn.checks.catalog import lab_entries
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir
from tests.labs.nbval_run import check_cell_numbers, nbval

OWN_MODULES = {"02", "05", "07"}  # tests/labs/test_labNN_nbval.py
STANDARD = [e for e in lab_entries() if e.id not in OWN_MODULES]


@pytest.mark.parametrize("entry", STANDARD, ids=[e.id for e in STANDARD])
def test_the_instructor_source_passes_every_cell(entry: object, tmp_path: Path) -> None:
    notebook = labs_dir() / entry.notebook  # type: ignore[attr-defined]
    outcomes = nbval(notebook, tmp_path)
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes


@pytest.mark.parametrize("entry", STANDARD, ids=[e.id for e in STANDARD])
def test_the_student_version_fails_exactly_its_check_cells(
    entry: object, tmp_path: Path
) -> None:
    source = labs_dir() / entry.notebook  # type: ignore[attr-defined]
    student = release_notebook(source, tmp_path / "student" / source.name)
    outcomes = nbval(student, tmp_path)
    failed = {n for n, o in outcomes.items() if o == "failed"}
    assert failed == check_cell_numbers(student), outcomes
    assert len(failed) >= 5


def test_every_lab_is_run_under_nbval() -> None:
    here = Path(__file__).parent
    for entry in lab_entries():
        if entry.id in OWN_MODULES:
            assert (here / f"test_lab{entry.id}_nbval.py").exists(), entry.id


@pytest.mark.parametrize("entry", lab_entries(), ids=[e.id for e in lab_entries()])
def test_the_notebook_is_stored_without_outputs(entry: object) -> None:
    notebook = labs_dir() / entry.notebook  # type: ignore[attr-defined]
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
