"""Run a lab notebook's code cells in this process (the instructor source is the solution)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecs_learn.grading.notebooks import cell_check_id, cell_source, cell_tags
from ecs_learn.resources import labs_dir


def code_cells(notebook: str) -> list[dict[str, Any]]:
    nb = json.loads((labs_dir() / notebook).read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def run_solution(notebook: str, *, skip_tags: tuple[str, ...] = ("report",)) -> dict[str, Any]:
    """Execute every code cell except check cells; return the namespace."""
    namespace: dict[str, Any] = {"__name__": "__lab__"}
    for cell in code_cells(notebook):
        if cell_check_id(cell) is not None or set(cell_tags(cell)) & set(skip_tags):
            continue
        exec(compile(cell_source(cell), f"<{Path(notebook).stem}>", "exec"), namespace)
    return namespace
