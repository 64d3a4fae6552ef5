"""A hostile, broken class graded in one batch: every grade as expected, with its reason;
the same grades again from two shards merged; nobody reached anything but their own
account; and no process a submission started is alive afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecs_learn.grading.grade import grade_paths, submission_paths
from ecs_learn.grading.isolation import capabilities
from ecs_learn.grading.notebooks import write_notebook
from ecs_learn.grading.pool import BASE_UID
from ecs_learn.grading.report import write_json
from ecs_learn.grading.shard import in_shard, merge_results
from tests.grading.hostile import LAB, Case, cases

pytestmark = pytest.mark.skipif(
    not capabilities().namespaced,
    reason=f"needs a box with namespaces (root and unshare): {capabilities().why}",
)


class Listener:
    """A TCP port on every address of the grader's namespace that records who arrives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("0.0.0.0", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.arrivals: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.arrivals.append(conn.recv(100))
            except OSError:
                self.arrivals.append(b"")
            conn.close()


def _addresses() -> list[str]:
    """Loopback (the grader's: another submission's server would be there) and every other
    IPv4 address this machine has in this namespace."""
    found = ["127.0.0.1"]
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
        found += [line.split()[3].split("/")[0] for line in out.splitlines() if " lo " not in line]
    except OSError:
        pass
    return found


def _slot_processes() -> list[str]:
    """Processes of the slots' users (every process a submission started runs as one)."""
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if BASE_UID <= uid < BASE_UID + 64:
                alive.append(entry)
    return alive


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    folder = tmp_path_factory.mktemp("class")
    outputs = tmp_path_factory.mktemp("out")
    listener = Listener()
    protected = [str(folder / "correct.ipynb"), str(outputs / "grades.csv")]
    corpus = cases(folder, (_addresses(), listener.port), protected)
    for case in corpus:
        content = case.build(folder)
        if isinstance(content, str):
            (folder / case.file_name).write_text(content, encoding="utf-8")
        else:
            write_notebook(content, folder / case.file_name)
    (outputs / "grades.csv").write_text("instructor's\n", encoding="utf-8")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    paths = submission_paths(folder)
    options = {"timeout": 150.0, "cell_timeout": 12.0}
    first = grade_paths(paths, LAB, jobs=2, **options)  # type: ignore[arg-type]
    alive_after = _slot_processes()
    shards = []
    for k in (1, 2):
        part = [p for p in paths if in_shard(p, k, 2)]
        results = grade_paths(part, LAB, jobs=2, **options)  # type: ignore[arg-type]
        write_json(results, LAB, outputs / f"shard-{k}.json")
        shards.append(outputs / f"shard-{k}.json")
    yield {
        "cases": corpus,
        "first": {r.student: r for r in first},
        "merged": merge_results(shards, LAB.id),
        "first_list": first,
        "alive": alive_after,
        "listener": listener,
        "folder": folder,
        "outputs": outputs,
        "before": before,
    }
    listener.sock.close()


def _case_ids() -> list[str]:
    return [c.name for c in cases(Path("."), ([], 0), [])]


@pytest.mark.parametrize("name", _case_ids())
def test_each_submission_gets_its_expected_grade_and_reason(batch: dict, name: str) -> None:  # type: ignore[type-arg]
    case: Case = next(c for c in batch["cases"] if c.name == name)
    result = batch["first"][Path(case.file_name).stem]
    assert result.status == case.status, result
    if case.checks is not None:
        assert result.checks == case.checks, (result.feedback, result.incidents)
    text = " | ".join([result.reason, *result.feedback])
    for words in case.says:
        assert words in text, text


def test_two_shards_merged_give_the_same_grades_as_one_run(batch: dict) -> None:  # type: ignore[type-arg]
    def grades(results: list) -> list[tuple[str, dict, str]]:  # type: ignore[type-arg]
        return [(r.student, r.checks, r.status) for r in results]

    assert grades(batch["merged"]) == grades(batch["first_list"])


def test_nothing_a_submission_started_is_alive_after_the_batch(batch: dict) -> None:  # type: ignore[type-arg]
    assert batch["alive"] == []


def test_no_submission_reached_anything_but_its_own_account(batch: dict) -> None:  # type: ignore[type-arg]
    """Raw TCP, urllib and boto3 with the guard undone, to loopback and every address of
    this machine: nothing arrived. The probe's own reset attempts changed nothing (full
    marks, checked above) and the classmate's files are untouched."""
    assert batch["listener"].arrivals == []
    folder: Path = batch["folder"]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert after == batch["before"]
    assert (batch["outputs"] / "grades.csv").read_text() == "instructor's\n"
    assert not any(p.name in ("yaml.py", "boto3.py") for p in folder.iterdir())
    assert json.loads(json.dumps(batch["first"]["probe"].checks))  # graded from its account
