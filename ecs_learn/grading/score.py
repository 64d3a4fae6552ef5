"""Grading step 3: a payload becomes a grade, a score per check and feedback in words."""

from __future__ import annotations

from pathlib import Path

from ecs_learn.checks.catalog import Lab
from ecs_learn.checks.result import CheckResult, Status
from ecs_learn.grading.payload import CellOutcome, CellRun, GradingPayload
from ecs_learn.grading.submission import (
    CheckScore,
    SubmissionResult,
    failure_detail,
    student_name,
    zero_result,
)

__all__ = ["cell_feedback", "check_feedback", "score_payload"]


def check_feedback(results: tuple[CheckResult, ...]) -> list[str]:
    """One line per check that did not pass: what was wrong, or that the check crashed."""
    lines: list[str] = []
    for r in results:
        if r.status is Status.FAILED:
            lines.append(f"{r.check_id}: {failure_detail(r)} (hint: {r.hint})")
        elif r.status is Status.ERROR:
            lines.append(f"{r.check_id}: the check itself crashed ({r.error})")
    return lines


def cell_feedback(cells: tuple[CellRun, ...]) -> list[str]:
    """One line per code cell that failed or timed out, check cells aside.

    A check cell fails whenever its check does not pass; that is reported through the
    check's own result. Cells are numbered among code cells from 1.
    """
    lines: list[str] = []
    for cell in cells:
        if cell.outcome not in (CellOutcome.FAILED, CellOutcome.TIMED_OUT) or cell.check_id:
            continue
        name = "a code cell" if cell.number is None else f"code cell {cell.number}"
        if cell.outcome is CellOutcome.TIMED_OUT:
            limit = "the time" if cell.timeout is None else f"the {cell.timeout:g} s"
            lines.append(f"{name} ran longer than {limit} allowed and was stopped")
        else:
            lines.append(f"{name} raised an error: {cell.last_line[:300]}")
    return lines


def score_payload(
    path: Path, lab: Lab, payload: GradingPayload, notes: list[str] | None = None
) -> SubmissionResult:
    """The grade of the submission at ``path`` from what its grading run reported."""
    if payload.results is None:
        return zero_result(path, lab, "error", payload.error or "the checks did not run", notes)
    results = payload.results
    return SubmissionResult(
        student_name(path),
        str(path),
        "graded",
        float(sum(r.points for r in results)),
        float(sum(r.max_points for r in results)),
        tuple(CheckScore.from_result(r) for r in results),
        tuple([*(notes or []), *check_feedback(results), *cell_feedback(payload.cells)]),
    )
