"""CI runs lab 05 under nbval: the instructor source passes every cell; the student
version fails exactly its check cells. Both runs start together and are shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ecs_learn.grading.notebooks import cell_check_id, read_notebook
from ecs_learn.grading.release import release_notebook
from ecs_learn.resources import labs_dir

NOTEBOOK = labs_dir() / "05-efs-volumes.ipynb"


def _start(notebook: Path, junit: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ECS_LEARN_GRADING": "1"}
    env.pop("ECS_LEARN_ENDPOINT", None)
    return subprocess.Popen(
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
            str(notebook.parent),
            str(notebook),
        ],
        cwd=notebook.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _outcomes(junit: Path) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        number = int(case.get("name", "").split()[-1])
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[number] = "failed" if failed else "passed"
    return outcomes


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[int, str], str]]:
    """Both nbval runs, in parallel: {"instructor"|"student": (notebook, outcomes, output)}."""
    work = tmp_path_factory.mktemp("lab05")
    student = release_notebook(NOTEBOOK, work / "student" / NOTEBOOK.name)
    started = {
        name: (path, work / f"{name}.xml", _start(path, work / f"{name}.xml"))
        for name, path in (("instructor", NOTEBOOK), ("student", student))
    }
    done = {}
    for name, (path, junit, proc) in started.items():
        output, _ = proc.communicate(timeout=300)
        done[name] = (path, _outcomes(junit), output)
    return done


def _check_cell_numbers(notebook: Path) -> set[int]:
    code = [c for c in read_notebook(notebook)["cells"] if c["cell_type"] == "code"]
    return {i for i, c in enumerate(code) if cell_check_id(c)}


def test_the_instructor_source_passes_every_cell(runs: dict) -> None:  # type: ignore[type-arg]
    _, outcomes, output = runs["instructor"]
    assert outcomes and set(outcomes.values()) == {"passed"}, output[-3000:]


def test_the_student_version_fails_exactly_its_check_cells(runs: dict) -> None:  # type: ignore[type-arg]
    student, outcomes, output = runs["student"]
    failed = {n for n, o in outcomes.items() if o == "failed"}
    assert failed == _check_cell_numbers(student), output[-3000:]
    assert len(failed) >= 5


def test_the_lab_is_listed_and_its_cells_are_tagged() -> None:
    from ecs_learn.checks import get_lab

    lab = get_lab("05")
    assert lab.slug == "efs-volumes" and lab.notebook_path == NOTEBOOK
    nb = read_notebook(NOTEBOOK)
    ids = [cell_check_id(c) for c in nb["cells"] if cell_check_id(c)]
    assert ids == lab.check_ids()
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    exercises = [c for c in nb["cells"] if "exercise" in c.get("metadata", {}).get("tags", [])]
    assert all("# BEGIN SOLUTION" in "".join(c["source"]) for c in exercises)
    assert 'lab = open_lab("05")' in "".join(nb["cells"][1]["source"])
