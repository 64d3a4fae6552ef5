"""CI runs lab 07 under nbval: the instructor source passes every cell; the student version
fails exactly its check cells. One pytest run executes both notebooks (a kernel each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ecs_learn.grading.notebooks import cell_check_id, read_notebook
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir

NOTEBOOK = labs_dir() / "07-eks.ipynb"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[int, str]]:
    """{'instructor' | 'student': {code cell number: 'passed' | 'failed'}} from one nbval run."""
    root = tmp_path_factory.mktemp("lab07")
    (root / "instructor").mkdir()
    shutil.copy(NOTEBOOK, root / "instructor" / NOTEBOOK.name)
    release_notebook(NOTEBOOK, root / "student" / NOTEBOOK.name)
    junit = root / "junit.xml"
    env = {**os.environ, "ECS_LEARN_GRADING": "1"}
    env.pop("ECS_LEARN_ENDPOINT", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            f"--junitxml={junit}",
            "--rootdir",
            str(root),
            "instructor",
            "student",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    found: dict[str, dict[int, str]] = {"instructor": {}, "student": {}}
    for case in ET.parse(junit).getroot().iter("testcase"):
        which = "student" if "student" in case.get("classname", "") else "instructor"
        number = int(case.get("name", "").split()[-1])
        failed = case.find("failure") is not None or case.find("error") is not None
        found[which][number] = "failed" if failed else "passed"
    return found


def _check_cell_numbers(notebook: Path) -> set[int]:
    code = [c for c in read_notebook(notebook)["cells"] if c["cell_type"] == "code"]
    return {i for i, c in enumerate(code) if cell_check_id(c)}


def test_the_instructor_source_passes_every_cell(outcomes: dict[str, dict[int, str]]) -> None:
    ran = outcomes["instructor"]
    assert ran and set(ran.values()) == {"passed"}, ran


def test_the_student_version_fails_exactly_its_check_cells(
    outcomes: dict[str, dict[int, str]],
) -> None:
    failed = {n for n, o in outcomes["student"].items() if o == "failed"}
    assert failed == _check_cell_numbers(NOTEBOOK)
    assert len(failed) >= 5
