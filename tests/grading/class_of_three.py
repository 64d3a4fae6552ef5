"""The class every lab's grading test grades: the instructor source, a partly wrong copy and
the student version, each in its own kernel against its own moto server."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.grade import grade_folder
from ecs_learn.grading.notebooks import read_notebook, write_notebook
from ecs_learn.grading.release import student_version

__all__ = ["grade_class", "unsolve"]


def unsolve(cell: dict[str, Any]) -> None:
    """Put the cell back as the learner gets it (its fenced solution replaced by the prompt)."""
    cell.update(student_version({"nbformat": 4, "cells": [copy.deepcopy(cell)]})["cells"][0])


def grade_class(
    lab: Lab, partly: dict[str, Any], folder: Path, *, jobs: int = 2, timeout: float = 300
) -> dict[str, dict[str, Any]]:
    """Grade correct.ipynb, partly.ipynb and empty.ipynb; each student's row, by name."""
    write_notebook(read_notebook(lab.notebook_path), folder / "correct.ipynb")
    write_notebook(partly, folder / "partly.ipynb")
    write_notebook(student_version(read_notebook(lab.notebook_path)), folder / "empty.ipynb")
    results = grade_folder(folder, lab, jobs=jobs, timeout=timeout)
    return {r.student: r.to_dict() for r in results}
