"""A failing or endless cell is named by its place in the notebook, markdown cells aside."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ecs_learn.checks import get_lab
from ecs_learn.grading.isolation import Limits
from ecs_learn.grading.payload import CellOutcome
from ecs_learn.grading.pool import Pool
from ecs_learn.grading.prepare import prepare_submission
from ecs_learn.grading.run import run_in_box
from ecs_learn.grading.score import cell_feedback

LAB = get_lab("01")


def test_cells_are_reported_by_notebook_position_in_a_real_grading_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real nbval and kernel; markdown cells before each code cell; nbval's ids unused.

    An instructor's PYTEST_ADDOPTS=-x would stop at the first failing cell: it must not
    reach the grading run.
    """
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# What you will build"),
            # Light on purpose: a cell that imports the lab can take more than the 3 s
            # limit on a busy machine. The check cell never runs (it follows a timeout).
            new_code_cell("answer = 42"),
            new_markdown_cell("## Exercise 1"),
            new_markdown_cell("Explanation."),
            new_code_cell("raise ValueError('boom')", metadata={"tags": ["mine"]}),
            new_markdown_cell("## Exercise 2"),
            new_code_cell("while True:\n    pass"),
            new_code_cell(
                'lab.check("execution-role")', metadata={"tags": ["check:execution-role"]}
            ),
        ]
    )
    prepared, _notes = prepare_submission(nb, LAB)

    with Pool(1) as pool, pool.slot() as slot:
        payload = run_in_box(prepared, LAB, slot, timeout=180, cell_timeout=3, limits=Limits())

    assert [(c.index, c.code_index, c.tags, c.outcome) for c in payload.cells[:3]] == [
        (1, 0, (), CellOutcome.PASSED),
        (4, 1, ("mine",), CellOutcome.FAILED),
        (6, 2, (), CellOutcome.TIMED_OUT),
    ]
    assert payload.cells[2].timeout == 3
    assert payload.cells[3].index == 7 and payload.cells[3].check_id == "execution-role"
    assert cell_feedback(payload.cells) == [
        "code cell 2 raised an error: ValueError: boom",
        "code cell 3 ran longer than the 3 s allowed and was stopped",
    ]
    assert payload.finished
