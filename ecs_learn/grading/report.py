"""Grades as CSV (one row per student) and JSON (everything)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ecs_learn.checks.catalog import Lab
from ecs_learn.grading.grade import SubmissionResult
from ecs_learn.grading.notebooks import write_text_atomic

__all__ = ["write_csv", "write_json"]


def write_csv(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    """student, status, one column per check, total, max, feedback."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    ids = lab.check_ids()
    writer.writerow(["student", "status", *ids, "total", "max", "feedback"])
    for r in results:
        feedback = " | ".join(([r.reason] if r.reason else []) + r.feedback)
        writer.writerow(
            [
                r.student,
                r.status,
                *(f"{r.checks.get(i, 0.0):g}" for i in ids),
                f"{r.points:g}",
                f"{r.max_points:g}",
                feedback,
            ]
        )
    write_text_atomic(path, buffer.getvalue())


def write_json(results: list[SubmissionResult], lab: Lab, path: Path) -> None:
    payload = {"lab": lab.id, "checks": lab.check_ids(), "students": [r.to_dict() for r in results]}
    write_text_atomic(path, json.dumps(payload, indent=1) + "\n")
