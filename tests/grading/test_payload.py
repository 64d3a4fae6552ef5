"""The grading payload and the submission result: round trips, and how cells are read."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ecs_learn.checks.result import CheckResult, Requirement, Status
from ecs_learn.errors import EcsLearnError
from ecs_learn.grading.notebooks import NotebookError
from ecs_learn.grading.payload import (
    CellOutcome,
    CellRun,
    GradingPayload,
    PayloadError,
    read_payload,
    write_payload,
)
from ecs_learn.grading.plugin import cell_position, cell_run
from ecs_learn.grading.release import ReleaseError
from ecs_learn.grading.run import RunError
from ecs_learn.grading.submission import CheckScore, CheckStatus, SubmissionResult

RESULTS = (
    CheckResult("01", "a", "A", Status.PASSED, 2, 2, (Requirement("x", "1", "1", True),), "h"),
    CheckResult("01", "b", "B", Status.FAILED, 0, 3, (Requirement("y", "1", "2", False),), "hb"),
    CheckResult("01", "c", "C", Status.ERROR, 0, 1, (), "hc", "KeyError: 'Role'"),
)
CELLS = (
    CellRun(1, 0, (), CellOutcome.PASSED),
    CellRun(3, 1, ("check:a", "ecs-learn-check"), CellOutcome.FAILED, None, "AssertionError: no"),
    CellRun(5, 2, (), CellOutcome.TIMED_OUT, 5.0, "KeyboardInterrupt:"),
    CellRun(None, None, (), CellOutcome.SKIPPED),
)


@pytest.mark.parametrize(
    "payload",
    [
        GradingPayload("01", CELLS, RESULTS),
        GradingPayload("01", CELLS, None, "ConnectionError: the server went away"),
        GradingPayload("01"),
    ],
    ids=["checks-ran", "checks-did-not-run", "empty"],
)
def test_the_payload_round_trips_through_its_dict_and_its_file(
    payload: GradingPayload, tmp_path: Path
) -> None:
    assert GradingPayload.from_dict(payload.to_dict()) == payload
    assert GradingPayload.from_dict(json.loads(json.dumps(payload.to_dict()))) == payload
    write_payload(payload, tmp_path / "result.json")
    assert read_payload(tmp_path / "result.json") == payload
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"], "no temporary file left"


def test_the_payload_keeps_a_crashed_check_apart_from_a_failed_one() -> None:
    report = GradingPayload.from_dict(GradingPayload("01", (), RESULTS).to_dict()).report
    assert report is not None
    assert [r.status for r in report.results] == [Status.PASSED, Status.FAILED, Status.ERROR]
    assert report.check_errors[0].error == "KeyError: 'Role'"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a grading payload"),
        ('{"cells": [', "not a grading payload"),
        ('{"format": 2, "lab_id": "01"}', "not a grading payload"),
        ('{"format": 99, "lab_id": "01", "cells": [], "results": null, "error": null}', "99"),
    ],
)
def test_an_unusable_payload_file_is_a_payload_error(
    text: str, reason: str, tmp_path: Path
) -> None:
    (tmp_path / "result.json").write_text(text, encoding="utf-8")
    with pytest.raises(PayloadError, match=reason) as caught:
        read_payload(tmp_path / "result.json")
    assert str(tmp_path / "result.json") in str(caught.value)


def test_grading_errors_are_ecs_learn_errors_and_keep_their_builtin_bases() -> None:
    assert issubclass(PayloadError, EcsLearnError) and issubclass(PayloadError, ValueError)
    assert issubclass(NotebookError, EcsLearnError) and issubclass(NotebookError, ValueError)
    assert issubclass(ReleaseError, EcsLearnError) and issubclass(ReleaseError, ValueError)
    assert issubclass(RunError, EcsLearnError) and issubclass(RunError, RuntimeError)


def test_a_submission_result_round_trips_with_each_check_status() -> None:
    result = SubmissionResult(
        "ana",
        "subs/ana.ipynb",
        "graded",
        2.0,
        6.0,
        tuple(CheckScore.from_result(r) for r in RESULTS),
        ("b: y: expected 1, found 2 (hint: hb)",),
    )
    data = result.to_dict()
    assert SubmissionResult.from_dict(json.loads(json.dumps(data))) == result
    assert data["checks"] == {"a": 2, "b": 0, "c": 0}
    assert {k: v["status"] for k, v in data["check_results"].items()} == {
        "a": "passed",
        "b": "failed",
        "c": "crashed",
    }
    assert data["check_results"]["c"]["reason"] == "KeyError: 'Role'"
    assert [s.check_id for s in result.crashed] == ["c"]
    assert CheckScore.from_result(RESULTS[2]).status is CheckStatus.CRASHED


# --- the cell a report is about: read from the notebook cell the nbval item carries ---


def _notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# intro"),
            new_code_cell("x = 1"),
            new_markdown_cell("text"),
            new_markdown_cell("more text"),
            new_code_cell("raise ValueError('boom')", metadata={"tags": ["check:b"]}),
        ]
    )


def _item(nb: nbformat.NotebookNode, index: int, cell_num: int) -> SimpleNamespace:
    """What grading reads of an nbval item: its cell and its file's notebook (not cell_num)."""
    parent = SimpleNamespace(nb=nb)
    return SimpleNamespace(cell=nb.cells[index], cell_num=cell_num, parent=parent)


