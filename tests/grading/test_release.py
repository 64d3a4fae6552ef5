from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from ecs_learn.grading.notebooks import cell_source, read_notebook
from ecs_learn.grading.release import PROMPT, ReleaseError, release_notebook, student_version
from ecs_learn.resources import labs_dir


def _nb(*sources: str) -> dict:  # type: ignore[type-arg]
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "source": s,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
            "execution_count": 3,
        }
        for s in sources
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def test_fenced_code_becomes_a_prompt_and_outputs_are_cleared() -> None:
    nb = _nb("a = 1\nif a:\n    # BEGIN SOLUTION\n    b = 2\n    # END SOLUTION\nprint(a)")
    cell = student_version(nb)["cells"][0]
    assert cell_source(cell) == f"a = 1\nif a:\n    {PROMPT}\nprint(a)"
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert nb["cells"][0]["outputs"], "the instructor notebook is left as it was"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ],
)
def test_broken_fences_name_the_cell(source: str, message: str) -> None:
    with pytest.raises(ReleaseError, match=rf"lab\.ipynb, cell 1: .*{message}"):
        student_version(_nb("ok = 1", source), "lab.ipynb")


def test_the_shipped_lab_releases_without_solutions(tmp_path: Path) -> None:
    for source in sorted(labs_dir().glob("*.ipynb")):
        written = release_notebook(source, tmp_path / source.name)
        nbformat.validate(nbformat.read(written, as_version=4))
        text = written.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        instructor = read_notebook(source)
        fenced = sum("BEGIN SOLUTION" in cell_source(c) for c in instructor["cells"])
        student = json.loads(text)
        assert sum(PROMPT in cell_source(c) for c in student["cells"]) == fenced >= 5
        assert all(not c.get("outputs") for c in instructor["cells"] if c["cell_type"] == "code")
