"""Lab checks: named functions that read the account through boto3 and judge it."""

from __future__ import annotations

from ecs_learn.checks.catalog import Lab, UnknownCheckError, UnknownLabError, get_lab, list_labs
from ecs_learn.checks.reader import AccountReader, WriteAttemptError
from ecs_learn.checks.registry import Check, check, requirement, run_check
from ecs_learn.checks.result import CheckResult, LabReport, Requirement, Status

__all__ = [
    "AccountReader",
    "Check",
    "CheckResult",
    "Lab",
    "LabReport",
    "Requirement",
    "Status",
    "UnknownCheckError",
    "UnknownLabError",
    "WriteAttemptError",
    "check",
    "get_lab",
    "list_labs",
    "requirement",
    "run_check",
]
