"""Student versions: solutions between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` removed."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.notebooks import Notebook, cell_source, read_notebook, write_notebook

__all__ = ["PROMPT", "ReleaseError", "release_notebook", "student_version"]

BEGIN = re.compile(r"^(?P<indent>\s*)#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
PROMPT = "# YOUR CODE HERE"


class ReleaseError(EcsLearnError, ValueError):
    """A malformed solution fence; the message names the notebook and the cell."""


def _strip(source: str, where: str) -> str:
    out: list[str] = []
    inside = False
    for line in source.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ReleaseError(f"{where}: BEGIN SOLUTION inside another solution")
            inside = True
            out.append(f"{begin.group('indent')}{PROMPT}")
        elif END.match(line):
            if not inside:
                raise ReleaseError(f"{where}: END SOLUTION without BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ReleaseError(f"{where}: BEGIN SOLUTION is never closed")
    return "\n".join(out)


def student_version(nb: Notebook, name: str = "notebook") -> Notebook:
    """A copy of ``nb`` with solutions replaced by a prompt and every output cleared."""
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student["cells"]):
        if cell.get("cell_type") != "code":
            continue
        cell["source"] = _strip(cell_source(cell), f"{name}, cell {index}")
        cell["outputs"] = []
        cell["execution_count"] = None
    student.setdefault("metadata", {}).setdefault("ecs_learn", {})["student"] = True
    return student


def release_notebook(source: Path, dest: Path) -> Path:
    """Write the student version of ``source`` to ``dest`` (a file path)."""
    write_notebook(student_version(read_notebook(source), source.name), dest)
    return dest
