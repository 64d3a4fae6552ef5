"""A hostile, broken class graded in one batch: every grade as expected, with its reason;
the same grades again from two shards merged; nobody reached anything but their own
account, nor reset it; and no process a submission started is alive afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecs_learn.grading.grade import grade_paths, submission_paths
from ecs_learn.grading.isolation import capabilities
from ecs_learn.grading.notebooks import write_notebook
from ecs_learn.grading.pool import BASE_UID
from ecs_learn.grading.report import write_json
from ecs_learn.grading.run import RELAY_PORT
from ecs_learn.grading.shard import in_shard, merge_results
from tests.grading.hostile import (
    FULL,
    LAB,
    MANAGEMENT_TRIES,
    Case,
    Listener,
    addresses,
    cases,
)

pytestmark = pytest.mark.skipif(
    not capabilities().namespaced,
    reason=f"needs a box with namespaces (root and unshare): {capabilities().why}",
)


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
    corpus = cases(folder, (addresses(), listener.port), protected)
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
        write_json(results, LAB, outputs / f"shard-{k}.json", (k, 2))
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


def _probe(batch: dict, tag: str) -> dict:  # type: ignore[type-arg]
    """What a probe cell saw inside its box: the JSON its error carried into the feedback."""
    lines = [f for f in batch["first"]["probe"].feedback if f"RuntimeError: {tag} " in f]
    assert len(lines) == 1, batch["first"]["probe"].feedback
    found: dict = json.loads(lines[0].split(f"{tag} ", 1)[1])  # type: ignore[type-arg]
    return found


def test_a_submission_cannot_reset_its_own_account(batch: dict) -> None:  # type: ignore[type-arg]
    """From its kernel, after building everything: moto's reset, reset-auth, seed, data,
    state manager, recorder and config, ecs-learn's scaling and runtime owner paths, each
    with an account header, the motoapi host or a guessed token — all refused by the guard;
    and the checks, run afterwards, find everything it built (full marks)."""
    assert _probe(batch, "PROBE-MANAGEMENT") == {"refused": MANAGEMENT_TRIES, "answered": []}
    assert batch["first"]["probe"].checks == FULL


def test_from_its_box_a_submission_sees_no_other_server_nor_address(batch: dict) -> None:  # type: ignore[type-arg]
    """Every port of the box's loopback scanned: the only listener not the box's own user's
    is the relay to its own server (another slot's server, root's, would be another). The
    machine's other addresses have no route at all, and no slot's door can be seen."""
    seen = _probe(batch, "PROBE-NETWORK")
    owners = {int(port): uid for port, uid in seen["open"].items()}
    assert {port for port, uid in owners.items() if uid == 0} == {RELAY_PORT}
    assert all(uid >= BASE_UID for port, uid in owners.items() if port != RELAY_PORT), owners
    # (no other address where the suite runs in a loopback-only namespace: then {} == {})
    assert seen["others"] == dict.fromkeys(addresses()[1:], "ENETUNREACH")
    assert "connected" not in seen["doors"], seen["doors"]
    # The box's /tmp is its own, unless the grader's Python lives under /tmp (a checkout
    # there): then the box keeps the machine's /tmp so that its Python stays reachable.
    python_in_tmp = any(
        os.path.abspath(p).startswith("/tmp/") for p in (sys.prefix, *sys.path) if p
    )
    if tempfile.gettempdir() == "/tmp" and not python_in_tmp:
        assert seen["doors"] == {}


def test_every_grade_names_the_isolation_its_box_had(batch: dict) -> None:  # type: ignore[type-arg]
    levels = {r.student: r.isolation for r in batch["first_list"]}
    assert levels.pop("nbformat3") == levels.pop("not_a_notebook") == ""  # nothing ran
    assert set(levels.values()) == {"namespaced"}
