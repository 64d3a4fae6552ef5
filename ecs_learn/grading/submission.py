"""One student's grade: a score per check (with its status and reason) and the feedback.

A check's status keeps apart what the student got wrong (``failed``) from a check that
crashed while it judged (``crashed``: the check itself raised, so the zero says nothing
about the student's work), and from a check that never ran (``not run``: the submission
was not a notebook, or its run could not finish).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict, cast

from ecs_learn.checks.catalog import Lab
from ecs_learn.checks.result import CheckResult, Status

__all__ = [
    "FAILURE_SEPARATOR",
    "CheckScore",
    "CheckScoreDict",
    "CheckStatus",
    "SubmissionResult",
    "SubmissionResultDict",
    "SubmissionStatus",
    "failure_detail",
    "failure_parts",
    "student_name",
    "zero_result",
]

SubmissionStatus = Literal["graded", "invalid", "error"]
"""graded (the checks ran), invalid (not a notebook) or error (the run could not finish)."""


class CheckStatus(str, enum.Enum):
    """A check's outcome as the reports show it (``Status.ERROR`` reads ``crashed``)."""

    PASSED = "passed"
    FAILED = "failed"
    CRASHED = "crashed"
    NOT_RUN = "not run"

    @classmethod
    def of(cls, status: Status) -> CheckStatus:
        return {Status.PASSED: cls.PASSED, Status.FAILED: cls.FAILED, Status.ERROR: cls.CRASHED}[
            status
        ]


FAILURE_SEPARATOR = "; "


def failure_detail(result: CheckResult) -> str:
    """What a failed check found wrong, one ``label: expected X, found Y`` per requirement."""
    wrong = [q for q in result.requirements if not q.ok]
    parts = (f"{q.label}: expected {q.expected}, found {q.found}" for q in wrong)
    return FAILURE_SEPARATOR.join(parts)


def failure_parts(reason: str) -> list[str]:
    """A failed check's reason back as its requirements, one ``label: expected X, found Y``
    each (a reason written some other way stays whole)."""
    parts = [p for p in reason.split(FAILURE_SEPARATOR) if p]
    if len(parts) > 1 and all(": expected " in p for p in parts):
        return parts
    return [reason] if reason else []


class CheckScoreDict(TypedDict):
    status: str
    points: float
    max_points: float
    reason: str


@dataclass(frozen=True)
class CheckScore:
    """One check's score. ``reason``: why it crashed, or what it found wrong; else empty."""

    check_id: str
    status: CheckStatus
    points: float
    max_points: float
    reason: str = ""

    @classmethod
    def from_result(cls, result: CheckResult) -> CheckScore:
        status = CheckStatus.of(result.status)
        if status is CheckStatus.CRASHED:
            reason = result.error or "the check raised"
        elif status is CheckStatus.FAILED:
            reason = failure_detail(result)
        else:
            reason = ""
        return cls(result.check_id, status, result.points, result.max_points, reason)

    def to_dict(self) -> CheckScoreDict:
        return {
            "status": self.status.value,
            "points": self.points,
            "max_points": self.max_points,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, check_id: str, data: CheckScoreDict) -> CheckScore:
        return cls(
            check_id,
            CheckStatus(data["status"]),
            data["points"],
            data["max_points"],
            data["reason"],
        )


class SubmissionResultDict(TypedDict):
    student: str
    path: str
    status: str
    points: float
    max_points: float
    checks: dict[str, float]
    check_results: dict[str, CheckScoreDict]
    feedback: list[str]
    reason: str
    incidents: list[str]
    isolation: str


@dataclass(frozen=True)
class SubmissionResult:
    """One student's outcome; ``status`` is a :data:`SubmissionStatus`.

    ``scores`` holds every check of the lab in lab order. ``checks`` (check id → points)
    is the same information without the statuses, as the CSV columns and older JSON
    readers use it. ``incidents`` names the limits its grading ran into ("memory in
    code cell 7", "timeout in code cell 4", "kernel died in code cell 9").
    ``isolation`` is the :attr:`~ecs_learn.grading.isolation.Capabilities.level` of the
    box it ran in (``namespaced`` or ``plain``); empty when nothing of it ran (a file
    that is not a notebook).
    """

    student: str
    path: str
    status: SubmissionStatus
    points: float
    max_points: float
    scores: tuple[CheckScore, ...] = ()
    feedback: tuple[str, ...] = ()
    reason: str = ""
    incidents: tuple[str, ...] = ()
    isolation: str = ""

    @property
    def checks(self) -> dict[str, float]:
        return {s.check_id: s.points for s in self.scores}

    @property
    def crashed(self) -> tuple[CheckScore, ...]:
        """The checks that crashed while judging this submission (regrade these)."""
        return tuple(s for s in self.scores if s.status is CheckStatus.CRASHED)

    def to_dict(self) -> SubmissionResultDict:
        return {
            "student": self.student,
            "path": self.path,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "checks": self.checks,
            "check_results": {s.check_id: s.to_dict() for s in self.scores},
            "feedback": list(self.feedback),
            "reason": self.reason,
            "incidents": list(self.incidents),
            "isolation": self.isolation,
        }

    @classmethod
    def from_dict(cls, data: SubmissionResultDict) -> SubmissionResult:
        status = data["status"]
        if status not in ("graded", "invalid", "error"):
            raise ValueError(f"unknown submission status {status!r}")
        return cls(
            student=data["student"],
            path=data["path"],
            status=cast(SubmissionStatus, status),
            points=data["points"],
            max_points=data["max_points"],
            scores=tuple(CheckScore.from_dict(k, v) for k, v in data["check_results"].items()),
            feedback=tuple(data["feedback"]),
            reason=data["reason"],
            incidents=tuple(data.get("incidents", ())),
            isolation=str(data.get("isolation", "")),
        )


def student_name(path: Path) -> str:
    """The student a submission belongs to: its file name without ``.ipynb``.

    A name that is not UTF-8 on disk (Python holds its bytes as lone surrogates, which
    no report can encode) keeps those bytes as ``\\xNN``: still one name per file.
    """
    return os.fsencode(path.stem).decode("utf-8", "backslashreplace")


def zero_result(
    path: Path,
    lab: Lab,
    status: SubmissionStatus,
    reason: str,
    notes: list[str] | None = None,
) -> SubmissionResult:
    """No points, with the reason (not a notebook, a run that could not finish...)."""
    return SubmissionResult(
        student_name(path),
        str(path),
        status,
        0.0,
        float(sum(c.points for c in lab.checks)),
        tuple(CheckScore(c.id, CheckStatus.NOT_RUN, 0.0, float(c.points)) for c in lab.checks),
        tuple(notes or ()),
        reason,
    )
