"""Grading a class folder end to end: real nbval, real kernels, a real moto server each.

The class here is graded **without namespaces** (the capability probe switched off in
this process, as ``ECS_LEARN_GRADE_NO_NAMESPACES`` does), the fallback a machine without
root or ``unshare`` gets: the grades are the same, the limits hold, a process that left
its session is still ended with its box, and the reports say the isolation was plain.
The hostile class (test_hostile_class.py) is graded with namespaces.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecs_learn.checks import get_lab
from ecs_learn.grading.grade import grade_folder, prepare_submission
from ecs_learn.grading.isolation import PROMISES, Capabilities, capabilities
from ecs_learn.grading.notebooks import cell_check_id, cell_source, read_notebook, write_notebook
from ecs_learn.grading.release import student_version
from ecs_learn.grading.summary import summary_html
from ecs_learn.resources import labs_dir
from tests.grading.hostile import Listener

LAB = get_lab("01")
SOURCE = labs_dir() / LAB.notebook


def _partly_wrong() -> dict:  # type: ignore[type-arg]
    """Task role trusted by EC2 (wrong), and the repair left undone."""
    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        source = cell_source(cell)
        if 'RoleName="web-app-task-role",\n    AssumeRolePolicyDocument' in source:
            cell["source"] = source.replace(
                "AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust)",
                'AssumeRolePolicyDocument=json.dumps(ecs_tasks_trust).replace("ecs-tasks", "ec2")',
            )
        if "fixed = copy.deepcopy(broken)" in source:
            cell.update(
                student_version({"nbformat": 4, "cells": [copy.deepcopy(cell)]})["cells"][0]
            )
    return nb


# Appended to the empty student version: a child that leaves its session (keeping its
# environment) and lives on, having called the test's listener on loopback to say so; then
# a cell that wants more memory than the box allows.
OUTLIVER = """
import subprocess, sys
child = (
    "import os, socket, time\\n"
    "os.setsid()\\n"
    "socket.create_connection(('127.0.0.1', {port})).sendall(b'alive {token}')\\n"
    "print('up', flush=True)\\n"
    "time.sleep(600)  # {token}\\n"
)
started = subprocess.Popen(
    [sys.executable, "-c", child], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
)
assert started.stdout.readline() == "up\\n"
"""
HOG = "hog = bytearray(3 * 1024**3)\n"


def _empty_with_an_outliver_and_a_hog(port: int, token: str) -> dict:  # type: ignore[type-arg]
    nb = student_version(read_notebook(SOURCE))
    for source in (OUTLIVER.format(port=port, token=token), HOG):
        cell = {"cell_type": "code", "metadata": {}, "source": source, "outputs": []}
        nb["cells"].append({**cell, "execution_count": None})
    return nb


def _alive_with(token: str) -> list[int]:
    alive = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if token.encode() in f.read():
                    alive.append(int(entry))
        except OSError:
            continue
    return alive


@pytest.fixture(scope="module")
def plain() -> Iterator[Capabilities]:
    """Namespaces switched off for this module (the probe is cached: cleared around it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECS_LEARN_GRADE_NO_NAMESPACES", "1")
        capabilities.cache_clear()
        try:
            yield capabilities()
        finally:
            capabilities.cache_clear()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, plain: Capabilities) -> dict[str, Any]:
    assert not plain.namespaced
    folder = tmp_path_factory.mktemp("submissions")
    listener = Listener()
    token = f"outliver-{secrets.token_hex(8)}"
    write_notebook(read_notebook(SOURCE), folder / "correct.ipynb")
    write_notebook(_partly_wrong(), folder / "partly.ipynb")
    write_notebook(_empty_with_an_outliver_and_a_hog(listener.port, token), folder / "empty.ipynb")
    (folder / "corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    results = grade_folder(folder, LAB, jobs=2, timeout=300)
    alive = _alive_with(token)
    listener.sock.close()
    return {"results": results, "alive": alive, "arrivals": listener.arrivals, "token": token}


@pytest.fixture(scope="module")
def graded(batch: dict[str, Any]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r.student: r.to_dict() for r in batch["results"]}


def test_one_row_per_notebook_and_nothing_else(graded: dict) -> None:  # type: ignore[type-arg]
    assert sorted(graded) == ["correct", "corrupt", "empty", "partly"]


def test_a_correct_submission_gets_every_point(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["correct"]
    assert row["status"] == "graded"
    assert row["checks"] == {c.id: c.points for c in LAB.checks}
    assert row["points"] == row["max_points"] == 14
    assert row["feedback"] == []


def test_a_partly_wrong_submission_loses_exactly_the_wrong_checks(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["partly"]
    assert row["checks"] == {
        "execution-role": 2,
        "task-role": 1.5,  # partial credit: the role and its policy are right, the trust is not
        "ec2-task": 2,
        "fargate-task": 3,
        "sidecar-task": 2,
        "repair-task": 0,
    }
    assert row["points"] == 10.5
    text = " ".join(row["feedback"])
    assert "trusted by: expected ecs-tasks.amazonaws.com, found ec2.amazonaws.com" in text
    assert "task definition family orders-api: expected registered" in text


def test_the_empty_student_version_scores_zero_with_feedback(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    assert row["status"] == "graded"
    assert set(row["checks"].values()) == {0}
    assert len([f for f in row["feedback"] if "expected" in f]) == len(LAB.checks)


def test_without_namespaces_a_process_that_left_its_session_ends_with_its_box(
    batch: dict[str, Any],
) -> None:
    """It started (it called the listener: loopback is open to a plain box, as the docs
    say) and it is gone: its environment carried the box's marker."""
    assert batch["arrivals"] == [f"alive {batch['token']}".encode()]
    assert batch["alive"] == []


def test_without_namespaces_the_limits_still_hold(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["empty"]
    hog = sum(1 for c in read_notebook(SOURCE)["cells"] if c.get("cell_type") == "code") + 2
    assert f"code cell {hog} used more than 2 GiB of memory" in row["feedback"]
    assert row["incidents"] == [f"memory in code cell {hog}"]


def test_the_reports_say_the_isolation_was_plain(batch: dict[str, Any]) -> None:
    levels = {r.student: r.isolation for r in batch["results"]}
    assert levels == {"correct": "plain", "partly": "plain", "empty": "plain", "corrupt": ""}
    page = summary_html(batch["results"], LAB)
    promise = html.escape(PROMISES["plain"])
    assert f'<li class="warn"><b>plain</b> (3 submissions): {promise}</li>' in page


def test_a_corrupt_file_gets_zero_with_the_reason(graded: dict) -> None:  # type: ignore[type-arg]
    row = graded["corrupt"]
    assert row["status"] == "invalid" and row["points"] == 0
    assert "corrupt.ipynb" in row["reason"] and "invalid JSON" in row["reason"]


def test_edited_and_deleted_check_cells_are_restored_and_reported() -> None:
    nb = read_notebook(SOURCE)
    checks = [c for c in nb["cells"] if cell_check_id(c)]
    checks[0]["source"] = "print('I promise it passes')"
    nb["cells"].remove(checks[1])
    prepared, notes = prepare_submission(nb, LAB)
    restored = [cell_source(c) for c in prepared["cells"] if cell_check_id(c)]
    assert restored[0] == 'lab.check("execution-role")'
    assert notes == [
        "the check cell for 'execution-role' was edited; it was restored",
        "the check cell for 'task-role' is missing (graded all the same)",
    ]


def test_the_cli_writes_csv_and_json(tmp_path: Path, cli_python: list[str]) -> None:
    import subprocess

    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("", encoding="utf-8")
    out = tmp_path / "grades.csv"
    done = subprocess.run(
        [
            *cli_python,
            "grade",
            str(folder),
            "--lab",
            "01",
            "--out",
            str(out),
            "--json",
            str(tmp_path / "g.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["student"] == "broken" and rows[0]["total"] == "0"
    assert "the file is empty" in rows[0]["feedback"]
    assert json.loads((tmp_path / "g.json").read_text())["students"][0]["status"] == "invalid"


def test_the_cli_names_an_unknown_lab(tmp_path: Path, cli_python: list[str]) -> None:
    import subprocess

    done = subprocess.run(
        [*cli_python, "grade", str(tmp_path), "--lab", "77"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "there is no lab '77'" in done.stderr and "Traceback" not in done.stderr


def test_an_endless_cell_is_stopped_and_costs_only_what_depends_on_it(tmp_path: Path) -> None:
    from ecs_learn.grading.grade import grade_submission

    nb = read_notebook(SOURCE)
    for cell in nb["cells"]:
        if 'RoleName="web-app-task-role",\n    AssumeRolePolicyDocument' in cell_source(cell):
            cell["source"] = "while True:\n    pass\n"
    write_notebook(nb, tmp_path / "looper.ipynb")
    row = grade_submission(tmp_path / "looper.ipynb", LAB, cell_timeout=5, timeout=120)
    assert row.status == "graded"
    assert row.checks == {
        "execution-role": 2,
        "task-role": 0,
        "ec2-task": 2,
        "fargate-task": 0,
        "sidecar-task": 2,
        "repair-task": 3,
    }  # fargate-task uses the task role the endless cell never made
    assert "code cell 4 ran longer than the 5 s allowed and was stopped" in row.feedback
