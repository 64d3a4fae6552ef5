"""Grades as CSV (one row per student) and JSON (everything).

A check that crashed (the check itself raised while judging) scores 0 like a failed one,
but the reports keep it apart, so the instructor knows to regrade rather than to blame:

* JSON: each student has ``check_results``, check id → ``status`` (``passed``,
  ``failed``, ``crashed`` or ``not run``), ``points``, ``max_points`` and ``reason``
  (why it crashed, or what it found wrong); ``checks`` (check id → points) is unchanged.
* CSV: the columns of before (student, status, one points column per check, total, max,
  feedback), then one more at the end, ``crashed``: the checks that crashed for that
  student, each as ``check-id: reason``, joined by `` | `` (empty when none did). The
  points columns stay numbers, and a row is still one student.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import SubmissionResult

__all__ = ["CSV_COLUMNS_AFTER_CHECKS", "write_csv", "write_json"]

CSV_COLUMNS_AFTER_CHECKS = ("total", "max", "feedback", "crashed")


def write_csv(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    """student, status, one column per check, total, max, feedback, crashed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    ids = lab.check_ids()
    writer.writerow(["student", "status", *ids, *CSV_COLUMNS_AFTER_CHECKS])
    for r in results:
        feedback = " | ".join(([r.reason] if r.reason else []) + list(r.feedback))
        points = r.checks
        writer.writerow(
            [
                r.student,
                r.status,
                *(f"{points.get(i, 0.0):g}" for i in ids),
                f"{r.points:g}",
                f"{r.max_points:g}",
                feedback,
                " | ".join(f"{s.check_id}: {s.reason}" for s in r.crashed),
            ]
        )
    write_text_atomic(path, buffer.getvalue())


def write_json(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    """``{"lab", "checks": [ids], "students": [SubmissionResult.to_dict()...]}``."""
    payload = {"lab": lab.id, "checks": lab.check_ids(), "students": [r.to_dict() for r in results]}
    write_text_atomic(path, json.dumps(payload, indent=1) + "\n")
