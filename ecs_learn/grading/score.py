"""Grading step 3: a payload becomes a grade, a score per check and feedback in words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_learn.checks.catalog import Lab
from ecs_learn.checks.result import CheckResult, Status
from ecs_learn.grading.isolation import Limits
from ecs_learn.grading.notebooks import Notebook
from ecs_learn.grading.payload import CellOutcome, CellRun, GradingPayload, Limit
from ecs_learn.grading.plugin import KERNEL_DIED
from ecs_learn.grading.submission import (
    CheckScore,
    SubmissionResult,
    failure_detail,
    student_name,
    zero_result,
)

if TYPE_CHECKING:
    from ecs_learn.grading.run import BoxRun

__all__ = ["cell_feedback", "check_feedback", "not_run", "score_payload", "score_run"]


def check_feedback(results: tuple[CheckResult, ...]) -> list[str]:
    """One line per check that did not pass: what was wrong, or that the check crashed."""
    lines: list[str] = []
    for r in results:
        if r.status is Status.FAILED:
            lines.append(f"{r.check_id}: {failure_detail(r)} (hint: {r.hint})")
        elif r.status is Status.ERROR:
            lines.append(f"{r.check_id}: the check itself crashed ({r.error})")
    return lines


def _cell_name(cell: CellRun) -> str:
    return "a code cell" if cell.number is None else f"code cell {cell.number}"


def _numbers(numbers: list[int]) -> str:
    """``[8, 9, 10, 12]`` -> ``8–10, 12``."""
    spans: list[tuple[int, int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def cell_feedback(cells: tuple[CellRun, ...], limits: Limits | None = None) -> list[str]:
    """One line per code cell that failed, timed out, died or hit a limit.

    A check cell that merely fails is reported through its check's own result; one that
    timed out, died or hit a limit is reported here too. Cells are numbered among code
    cells from 1.
    """
    limits = limits or Limits()
    lines: list[str] = []
    for cell in cells:
        name = _cell_name(cell)
        if cell.limit is not None:
            lines.append(f"{name} used {limits.describe(cell.limit.value)}")
            if cell.limit is Limit.OUTPUT and cell.outcome is CellOutcome.PASSED:
                continue
        if cell.outcome is CellOutcome.DIED:
            why = cell.last_line.rpartition(KERNEL_DIED)[2] or "it ended"
            lines.append(f"the kernel died in {name} ({why})")
        elif cell.outcome is CellOutcome.TIMED_OUT:
            limit = "the time" if cell.timeout is None else f"the {cell.timeout:g} s"
            lines.append(f"{name} ran longer than {limit} allowed and was stopped")
        elif cell.outcome is CellOutcome.FAILED and not cell.check_id and cell.limit is None:
            lines.append(f"{name} raised an error: {cell.last_line[:300]}")
    return lines


def not_run(nb: Notebook, cells: tuple[CellRun, ...], running: int | None) -> list[int]:
    """Numbers (from 1) of the code cells that never ran: not reported, or skipped."""
    ran = {c.code_index for c in cells if c.outcome is not CellOutcome.SKIPPED}
    if running is not None:
        ran.add(running)
    total = sum(1 for c in nb.get("cells", []) if c.get("cell_type") == "code")
    return [i + 1 for i in range(total) if i not in ran]


def run_feedback(
    nb: Notebook, run: BoxRun, cells: tuple[CellRun, ...], timeout: float
) -> tuple[list[str], list[str]]:
    """Feedback about the run as a whole, and the incidents (limits hit) it had."""
    lines: list[str] = []
    incidents = [f"{c.limit.value} in {_cell_name(c)}" for c in cells if c.limit is not None] + [
        f"kernel died in {_cell_name(c)}" for c in cells if c.outcome is CellOutcome.DIED
    ]
    if run.timed_out:
        where = "" if run.running is None else f" in code cell {run.running + 1}"
        lines.append(
            f"the run went past the {timeout:g} s allowed{where} and was stopped; the checks "
            "judged what the account held by then"
        )
        incidents.append(f"timeout{where}")
    skipped = not_run(nb, cells, run.running)
    if skipped and (
        run.timed_out or not run.finished or any(c.outcome is CellOutcome.DIED for c in cells)
    ):
        lines.append(f"code cells {_numbers(skipped)} were not run")
    if not run.finished and not run.timed_out and not cells:
        tail = " | ".join(run.tail.strip().splitlines()[-3:])
        lines.append(f"the notebook runner stopped before any cell ran: {tail[:500]}")
        incidents.append("runner failed")
    return lines, incidents


def score_run(
    path: Path,
    lab: Lab,
    payload: GradingPayload,
    run: BoxRun,
    nb: Notebook,
    notes: list[str] | None = None,
    *,
    limits: Limits | None = None,
    timeout: float = 600.0,
) -> SubmissionResult:
    """The grade of a submission that ran in a box: checks, then cells, then the run."""
    run_lines, incidents = run_feedback(nb, run, payload.cells, timeout)
    result = score_payload(path, lab, payload, notes, limits)
    return replace(
        result,
        feedback=(*result.feedback, *run_lines),
        incidents=tuple(incidents),
    )


def score_payload(
    path: Path,
    lab: Lab,
    payload: GradingPayload,
    notes: list[str] | None = None,
    limits: Limits | None = None,
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
        tuple([*(notes or []), *check_feedback(results), *cell_feedback(payload.cells, limits)]),
    )
