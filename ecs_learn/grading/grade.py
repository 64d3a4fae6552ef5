"""Grade a folder of submitted notebooks: each in its own process, kernel and moto server.

One submission goes through three small steps, one module each:

1. :mod:`~ecs_learn.grading.prepare` — restore the check cells from the lab;
2. :mod:`~ecs_learn.grading.run` — run the notebook under nbval in a subprocess whose
   plugin owns the moto server and runs the checks; it hands back a
   :class:`~ecs_learn.grading.payload.GradingPayload`;
3. :mod:`~ecs_learn.grading.score` — turn the payload into a
   :class:`~ecs_learn.grading.submission.SubmissionResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.notebooks import NotebookError, read_notebook
from ecs_learn.grading.prepare import prepare_submission
from ecs_learn.grading.run import RunError, run_notebook
from ecs_learn.grading.score import score_payload
from ecs_learn.grading.submission import SubmissionResult, student_name, zero_result

__all__ = [
    "SubmissionResult",
    "grade_folder",
    "grade_submission",
    "prepare_submission",
    "zero_result",
]


def grade_submission(
    path: Path, lab: Lab, *, timeout: float = 600.0, cell_timeout: float = 120.0
) -> SubmissionResult:
    """Run one submission under nbval against its own moto server, then score it."""
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return zero_result(path, lab, "invalid", str(exc))
    nb, notes = prepare_submission(nb, lab)
    try:
        payload = run_notebook(
            nb, lab, student_name(path), timeout=timeout, cell_timeout=cell_timeout
        )
    except RunError as exc:
        return zero_result(path, lab, "error", str(exc), notes)
    return score_payload(path, lab, payload, notes)


def grade_folder(
    folder: Path,
    lab: Lab,
    *,
    jobs: int = 1,
    timeout: float = 600.0,
    cell_timeout: float = 120.0,
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every ``*.ipynb`` in ``folder``; one bad submission never stops the batch."""
    paths = sorted(
        p for p in folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith(".")
    )

    def one(path: Path) -> SubmissionResult:
        try:
            result = grade_submission(path, lab, timeout=timeout, cell_timeout=cell_timeout)
        except Exception as exc:  # the grader's own fault: recorded, batch goes on
            result = zero_result(path, lab, "error", f"{type(exc).__name__}: {exc}")
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, paths))
