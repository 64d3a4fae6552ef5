"""Grading step 1: the notebook to run, with every check cell restored from the lab."""

from __future__ import annotations

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.notebooks import Notebook, cell_check_id, cell_source

__all__ = ["prepare_submission"]


def prepare_submission(nb: Notebook, lab: Lab) -> tuple[Notebook, list[str]]:
    """Restore every check cell from the lab (by tag and id) and clear outputs.

    Returns the notebook to run and notes about check cells that were missing or edited.
    """
    notes: list[str] = []
    seen: set[str] = set()
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"] = []
        cell["execution_count"] = None
        check_id = cell_check_id(cell)
        if check_id is None:
            continue
        canonical = f'lab.check("{check_id}")'
        if cell_source(cell).strip() != canonical:
            notes.append(f"the check cell for {check_id!r} was edited; it was restored")
        cell["source"] = canonical
        seen.add(check_id)
    for check_id in lab.check_ids():
        if check_id not in seen:
            notes.append(f"the check cell for {check_id!r} is missing (graded all the same)")
    return nb, notes
