"""Grading step 1: the notebook to run, with every check cell restored from the lab."""

from __future__ import annotations

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.notebooks import Notebook, cell_check_id, cell_source

__all__ = ["MAX_CELL", "prepare_submission"]

MAX_CELL = 1024 * 1024  # characters of source a code cell may have and still run


def prepare_submission(nb: Notebook, lab: Lab) -> tuple[Notebook, list[str]]:
    """Restore every check cell from the lab (by tag and id) and clear outputs.

    Returns the notebook to run and notes about check cells that were missing, edited,
    repeated or tagged for a check the lab does not have, and about code cells too
    large to run (their source is replaced by a comment saying so).
    """
    notes: list[str] = []
    seen: set[str] = set()
    known = set(lab.check_ids())
    number = 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        cell["outputs"] = []
        cell["execution_count"] = None
        check_id = cell_check_id(cell)
        if check_id is None:
            if len(cell_source(cell)) > MAX_CELL:
                notes.append(
                    f"code cell {number} is larger than {MAX_CELL // 1024} KiB and was not run"
                )
                cell["source"] = "# removed by the grader: this cell is too large to run\n"
            continue
        if check_id not in known:
            notes.append(f"code cell {number} is tagged for an unknown check {check_id!r}")
            cell["source"] = ""
            continue
        canonical = f'lab.check("{check_id}")'
        if check_id in seen:
            notes.append(f"the check cell for {check_id!r} appears more than once")
        elif cell_source(cell).strip() != canonical:
            notes.append(f"the check cell for {check_id!r} was edited; it was restored")
        cell["source"] = canonical
        seen.add(check_id)
    for check_id in lab.check_ids():
        if check_id not in seen:
            notes.append(f"the check cell for {check_id!r} is missing (graded all the same)")
    return nb, notes
