"""Grade a folder of submitted notebooks: each in its own box, on a warm slot.

One submission goes through small steps, one module each:

1. :mod:`~ecs_learn.grading.notebooks` and :mod:`~ecs_learn.grading.prepare` — read the
   file, restore the check cells from the lab;
2. :mod:`~ecs_learn.grading.run` — run the notebook under nbval in a box
   (:mod:`~ecs_learn.grading.box`) against the slot's freshly emptied moto server
   (:mod:`~ecs_learn.grading.pool`); the box is gone when it returns;
3. the lab's checks, here in the grader's process, against what the account holds
   (whatever happened in the box: a run stopped at ``timeout`` keeps what its account
   already earns);
4. :mod:`~ecs_learn.grading.score` — a :class:`~ecs_learn.grading.submission.SubmissionResult`.

The grader never imports anything from a submission's folder, and reads nothing the
submission wrote there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.isolation import Limits
from ecs_learn.grading.notebooks import NotebookError, read_notebook
from ecs_learn.grading.payload import GradingPayload
from ecs_learn.grading.pool import Pool, Slot
from ecs_learn.grading.prepare import prepare_submission
from ecs_learn.grading.run import RunError, run_in_box
from ecs_learn.grading.score import score_run
from ecs_learn.grading.submission import SubmissionResult, zero_result

__all__ = [
    "SubmissionResult",
    "default_jobs",
    "grade_folder",
    "grade_paths",
    "grade_submission",
    "prepare_submission",
    "submission_paths",
    "zero_result",
]


def default_jobs() -> int:
    """One slot per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def submission_paths(folder: Path) -> list[Path]:
    """Every ``*.ipynb`` in ``folder`` (not hidden), in name order."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix == ".ipynb" and not p.name.startswith(".") and p.is_file()
    )


def grade_on_slot(
    path: Path,
    lab: Lab,
    slot: Slot,
    *,
    timeout: float,
    cell_timeout: float,
    limits: Limits,
) -> SubmissionResult:
    """Grade one submission on a slot of the pool."""
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return zero_result(path, lab, "invalid", str(exc))
    nb, notes = prepare_submission(nb, lab)
    slot.fresh_account()
    try:
        run = run_in_box(nb, lab, slot, timeout=timeout, cell_timeout=cell_timeout, limits=limits)
    except (OSError, RunError) as exc:
        return zero_result(path, lab, "error", f"the grader could not run it: {exc}", notes)
    try:
        report = lab.run_all(slot.reader)
        payload = GradingPayload(lab.id, run.cells, results=report.results)
    except Exception as exc:  # the server went away: recorded, the batch goes on
        payload = GradingPayload(lab.id, run.cells, error=f"{type(exc).__name__}: {exc}")
    return score_run(path, lab, payload, run, nb, notes, limits=limits, timeout=timeout)


def grade_paths(
    paths: Sequence[Path],
    lab: Lab,
    *,
    jobs: int | None = None,
    timeout: float = 600.0,
    cell_timeout: float = 120.0,
    limits: Limits | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade ``paths`` on a pool of ``jobs`` slots; one bad submission never stops the batch."""
    limits = limits or Limits(cpu=int(timeout) + 1)
    jobs = max(1, min(jobs or default_jobs(), len(paths) or 1))

    with Pool(jobs) as pool:

        def one(path: Path) -> SubmissionResult:
            try:
                with pool.slot() as slot:
                    result = grade_on_slot(
                        path, lab, slot, timeout=timeout, cell_timeout=cell_timeout, limits=limits
                    )
            except Exception as exc:  # the grader's own fault: recorded, batch goes on
                result = zero_result(path, lab, "error", f"{type(exc).__name__}: {exc}")
            if result.status != "invalid":  # the reports say what its box promised
                result = replace(result, isolation=pool.caps.level)
            if on_done is not None:
                on_done(result)
            return result

        with ThreadPoolExecutor(max_workers=jobs) as workers:
            return list(workers.map(one, paths))


def grade_folder(
    folder: Path,
    lab: Lab,
    *,
    jobs: int | None = None,
    timeout: float = 600.0,
    cell_timeout: float = 120.0,
    limits: Limits | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every ``*.ipynb`` in ``folder`` (see :func:`grade_paths`)."""
    return grade_paths(
        submission_paths(folder),
        lab,
        jobs=jobs,
        timeout=timeout,
        cell_timeout=cell_timeout,
        limits=limits,
        on_done=on_done,
    )


def grade_submission(
    path: Path, lab: Lab, *, timeout: float = 600.0, cell_timeout: float = 120.0
) -> SubmissionResult:
    """Grade one submission on a pool of its own."""
    (result,) = grade_paths([path], lab, jobs=1, timeout=timeout, cell_timeout=cell_timeout)
    return result