def _report(
    outcome: str, when: str = "call", text: object = None, duration: float = 0.1
) -> pytest.TestReport:
    return pytest.TestReport(
        "nb.ipynb::Cell 7", ("nb.ipynb", 0, "Cell 7"), {}, outcome, text, when, [], duration
    )


@pytest.mark.parametrize("cell_num", [0, 1, 41], ids=["from-0", "from-1", "nonsense"])
def test_a_cell_is_named_by_its_place_in_the_notebook_whatever_nbval_numbers_it(
    cell_num: int,
) -> None:
    nb = _notebook()
    run = cell_run(_item(nb, 4, cell_num), _report("failed", text="ValueError: boom"), 5.0)
    assert run is not None
    assert (run.index, run.code_index, run.number) == (4, 1, 2)
    assert run.tags == ("check:b",) and run.check_id == "b"
    assert run.outcome is CellOutcome.FAILED and run.last_line == "ValueError: boom"


def test_a_copied_cell_is_still_found_and_an_unknown_one_is_unnamed() -> None:
    nb = _notebook()
    assert cell_position(nb.cells, dict(nb.cells[4])) == (4, 1)
    assert cell_position(nb.cells, new_code_cell("not in it")) == (-1, -1)
    stray = SimpleNamespace(cell=new_code_cell("y"), parent=SimpleNamespace(nb=nb))
    run = cell_run(stray, _report("passed"), 5.0)
    assert run is not None and run.index is None and run.number is None


@pytest.mark.parametrize(
    ("text", "duration", "outcome"),
    [
        (
            "Cell 3: Timeout of 5 seconds exceeded executing cell\nKeyboardInterrupt:",
            5.1,
            "timed out",
        ),
        (
            "Timeout of 5 seconds exceeded while executing cell. Failed to interrupt",
            10.0,
            "timed out",
        ),
        ("KeyboardInterrupt:", 5.0, "timed out"),  # the wording changed: the clock still tells
        ("Timeout of 5 seconds exceeded waiting for output.", 1.0, "failed"),  # not the cell limit
        ("ValueError: boom", 0.2, "failed"),
    ],
)
def test_a_timeout_is_told_by_nbval_s_sentence_or_by_the_call_s_duration(
    text: str, duration: float, outcome: str
) -> None:
    nb = _notebook()
    run = cell_run(_item(nb, 1, 0), _report("failed", text=text, duration=duration), 5.0)
    assert run is not None and run.outcome.value == outcome
    assert run.timeout == (5.0 if outcome == "timed out" else None)


def test_passed_setup_and_teardown_say_nothing_and_a_skip_is_a_skip() -> None:
    nb = _notebook()
    assert cell_run(_item(nb, 1, 0), _report("passed", "setup"), 5.0) is None
    assert cell_run(_item(nb, 1, 0), _report("passed", "teardown"), 5.0) is None
    skipped = cell_run(_item(nb, 1, 0), _report("skipped", "call", ("x", 0, "skip")), 5.0)
    assert skipped is not None and skipped.outcome is CellOutcome.SKIPPED
