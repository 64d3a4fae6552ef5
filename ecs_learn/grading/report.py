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

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
the text columns hold what students chose (a file name, a value the checks found), so a
text cell that starts with one of those (or a tab or carriage return) is written with a
``'`` in front, which spreadsheets show as plain text. The JSON keeps the text as it was.

The JSON names the shard it grades (``"shard": [K, N]``, or ``null`` for a whole class),
so that :func:`~ecs_learn.grading.shard.merge_results` can tell when one is missing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ecs_learn.atomic import write_text_atomic
from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.submission import SubmissionResult

__all__ = ["CSV_COLUMNS_AFTER_CHECKS", "spreadsheet_text", "write_csv", "write_json"]

CSV_COLUMNS_AFTER_CHECKS = ("total", "max", "feedback", "crashed")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet will show it and never run it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


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
                spreadsheet_text(r.student),
                r.status,
                *(f"{points.get(i, 0.0):g}" for i in ids),
                f"{r.points:g}",
                f"{r.max_points:g}",
                spreadsheet_text(feedback),
                spreadsheet_text(" | ".join(f"{s.check_id}: {s.reason}" for s in r.crashed)),
            ]
        )
    write_text_atomic(path, buffer.getvalue())


def write_json(
    results: list[SubmissionResult],
    lab: Lab,
    path: Path,
    shard: tuple[int, int] | None = None,
) -> None:
    """``{"lab", "checks": [ids], "shard": [K, N] or null, "students": [...]}``, each
    student a :meth:`SubmissionResult.to_dict`."""
    payload = {
        "lab": lab.id,
        "checks": lab.check_ids(),
        "shard": None if shard is None else list(shard),
        "students": [r.to_dict() for r in results],
    }
    write_text_atomic(path, json.dumps(payload, indent=1) + "\n")
