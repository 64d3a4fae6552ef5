"""A class's grades made in code for the report writers' tests: no kernel, no server.

Lab 01's checks (execution-role 2, task-role 2, ec2-task 2, fargate-task 3, sidecar-task 2,
repair-task 3: 14 points). The class is built so that the interesting answers differ from
the easy wrong ones: the requirement most students failed in task-role is never any one
student's whole reason, and ec2-task crashed for more students than failed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ecs_learn.checks import get_lab
from ecs_learn.grading.submission import (
    CheckScore,
    CheckStatus,
    SubmissionResult,
    SubmissionStatus,
)

LAB = get_lab("01")
FOLDER = Path("/submissions")
TRUST = "trusted by: expected ecs-tasks.amazonaws.com, found ec2.amazonaws.com"
POLICY = "policy attached: expected s3:GetObject, found nothing"
MEMORY = "container memory: expected 256, found 128"
CRASH = "KeyError: 'RoleLastUsed'"
REPAIR = "task definition family orders-api: expected registered, found nothing"


def made(
    student: str,
    *,
    failed: Mapping[str, str] | None = None,
    crashed: Mapping[str, str] | None = None,
    status: SubmissionStatus = "graded",
    reason: str = "",
    feedback: tuple[str, ...] = (),
    incidents: tuple[str, ...] = (),
    isolation: str = "namespaced",
    file: str = "",
) -> SubmissionResult:
    """A student's grade: every check passed but those named ``failed`` (check id -> the
    reason) or ``crashed``; with a ``status`` other than graded, none ran."""
    failed, crashed = failed or {}, crashed or {}
    scores = []
    for c in LAB.checks:
        worth = float(c.points)
        if status != "graded":
            scores.append(CheckScore(c.id, CheckStatus.NOT_RUN, 0.0, worth))
        elif c.id in failed:
            scores.append(CheckScore(c.id, CheckStatus.FAILED, 0.0, worth, failed[c.id]))
        elif c.id in crashed:
            scores.append(CheckScore(c.id, CheckStatus.CRASHED, 0.0, worth, crashed[c.id]))
        else:
            scores.append(CheckScore(c.id, CheckStatus.PASSED, worth, worth))
    return SubmissionResult(
        student=student,
        path=str(FOLDER / (file or f"{student}.ipynb")),
        status=status,
        points=sum(s.points for s in scores),
        max_points=sum(s.max_points for s in scores),
        scores=tuple(scores),
        feedback=feedback,
        reason=reason,
        incidents=incidents,
        isolation="" if status == "invalid" else isolation,
    )


def klass() -> list[SubmissionResult]:
    """Eight students, in the order one run gives them (by file name)."""
    results = [
        made("-x"),  # a file name a spreadsheet would read as a formula
        made("=1+1", failed={"repair-task": REPAIR}),
        made("ana"),
        made(
            "ben",
            failed={"task-role": TRUST, "repair-task": REPAIR},
            feedback=(
                "the check cell for 'execution-role' was edited; it was restored",
                f"task-role: {TRUST} (hint: ...)",
                f"repair-task: {REPAIR} (hint: ...)",
            ),
        ),
        made(
            "cleo",
            failed={"task-role": f"{POLICY}; {TRUST}"},
            crashed={"ec2-task": CRASH},
            feedback=(f"ec2-task: the check itself crashed ({CRASH})",),
        ),
        made(
            "dan",
            failed={"ec2-task": MEMORY, "fargate-task": "task role: expected set, found none"},
            feedback=("code cell 4 used more than 2 GiB of memory",),
            incidents=("memory in code cell 4",),
        ),
        made(
            "eve",
            status="invalid",
            reason="eve.ipynb: invalid JSON (line 1, column 2); export the notebook again",
        ),
        made("zoë", crashed={"ec2-task": CRASH}),
    ]
    return sorted(results, key=lambda r: Path(r.path).name)
